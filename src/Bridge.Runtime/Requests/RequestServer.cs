using System.Diagnostics;
using System.Runtime.Versioning;
using Bridge.Core;
using Bridge.Data.Run;
using Bridge.Core.Files;

namespace Bridge.Runtime.Requests;

/// <summary>
/// The privileged side of the Resync button: takes every pending request from the spool, runs one resync for all of them
/// (the runtime's resync operation, in this process), and answers each request with its outcome in plain words. Requests that arrive
/// while a resync runs join it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RequestServer(string configPath, Spool spool, TextWriter log)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan BeatEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CleanEvery = TimeSpan.FromHours(1);

    // How often a run that found another Bridge run holding the lock (exit 4, after waiting LockWait) is tried again.
    private const int LockedAttempts = 3;
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);

    private DateTime _lastBeat = DateTime.MinValue;
    private DateTime _lastClean = DateTime.MinValue;
    private string? _lastTakeError;

    /// <summary>Serves until <paramref name="ct"/> is cancelled; with <paramref name="once"/>, serves what is pending and returns.</summary>
    public async Task<int> ServeAsync(bool once, CancellationToken ct)
    {
        FileStream? held;
        try
        {
            spool.EnsureLayout();
            held = TryLock();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Log($"cannot use the spool {spool.Root}: {e.Message}");
            return ExitCodes.Failure;
        }

        if (held is null)
        {
            await Log($"another serve-requests already serves {spool.Root}; nothing done");
            return ExitCodes.Locked;
        }

        await using var serveLock = held;

        // Holding the lock, any running file is a dead process's; any taken request was never answered.
        spool.ClearRunning();
        List<SpoolRequest> pending;
        try
        {
            pending = [.. spool.TakeBack(DateTime.UtcNow)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Log($"cannot read {spool.Taken}: {e.Message}");
            return ExitCodes.Failure;
        }

        if (pending.Count > 0)
        {
            await Log($"serving again {pending.Count} request(s) that a stopped service had taken");
        }

        await Log($"serving resync requests from {spool.Root}");
        var exit = ExitCodes.Success;
        while (!ct.IsCancellationRequested)
        {
            await HousekeepAsync();
            pending.AddRange(TakeSafely());
            if (pending.Count > 0)
            {
                (exit, pending) = await RunBatchAsync(pending, ct);
                if (once && pending.Count == 0)
                {
                    break;
                }

                continue;
            }

            if (once)
            {
                break;
            }

            try
            {
                await Task.Delay(Poll, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return exit;
    }

    // A click may only be answered by a resync whose read of the active machine started after the click: otherwise "in sync"
    // could describe a chip from before the admin's last edit. A request's click came before the service took it, so a
    // request taken before the read started joins the run; one taken later waits for the next run (returned as Later).
    private async Task<(int Code, List<SpoolRequest> Later)> RunBatchAsync(List<SpoolRequest> batch, CancellationToken ct)
    {
        var first = batch[0];
        var run = new ResyncRun
        {
            StartedBy = first.Admin,
            RequestedAt = first.RequestedAt,
            StartedAt = DateTime.UtcNow,
            Admins = Admins(batch),
            Pid = Environment.ProcessId,
        };
        spool.WriteRunning(run);
        var members = batch.Select((r, i) => (Request: r, Joined: i == 0 ? null : RequestResult.JoinedTogether)).ToList();
        await Log($"resync asked by {List(run.Admins)} ({batch.Count} request(s))");

        var read = new PeerReadClock();
        var late = new List<(SpoolRequest Request, long TakenAt)>();
        var resync = ResyncAsync(run.Admins, read.Mark, ct);
        while (!resync.IsCompleted)
        {
            await Task.WhenAny(resync, Task.Delay(Poll, CancellationToken.None));
            await HousekeepAsync();
            var more = TakeSafely();
            if (more.Count == 0)
            {
                continue;
            }

            var takenAt = Stopwatch.GetTimestamp();
            late.AddRange(more.Select(r => (r, takenAt)));
            if (takenAt < read.Latest)
            {
                run = run with { Admins = Admins(members.Select(m => m.Request).Concat(more)) };
                spool.WriteRunning(run);
                await Log($"{List(more.Select(r => r.Admin))} joined the running resync before it read the active machine");
            }
            else
            {
                await Log($"{List(more.Select(r => r.Admin))} asked after the running resync read the active machine: served by the next resync");
            }
        }

        var (code, text) = await resync;

        // Decided once the run is over: a retried attempt reads again, later, and its read is the one the answer describes.
        var readAt = read.Latest;
        members.AddRange(late.Where(l => l.TakenAt < readAt).Select(l => (l.Request, (string?)RequestResult.JoinedRunning)));
        List<SpoolRequest> later = [.. late.Where(l => l.TakenAt >= readAt).Select(l => l.Request)];
        if (ct.IsCancellationRequested)
        {
            // Stopped mid-run: the requests stay in taken/ and are served again at the next start.
            spool.ClearRunning();
            await Log($"stopped; {members.Count + later.Count} request(s) will be served again at the next start");
            return (ExitCodes.Failure, []);
        }

        run = run with { Admins = Admins(members.Select(m => m.Request)), ReadAt = read.LatestUtc };
        var finished = run with { FinishedAt = DateTime.UtcNow, ExitCode = code, Text = text };
        foreach (var (request, joined) in members)
        {
            spool.Answer(new RequestResult { Id = request.Id, Admin = request.Admin, RequestedAt = request.RequestedAt, Joined = joined, Run = finished }, request);
        }

        spool.WriteLast(finished);
        spool.ClearRunning();
        await Log($"resync ended with exit code {code}: {text.ReplaceLineEndings(" ")}");
        if (later.Count > 0)
        {
            await Log($"{later.Count} request(s) made after that resync read the active machine: running another");
        }

        return (code, later);
    }

    // Takes what is pending; whatever the spool holds, the service goes on (and a resync in progress is never aborted).
    private List<SpoolRequest> TakeSafely()
    {
        try
        {
            return [.. spool.Take(DateTime.UtcNow, m => log.WriteLine($"serve-requests: {m}"))];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = $"cannot take requests from {spool.Requests}: {e.GetType().Name}: {e.Message}";
            if (message != _lastTakeError)
            {
                _lastTakeError = message;
                log.WriteLine($"serve-requests: {message}");
            }

            return [];
        }
    }

    private async Task<(int Code, string Text)> ResyncAsync(IReadOnlyList<string> admins, Action onPeerRead, CancellationToken ct)
    {
        var timer = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            using var logged = new StringWriter();
            SyncOutcome outcome;
            BridgeRuntime? runtime = null;
            try
            {
                using var loggers = new TextWriterLoggerProvider(TextWriter.Synchronized(logged));
                outcome = BridgeRuntime.TryLoad(configPath, loggers, out runtime, out var invalid)
                    ? await runtime.SyncAsync(SyncJob.Resync(string.Join(',', admins), LockWait) with { OnPeerRead = onPeerRead }, ct)
                    : SyncOutcome.Failed(invalid);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return (ExitCodes.Failure, string.Empty);
            }
            catch (Exception e)
            {
                await Log($"resync threw {e.GetType().Name}: {(runtime?.Secrets.Redact(e.Message) ?? e.Message).ReplaceLineEndings(" ")}");
                return (ExitCodes.Failure, ResyncWords.Unexpected);
            }

            foreach (var line in logged.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                await Log($"resync: {line.TrimEnd('\r')}");
            }

            if (outcome.Failure is { } failure)
            {
                await Log($"resync: blech-bridge resync: {failure.Message}");
            }

            if (outcome.Failure?.Reason == FailureReason.LockHeld && attempt < LockedAttempts && !ct.IsCancellationRequested)
            {
                await Log("another Bridge run holds the lock; trying again");
                continue;
            }

            var names = await NamesAsync(outcome, runtime, ct);
            var words = ResyncWords.Describe(outcome, timer.Elapsed, names);
            if (runtime is not null && outcome.ExitCode == ExitCodes.Success)
            {
                // K's answer to a resync that worked ends with whether the standby could take over now.
                words = words.TrimEnd('\n') + "\n" + ResyncWords.Readiness(await runtime.ReadyAsync(ct), names) + "\n";
            }

            return (outcome.ExitCode, words);
        }
    }

    // Blech's host names for the answers: from this report, else remembered from an earlier one, else asked of the databases.
    private async Task<MachineNames> NamesAsync(SyncOutcome outcome, BridgeRuntime? runtime, CancellationToken ct)
    {
        var stored = spool.ReadNames();
        var found = outcome.Report?.Machines;
        var names = new MachineNames(NonEmpty(found?.Peer) ?? stored.Peer, NonEmpty(found?.Local) ?? stored.Local);
        if ((names.Peer is null || names.Local is null) && runtime is not null)
        {
            names = new MachineNames(names.Peer ?? await runtime.HostnameAsync(peer: true, ct), names.Local ?? await runtime.HostnameAsync(peer: false, ct));
        }

        if (names != stored)
        {
            try
            {
                spool.WriteNames(names);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Log($"cannot remember the machine names: {e.Message}");
            }
        }

        return names;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private async Task HousekeepAsync()
    {
        var now = DateTime.UtcNow;
        try
        {
            if (now - _lastBeat >= BeatEvery)
            {
                spool.Beat(Environment.ProcessId);
                _lastBeat = now;
            }

            if (now - _lastClean >= CleanEvery)
            {
                spool.Clean(now);
                _lastClean = now;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Log($"cannot write to the spool: {e.Message}");
        }
    }

    private FileStream? TryLock() => FileLock.TryTake(spool.LockFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

    // For the log: at most ten logins, then how many more.
    private static string List(IEnumerable<string> admins)
    {
        var all = admins.Distinct(StringComparer.Ordinal).ToList();
        return all.Count <= 10 ? string.Join(", ", all) : string.Join(", ", all.Take(10)) + $" and {all.Count - 10} more";
    }

    private static List<string> Admins(IEnumerable<SpoolRequest> requests) => [.. requests.Select(r => r.Admin).Distinct(StringComparer.Ordinal)];

    private Task Log(string message) => log.WriteLineAsync($"serve-requests: {message}");
}

/// <summary>When the running resync last started reading the active machine (set from the runtime's thread).</summary>
internal sealed class PeerReadClock
{
    private long _latest = long.MaxValue;
    private long _latestUtcTicks;

    /// <summary>A <see cref="Stopwatch"/> timestamp; <see cref="long.MaxValue"/> while the run has not started reading.</summary>
    public long Latest => Interlocked.Read(ref _latest);

    public DateTime? LatestUtc => Interlocked.Read(ref _latestUtcTicks) is var t and > 0 ? new DateTime(t, DateTimeKind.Utc) : null;

    public void Mark()
    {
        Interlocked.Exchange(ref _latestUtcTicks, DateTime.UtcNow.Ticks);
        Interlocked.Exchange(ref _latest, Stopwatch.GetTimestamp());
    }
}
