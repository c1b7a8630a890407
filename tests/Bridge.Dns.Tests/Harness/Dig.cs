using System.Diagnostics;
using System.Globalization;

namespace Bridge.Dns.Tests.Harness;

/// Asks a server on 127.0.0.1 with the real `dig`.
public static class Dig
{
    // dig's exit status when no server answered.
    private const int NoReply = 9;

    private static readonly TimeSpan DigTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// The zone's SOA serial as the server at 127.0.0.1:port answers it; null for no answer, SERVFAIL, REFUSED or no server.
    public static async Task<long?> SoaSerialAsync(int port, string origin, CancellationToken ct = default)
    {
        var answers = await QueryAsync(port, origin, "SOA", ct);
        foreach (var answer in answers)
        {
            // mname rname serial refresh retry expire minimum
            var fields = answer.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 7 && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
            {
                return serial;
            }
        }

        return null;
    }

    /// The `+short` answers for name/type, in the server's order; empty when there is none or no server answered.
    public static async Task<IReadOnlyList<string>> QueryAsync(int port, string name, string type, CancellationToken ct = default)
    {
        // -t and -q, so that a name such as "mx" is never read as a type; +norecurse, as an authoritative server is asked.
        string[] arguments =
        [
            "@127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", type, "-q", name,
            "+short", "+norecurse", "+time=1", "+tries=1",
        ];
        var result = await ProcessRunner.RunAsync(BindTools.Dig, arguments, DigTimeout, ct);
        if (result.ExitCode == NoReply)
        {
            return [];
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dig {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Output}");
        }

        return result.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith(";;", StringComparison.Ordinal))
            .ToList();
    }

    /// Polls the SOA serial until <paramref name="until"/> holds or the timeout passes; returns the last serial seen either way.
    public static async Task<long?> WaitForSerialAsync(int port, string origin, Func<long?, bool> until, TimeSpan timeout, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var serial = await SoaSerialAsync(port, origin, ct);
            if (until(serial) || clock.Elapsed > timeout)
            {
                return serial;
            }

            await Task.Delay(PollInterval, ct);
        }
    }
}
