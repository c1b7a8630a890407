using System.Diagnostics;
using System.Runtime.Versioning;
using Bridge.Core;
using Bridge.Data.Engine;

namespace Bridge.Cli.Requests;

/// <summary>
/// The privileged side of the Resync button: takes every pending request from the spool, runs one resync for all of them
/// (in this process, as <c>bridge resync</c>), and answers each request with its outcome in plain words. Requests that arrive
/// while a resync runs join it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RequestServer(string configPath, Spool spool, TextWriter log)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan BeatEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CleanEvery = TimeSpan.FromHours(1);

    // How often a run that found another Bridge run holding the lock (exit 4, after waiting LockWaitSeconds) is tried again.
    private const int LockedAttempts = 3;
    private const string LockWaitSeconds = "60";

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
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            int code;
            try
            {
                // "--requested-by=..." in one token: a login may begin with '@', which alone would be read as a response file.
                code = await BridgeApp.RunAsync(
                    ["resync", "--config", configPath, "--format", "json", "--requested-by=" + string.Join(',', admins), "--wait", LockWaitSeconds],
                    stdout, TextWriter.Synchronized(stderr), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return (ExitCodes.Failure, string.Empty);
            }
            catch (Exception e)
            {
                await Log($"resync threw {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
                return (ExitCodes.Failure, ResyncWords.Describe(-1, string.Empty, string.Empty, timer.Elapsed, spool.ReadNames()));
            }

            foreach (var line in stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                await Log($"resync: {line.TrimEnd('\r')}");
            }

            if (code == ExitCodes.Locked && attempt < LockedAttempts && !ct.IsCancellationRequested)
            {
                await Log("another Bridge run holds the lock; trying again");
                continue;
            }

            var names = await NamesAsync(stdout.ToString(), ct);
            try
            {
                return (code, ResyncWords.Describe(code, stdout.ToString(), stderr.ToString(), timer.Elapsed, names));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or System.Text.Json.JsonException)
            {
                // An answer must come whatever the report looks like; without one, the request would be served again forever.
                await Log($"cannot put the resync's outcome in words: {e.Message}");
                return (code, code == ExitCodes.Success
                    ? "Resync finished, but Bridge could not read its own report.\nAn administrator can find the details in the Bridge service log (journalctl -u bridge-requests)."
                    : "Resync failed with an unexpected error.\nAn administrator can find the details in the Bridge service log (journalctl -u bridge-requests).");
            }
        }
    }

    // Blech's host names for the answers: from this report, else remembered from an earlier one, else asked of the databases.
    private async Task<MachineNames> NamesAsync(string stdout, CancellationToken ct)
    {
        var stored = spool.ReadNames();
        var found = ResyncWords.NamesIn(stdout);
        var names = new MachineNames(found.Peer ?? stored.Peer, found.Local ?? stored.Local);
        if (names.Peer is null || names.Local is null)
        {
            names = new MachineNames(names.Peer ?? await HostnameAsync("peer", ct), names.Local ?? await HostnameAsync("local", ct));
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

    private async Task<string?> HostnameAsync(string role, CancellationToken ct)
    {
        try
        {
            var side = BridgeConfig.Load(configPath).BuildSide(role, new Secrets());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var connection = side.Dialect.CreateConnection(side.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT hostname FROM server";
            return await command.ExecuteScalarAsync(timeout.Token) as string;
        }
        catch (Exception)
        {
            // Only a name for a sentence: whatever went wrong, the answer says "the active machine" instead.
            return null;
        }
    }

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

    private FileStream? TryLock()
    {
        try
        {
            return new FileStream(spool.LockFile, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<string> Admins(IEnumerable<SpoolRequest> requests) => [.. requests.Select(r => r.Admin).Distinct(StringComparer.Ordinal)];

    private Task Log(string message) => log.WriteLineAsync($"serve-requests: {message}");
}
