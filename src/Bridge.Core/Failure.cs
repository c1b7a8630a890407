namespace Bridge.Core;

/// <summary>Why an operation failed: a closed set, so that every front end can answer without reading another's text.</summary>
public enum FailureReason
{
    /// <summary>The configuration is wrong or incomplete; nothing was attempted.</summary>
    Configuration,

    /// <summary>Another Bridge run holds the run lock; nothing was done.</summary>
    LockHeld,

    /// <summary>The run lock could not be taken at all (its file or the standby's database failed).</summary>
    LockFailed,

    /// <summary>The guard refused the run: it would delete too much of the standby.</summary>
    GuardRefused,

    /// <summary>The machine read from could not be reached (or refused the login).</summary>
    PeerUnreachable,

    /// <summary>The machine read from answered with an error.</summary>
    PeerFailed,

    /// <summary>The machine written could not be reached (or refused the login).</summary>
    LocalUnreachable,

    /// <summary>The machine written (this one) answered with an error; what it was writing was rolled back.</summary>
    LocalFailed,

    /// <summary>The run gave up after its total time limit.</summary>
    TimeLimit,

    /// <summary>The database changes are committed, but the Apache step failed.</summary>
    Apache,

    /// <summary>The daily report could not be sent.</summary>
    Mail,

    /// <summary>Anything else; the message says what.</summary>
    Unexpected,
}

/// <summary>How a database failed, as far as the driver's error code, SQLSTATE or socket error tell.</summary>
public enum DatabaseProblem
{
    /// <summary>Not a connection problem, or not one Bridge recognises.</summary>
    Other,
    ConnectionRefused,
    Timeout,
    NetworkDown,
    UnknownHost,
    LoginRefused,
    TooManyConnections,
    StartingOrStopping,
    NoSuchDatabase,

    /// <summary>The connection could not be opened or was closed, for another reason.</summary>
    ConnectionLost,
}

/// <summary>
/// A failed operation as data: the reason, which side (<c>peer</c> or <c>local</c>, when a database's), the database's error code
/// or SQLSTATE, and a one-line message with every secret removed.
/// </summary>
public sealed record Failure(FailureReason Reason, string Message)
{
    /// <summary>The side whose database failed, as the operation calls it (<c>peer</c>: read from, <c>local</c>: written).</summary>
    public string? Side { get; init; }

    /// <summary>The SQLSTATE (PostgreSQL) or error number (MariaDB), when the server sent one.</summary>
    public string? Code { get; init; }

    public DatabaseProblem Problem { get; init; }

    /// <summary>For <see cref="FailureReason.TimeLimit"/>: the limit that was reached.</summary>
    public TimeSpan? Limit { get; init; }

    /// <summary>For <see cref="FailureReason.GuardRefused"/>: what the guard refused.</summary>
    public IReadOnlyList<Guard.GuardRefusal> Refusals { get; init; } = [];

    /// <summary>The exit code that goes with the reason.</summary>
    public int ExitCode => Reason switch
    {
        FailureReason.Configuration => ExitCodes.Usage,
        FailureReason.LockHeld => ExitCodes.Locked,
        FailureReason.GuardRefused => ExitCodes.Refused,
        _ => ExitCodes.Failure,
    };

    /// <summary>True when nothing was written (every reason but <see cref="FailureReason.Apache"/>, whose database changes are committed).</summary>
    public bool NothingChanged => Reason != FailureReason.Apache;
}
