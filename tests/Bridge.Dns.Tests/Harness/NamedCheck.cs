namespace Bridge.Dns.Tests.Harness;

/// BIND's own checkers, run on files before a server is asked to load them.
public static class NamedCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// `named-checkzone <origin> <file>`: Ok when named would load the zone; Output holds its findings either way.
    public static async Task<(bool Ok, string Output)> CheckZoneAsync(string origin, string file, CancellationToken ct = default)
    {
        var result = await ProcessRunner.RunAsync(BindTools.NamedCheckZone, [origin, file], Timeout, ct);
        return (result.ExitCode == 0, result.Output);
    }

    /// `named-checkconf <file>`: Ok when the file is valid named.conf syntax (a Blech zones.conf on its own is).
    public static async Task<(bool Ok, string Output)> CheckConfAsync(string file, CancellationToken ct = default)
    {
        var result = await ProcessRunner.RunAsync(BindTools.NamedCheckConf, [file], Timeout, ct);
        return (result.ExitCode == 0, result.Output);
    }
}
