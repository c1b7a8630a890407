using Bridge.Core;

namespace Bridge.Cli.Requests;

/// <summary>
/// K's Resync button: the Blech hook (unprivileged) records a request in a spool folder and waits for its result; a
/// privileged service takes the requests and runs one resync for all of them.
/// </summary>
public static class RequestCommands
{
    /// <summary><c>bridge resync-request</c>: record a request for <paramref name="admin"/>, wait for the result, print it in plain words.</summary>
    public static Task<int> RequestAsync(string spool, string admin, double waitSeconds, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        throw new NotImplementedException("resync-request is being built");

    /// <summary><c>bridge serve-requests</c>: take pending requests and run one resync for them; loop unless <paramref name="once"/>.</summary>
    public static Task<int> ServeAsync(string configPath, string spool, bool once, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        throw new NotImplementedException("serve-requests is being built");

    /// <summary><c>bridge last-resync</c>: print the result of the last resync in plain words.</summary>
    public static Task<int> LastAsync(string spool, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        Task.FromResult(ExitCodes.Failure);
}
