namespace Bridge.Core;

/// <summary>The exit codes of every <c>bridge</c> command.</summary>
public static class ExitCodes
{
    /// <summary>The run did what was asked (for <c>diff --exit-code</c>: nothing is pending).</summary>
    public const int Success = 0;

    /// <summary>The run failed (a database unreachable, an apply rolled back); or, for <c>diff --exit-code</c>, changes are pending.</summary>
    public const int Failure = 1;

    /// <summary>The command line or the configuration is wrong; nothing was attempted.</summary>
    public const int Usage = 2;

    /// <summary>The guard refused the run: it would delete too much of the standby.</summary>
    public const int Refused = 3;

    /// <summary>Another Bridge run holds the lock; this one changed nothing.</summary>
    public const int Locked = 4;
}
