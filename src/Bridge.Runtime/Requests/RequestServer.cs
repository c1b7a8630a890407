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
        var pending = new List<SpoolRequest>(spool.TakeBack(DateTime.UtcNow));
        if (pending.Count > 0)
        {
            await Log($"serving again {pending.Count} request(s) that a stopped service had taken");
        }

        await Log($"serving resync requests from {spool.Root}");
        var exit = ExitCodes.Success;
        while (!ct.IsCancellationRequested)
        {
            await HousekeepAsync();
            pending.AddRange(spool.Take(DateTime.UtcNow, m => log.WriteLine($"serve-requests: {m}")));
            if (pending.Count > 0)
            {
                exit = await RunBatchAsync(pending, ct);
                pending = [];
                if (once)
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

    private async Task<int> RunBatchAsync(List<SpoolRequest> batch, CancellationToken ct)
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
        await Log($"resync asked by {string.Join(", ", run.Admins)} ({batch.Count} request(s))");

        var resync = ResyncAsync(run.Admins, ct);
        while (!resync.IsCompleted)
        {
            await Task.WhenAny(resync, Task.Delay(Poll, CancellationToken.None));
            await HousekeepAsync();
            var late = spool.Take(DateTime.UtcNow, m => log.WriteLine($"serve-requests: {m}"));
            if (late.Count > 0)
            {
                members.AddRange(late.Select(r => (r, (string?)RequestResult.JoinedRunning)));
                run = run with { Admins = Admins(members.Select(m => m.Request)) };
                spool.WriteRunning(run);
                await Log($"{string.Join(", ", late.Select(r => r.Admin))} joined the running resync");
            }
        }

        var (code, text) = await resync;
        if (ct.IsCancellationRequested)
        {
            // Stopped mid-run: the requests stay in taken/ and are served again at the next start.
            spool.ClearRunning();
            await Log($"stopped; {members.Count} request(s) will be served again at the next start");
            return ExitCodes.Failure;
        }

        var finished = run with { FinishedAt = DateTime.UtcNow, ExitCode = code, Text = text };
        foreach (var (request, joined) in members)
        {
            spool.Answer(new RequestResult { Id = request.Id, Admin = request.Admin, RequestedAt = request.RequestedAt, Joined = joined, Run = finished }, request);
        }

        spool.WriteLast(finished);
        spool.ClearRunning();
        await Log($"resync ended with exit code {code}: {text.ReplaceLineEndings(" ")}");
        return code;
    }

    private async Task<(int Code, string Text)> ResyncAsync(IReadOnlyList<string> admins, CancellationToken ct)
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
                    ? await runtime.SyncAsync(SyncJob.Resync(string.Join(',', admins), LockWait), ct)
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

    private static List<string> Admins(IEnumerable<SpoolRequest> requests) => [.. requests.Select(r => r.Admin).Distinct(StringComparer.Ordinal)];

    private Task Log(string message) => log.WriteLineAsync($"serve-requests: {message}");
}
