namespace Bridge.Apache;

/// <summary>An external command: an argument vector (no shell) and extra environment variables.</summary>
/// <param name="Arguments">The program followed by its arguments, e.g. <c>["apache2ctl", "-t"]</c>.</param>
/// <param name="Environment">Variables to set (a null value removes one), e.g. APACHE_CONFDIR for a test tree.</param>
public sealed record ApacheCommand(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?>? Environment = null)
{
    /// <summary>The command as a readable line, for logs and reasons.</summary>
    public override string ToString() => string.Join(' ', Arguments.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
}

/// <summary>How a command ended.</summary>
/// <param name="ExitCode">The exit status; -1 when it timed out or could not start.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr (or why it could not start).</param>
/// <param name="TimedOut">Whether it was killed for running too long.</param>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    /// <summary>Whether it exited with status 0.</summary>
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}
