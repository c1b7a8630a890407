using System.Text;
using System.Text.Json;
using Bridge.Core;
using Bridge.Data.Engine;
using Bridge.Data.Run;
using Bridge.Data.State;
using Microsoft.Extensions.Logging;

namespace Bridge.Cli;

/// <summary><c>bridge promote</c>, <c>bridge demote</c> and <c>bridge status</c>.</summary>
public static class RoleCommands
{
    public static async Task<int> PromoteAsync(string configPath, string requestedBy, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var secrets = new Secrets();
        if (!TryLoad(configPath, secrets, stderr, out var config, out var local, out var peer))
        {
            return ExitCodes.Usage;
        }

        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        var logger = loggerFactory.CreateLogger("bridge");
        var roles = new Roles(local, peer, logger);
        var peerAnswers = roles.PeerAnswersAsync(ct);
        await using var runLock = await WaitForLockAsync(config, local, logger, ct, peerAnswers);

        // Vhosts first: once V is here, Apache must answer on it. The sites Blech's hourly push moved back to this machine's own
        // address since the last sync are Bridge's, not this machine's: they go back on V first, or the Apache step would keep them.
        IReadOnlyList<string> reclaimed = [];
        try
        {
            reclaimed = await roles.ReclaimSitesAsync(config.ParseServiceAddress(), config.BuildAddressPolicy().LocalAddress, ct);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            logger.LogError("Could not put the sites Blech's push moved back on V: {Reason}", secrets.Redact(SyncRunner.OneLine(e)));
        }

        var apache = config.Apache.Enabled
            ? await ApacheCommands.RunForSyncAsync(config, local, dryRun: false, logger, secrets, ct)
            : null;
        try
        {
            var result = await roles.PromoteAsync(config.ParseServiceAddress(), requestedBy, ct, peerKnownDown: !await peerAnswers);
            await stdout.WriteLineAsync($"promoted to active (epoch {result.Role.Epoch}): {result.ZonesRaised} zone serials raised"
                + (result.RegisteredServiceAddress ? $", {config.ServiceAddress} registered" : string.Empty)
                + (reclaimed.Count > 0 ? $", {reclaimed.Count} sites put back on {config.ServiceAddress}" : string.Empty)
                + (result.PeerSeen ? string.Empty : "; the peer did not answer")
                + (apache is null ? string.Empty : $"; apache {apache.Outcome}" + (apache.ChangedFiles.Count > 0 ? $" ({apache.ChangedFiles.Count} files)" : string.Empty)));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await stderr.WriteLineAsync($"bridge promote: local database: {secrets.Redact(SyncRunner.OneLine(e))}");
            return ExitCodes.Failure;
        }

        if (apache is { Succeeded: false })
        {
            await stderr.WriteLineAsync($"bridge promote: apache: {apache.Outcome}: {apache.Reason}");
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    public static async Task<int> DemoteAsync(string configPath, string requestedBy, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var secrets = new Secrets();
        if (!TryLoad(configPath, secrets, stderr, out var config, out var local, out var peer))
        {
            return ExitCodes.Usage;
        }

        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        await using var runLock = await WaitForLockAsync(config, local, loggerFactory.CreateLogger("bridge"), ct);
        try
        {
            var role = await new Roles(local, peer, loggerFactory.CreateLogger("bridge")).DemoteAsync(requestedBy, ct);
            await stdout.WriteLineAsync($"demoted to standby (epoch {role.Epoch}); the next sync pulls from the peer");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await stderr.WriteLineAsync($"bridge demote: local database: {secrets.Redact(SyncRunner.OneLine(e))}");
            return ExitCodes.Failure;
        }
    }

    public static async Task<int> StatusAsync(string configPath, string format, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var secrets = new Secrets();
        if (!TryLoad(configPath, secrets, stderr, out var config, out var local, out var peer))
        {
            return ExitCodes.Usage;
        }

        using var loggerFactory = BridgeApp.CreateLoggerFactory(TextWriter.Null);
        var logger = loggerFactory.CreateLogger("bridge");
        StatusReport status;
        try
        {
            status = await new Roles(local, peer, logger).StatusAsync(ct);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await stderr.WriteLineAsync($"bridge status: local database: {secrets.Redact(SyncRunner.OneLine(e))}");
            return ExitCodes.Failure;
        }

        int? pending = null;
        if (status.Peer is not null && !status.BothActive)
        {
            // What the standby's next sync would change, whichever machine that is.
            var (from, to) = status.Local.IsActive ? (local with { Role = "local" }, peer with { Role = "peer" }) : (peer, local);
            var retry = new RetryOptions { MaxRetryAttempts = 0, TotalTimeout = TimeSpan.FromSeconds(60) };
            var outcome = await new SyncRunner(from, to, retry, secrets, logger).RunAsync(new SyncRequest(config.BuildAddressPolicy(), DryRun: true, Command: "status"), ct);
            pending = outcome.Report is { } r ? r.Plan.Steps.Count + r.Plan.AddressesToRegister.Count : null;
        }

        await stdout.WriteAsync(format == "json" ? Json(status, pending) : Text(status, pending));
        if (status.BothActive)
        {
            await stderr.WriteLineAsync("bridge status: both machines claim to be active; demote the one that does not hold V");
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    // A role change must not wait behind a long sync for ever: keepalived is waiting. After a few seconds it goes on without
    // the lock; the sync that holds it reads the role at its start and finishes as the role it began with. When the peer does
    // not answer (chip died), a sync holding the lock is stuck on the peer's connection with nothing to write: promote stops
    // waiting as soon as it knows, instead of serving nothing on V for the full wait.
    private static async Task<RunLock?> WaitForLockAsync(BridgeConfig config, Side local, ILogger logger, CancellationToken ct, Task<bool>? peerAnswers = null)
    {
        // Not disposed: the peer's answer may come after the lock, and cancelling a disposed source would throw.
        var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (peerAnswers is not null)
        {
            _ = StopWhenPeerIsDownAsync(peerAnswers, giveUp);
        }

        try
        {
            var (runLock, heldBy) = await RunLock.TryAcquireAsync(config.LockFile, local, TimeSpan.FromSeconds(10), giveUp.Token);
            if (runLock is null)
            {
                logger.LogWarning("Going on without the run lock: {HeldBy}", heldBy);
            }

            return runLock;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Going on without the run lock: the peer does not answer, so the run holding it is stuck on the peer's connection");
            return null;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            logger.LogWarning("Going on without the run lock: {Reason}", e.Message);
            return null;
        }
    }

    private static async Task StopWhenPeerIsDownAsync(Task<bool> peerAnswers, CancellationTokenSource giveUp)
    {
        if (!await peerAnswers)
        {
            giveUp.Cancel();
        }
    }

    private static string Text(StatusReport s, int? pending)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"this machine: {s.Local.Role}, epoch {s.Local.Epoch}{(s.Local.ChangedAt is { } at ? $", since {at:yyyy-MM-dd HH:mm:ss}Z" : string.Empty)}");
        sb.AppendLine(s.Peer is { } p ? $"peer: {p.Role}, epoch {p.Epoch}" : $"peer: unreachable ({s.PeerError})");
        sb.AppendLine(s.LastRun is { } run ? $"last sync: {run.StartedAt:yyyy-MM-dd HH:mm:ss}Z {run.Outcome}: {run.Summary ?? run.Error}" : "last sync: never");
        if (s.LastSuccess is { } ok && ok != s.LastRun)
        {
            sb.AppendLine($"last successful sync: {ok.StartedAt:yyyy-MM-dd HH:mm:ss}Z");
        }

        sb.AppendLine($"zones whose serials differ: {s.Serials.Count}");
        foreach (var z in s.Serials.Take(50))
        {
            sb.AppendLine($"  {z.Zone} here {z.Local?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} peer {z.Peer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
        }

        sb.AppendLine(pending is { } n ? $"pending changes: {n}" : "pending changes: unknown");
        if (s.BothActive)
        {
            sb.AppendLine("BOTH MACHINES CLAIM TO BE ACTIVE");
        }

        return sb.ToString();
    }

    private static string Json(StatusReport s, int? pending)
    {
        static object? Role(RoleState? r) => r is null ? null : new { role = r.Role, epoch = r.Epoch, changedAt = r.ChangedAt, changedBy = r.ChangedBy };
        static object? Run(RunSummary? r) => r is null ? null : new { command = r.Command, requestedBy = r.RequestedBy, startedAt = r.StartedAt, finishedAt = r.FinishedAt, outcome = r.Outcome, summary = r.Summary, error = r.Error };
        return JsonSerializer.Serialize(new
        {
            local = Role(s.Local),
            peer = Role(s.Peer),
            peerError = s.PeerError,
            bothActive = s.BothActive,
            lastSync = Run(s.LastRun),
            lastSuccessfulSync = Run(s.LastSuccess),
            serials = s.Serials.Select(z => new { zone = z.Zone, local = z.Local, peer = z.Peer }),
            pending,
        }, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    private static bool TryLoad(string configPath, Secrets secrets, TextWriter stderr, out BridgeConfig config, out Side local, out Side peer)
    {
        try
        {
            config = BridgeConfig.Load(configPath);
            local = config.BuildSide("local", secrets);
            peer = config.BuildSide("peer", secrets);
            _ = config.ParseServiceAddress();
            return true;
        }
        catch (ConfigException e)
        {
            stderr.WriteLine($"bridge: {secrets.Redact(e.Message)}");
            config = null!;
            local = peer = null!;
            return false;
        }
    }
}
