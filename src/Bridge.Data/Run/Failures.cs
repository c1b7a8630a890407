using System.Net.Sockets;
using Bridge.Core;
using Bridge.Data.Engine;
using Polly.Timeout;

namespace Bridge.Data.Run;

/// <summary>Turns an exception into a <see cref="Failure"/>: the side, the database's code, what kind of problem, a redacted line.</summary>
public static class Failures
{
    /// <summary>The key of <see cref="Exception.Data"/> under which the side whose database threw is remembered.</summary>
    public const string SideKey = "bridge.side";

    /// <summary>A failure of a run that reads <paramref name="peer"/> and writes <paramref name="local"/>.</summary>
    public static Failure OfRun(Exception e, Side peer, Side local, Secrets secrets)
    {
        var message = secrets.Redact(SyncRunner.OneLine(e));
        if (e is TimeoutRejectedException t)
        {
            return new Failure(FailureReason.TimeLimit, message) { Limit = t.Timeout };
        }

        var label = e.Data[SideKey] as string;
        var side = label == peer.Role ? peer : label == local.Role ? local : null;
        if (side is null)
        {
            return new Failure(FailureReason.Unexpected, message);
        }

        var (code, problem) = Classify(e, side.Dialect);
        var reason = (side == peer, problem == DatabaseProblem.Other) switch
        {
            (true, false) => FailureReason.PeerUnreachable,
            (true, true) => FailureReason.PeerFailed,
            (false, false) => FailureReason.LocalUnreachable,
            (false, true) => FailureReason.LocalFailed,
        };
        return new Failure(reason, message) { Side = side.Role, Code = code, Problem = problem };
    }

    /// <summary>A failure of one database, <paramref name="side"/>, with the given reason.</summary>
    public static Failure OfDatabase(FailureReason reason, Exception e, Side side, Secrets secrets, string prefix = "")
    {
        var (code, problem) = Classify(e, side.Dialect);
        return new Failure(reason, prefix + secrets.Redact(SyncRunner.OneLine(e))) { Side = side.Role, Code = code, Problem = problem };
    }

    /// <summary>The database's reason when the exception (or one inside it) is the server refusing a row's data; otherwise null.</summary>
    public static string? DataError(Exception e, IEngineDialect dialect)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (dialect.DataError(x) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    /// <summary>
    /// What the exception chain says about the database: the driver's own error first, then socket errors and timeouts, and last
    /// (some driver errors carry no code, only words) the messages.
    /// </summary>
    public static (string? Code, DatabaseProblem Problem) Classify(Exception e, IEngineDialect dialect)
    {
        string? code = null;
        for (var x = e; x is not null; x = x.InnerException)
        {
            var (c, problem) = dialect.ClassifyError(x);
            code ??= c;
            problem = problem != DatabaseProblem.Other ? problem : x switch
            {
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => DatabaseProblem.ConnectionRefused,
                SocketException { SocketErrorCode: SocketError.TimedOut } or TimeoutException => DatabaseProblem.Timeout,
                SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown } => DatabaseProblem.NetworkDown,
                SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => DatabaseProblem.UnknownHost,
                _ => DatabaseProblem.Other,
            };
            if (problem != DatabaseProblem.Other)
            {
                return (code, problem);
            }
        }

        return (code, FromWords(SyncRunner.OneLine(e)));
    }

    // Only for what the drivers report in words alone (a connection closed mid-read, a name that did not resolve inside the driver).
    private static DatabaseProblem FromWords(string message)
    {
        var m = message.ToLowerInvariant();
        return m switch
        {
            _ when m.Contains("connection refused", StringComparison.Ordinal) => DatabaseProblem.ConnectionRefused,
            _ when m.Contains("timeout", StringComparison.Ordinal) || m.Contains("timed out", StringComparison.Ordinal) => DatabaseProblem.Timeout,
            _ when m.Contains("no route to host", StringComparison.Ordinal) || m.Contains("network is unreachable", StringComparison.Ordinal) => DatabaseProblem.NetworkDown,
            _ when m.Contains("name or service not known", StringComparison.Ordinal) || m.Contains("no such host", StringComparison.Ordinal)
                || m.Contains("name resolution", StringComparison.Ordinal) => DatabaseProblem.UnknownHost,
            _ when m.Contains("authentication", StringComparison.Ordinal) || m.Contains("access denied", StringComparison.Ordinal) => DatabaseProblem.LoginRefused,
            _ when m.Contains("too many connections", StringComparison.Ordinal) || m.Contains("too many clients", StringComparison.Ordinal) => DatabaseProblem.TooManyConnections,
            _ when m.Contains("starting up", StringComparison.Ordinal) || m.Contains("shutting down", StringComparison.Ordinal) => DatabaseProblem.StartingOrStopping,
            _ when (m.Contains("database", StringComparison.Ordinal) && m.Contains("does not exist", StringComparison.Ordinal))
                || m.Contains("unknown database", StringComparison.Ordinal) => DatabaseProblem.NoSuchDatabase,
            _ when m.Contains("failed to connect", StringComparison.Ordinal) || m.Contains("unable to connect", StringComparison.Ordinal)
                || (m.Contains("connection", StringComparison.Ordinal) && m.Contains("closed", StringComparison.Ordinal)) => DatabaseProblem.ConnectionLost,
            _ => DatabaseProblem.Other,
        };
    }
}
