using System.Diagnostics;
using System.Runtime.Versioning;

namespace Bridge.Runtime.Requests;

/// <summary>How a click's request ended, as far as the unprivileged hook can tell.</summary>
public enum RequestState
{
    /// <summary>The admin login Blech passed is empty, too long or has other characters than letters, digits and <c>. _ @ -</c>.</summary>
    InvalidAdmin,

    /// <summary>The spool's request folder does not exist or cannot be entered.</summary>
    NotSetUp,

    /// <summary>The request could not be written into the spool.</summary>
    NotSubmitted,

    /// <summary>The service answered: <see cref="RequestAnswer.Result"/>.</summary>
    Answered,

    /// <summary>No service beats, so nobody took the request; it was withdrawn.</summary>
    NotTaken,

    /// <summary>The service took the request but stopped beating before it answered.</summary>
    ServiceStopped,

    /// <summary>The wait ended before the answer; the resync goes on (<see cref="RequestAnswer.Running"/>, when known).</summary>
    StillRunning,
}

/// <summary>A request's end: its state, the service's answer or the run in progress, and for the log what went wrong.</summary>
public sealed record RequestAnswer(RequestState State, DateTime AskedAt)
{
    public RequestResult? Result { get; init; }

    public ResyncRun? Running { get; init; }

    /// <summary>For the log: the folder or the error behind <see cref="RequestState.NotSetUp"/>, <see cref="RequestState.NotSubmitted"/> or <see cref="RequestState.NotTaken"/>.</summary>
    public string? Detail { get; init; }
}

/// <summary>The hook's side of K's Resync button: records a request in the spool and waits for the service's answer.</summary>
[SupportedOSPlatform("linux")]
public static class ResyncClient
{
    // A request nobody took within this while, with no service heartbeat, is withdrawn: K hears at once that it will not run.
    private static readonly TimeSpan PickUpGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Asks for a resync for <paramref name="admin"/> and waits up to <paramref name="wait"/> (or until <paramref name="stop"/>) for its answer.</summary>
    public static async Task<RequestAnswer> AskAsync(string spoolRoot, string admin, TimeSpan wait, CancellationToken stop)
    {
        var asked = DateTime.UtcNow;
        if (!AdminName.IsValid(admin))
        {
            return new RequestAnswer(RequestState.InvalidAdmin, asked);
        }

        var s = new Spool(spoolRoot);
        if (!Directory.Exists(s.Requests))
        {
            return new RequestAnswer(RequestState.NotSetUp, asked) { Detail = $"{s.Requests} does not exist or cannot be entered" };
        }

        var id = Guid.NewGuid().ToString("N");
        string requestPath;
        try
        {
            requestPath = s.Submit(id, admin, asked);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RequestAnswer(RequestState.NotSubmitted, asked) { Detail = $"cannot write a request in {s.Requests}: {e.Message}" };
        }

        var timer = Stopwatch.StartNew();
        while (true)
        {
            if (s.ReadResult(id) is { } result)
            {
                return new RequestAnswer(RequestState.Answered, asked) { Result = result };
            }

            var waited = timer.Elapsed;
            if ((waited >= PickUpGrace || waited >= wait || stop.IsCancellationRequested)
                && File.Exists(requestPath) && !s.ReadAlive(DateTime.UtcNow).Alive && Spool.TryWithdraw(requestPath))
            {
                return new RequestAnswer(RequestState.NotTaken, asked) { Detail = $"no service beats in {s.Root}; request withdrawn" };
            }

            if (waited >= wait || stop.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(Poll, stop);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM or the caller: one more look, then the "still running" answer.
            }
        }

        if (s.ReadResult(id) is { } late)
        {
            return new RequestAnswer(RequestState.Answered, asked) { Result = late };
        }

        var now = DateTime.UtcNow;
        return s.ReadAlive(now).Alive
            ? new RequestAnswer(RequestState.StillRunning, asked) { Running = s.ReadRunning(now) }
            : new RequestAnswer(RequestState.ServiceStopped, asked);
    }
}
