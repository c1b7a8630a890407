using Bridge.Core;
using Bridge.Core.Report;
using Bridge.Data.Run;
using Bridge.Data.State;
using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary>What <c>check</c> found, one result per line, every secret removed.</summary>
public sealed record CheckOutcome(IReadOnlyList<CheckResult> Results, Failure? Failure)
{
    public bool Ok => Failure is null && Results.All(r => r.Ok);
}

/// <summary>What <c>status</c> found: both roles, the runs, serials, and how many changes the standby's next sync would make.</summary>
public sealed record StatusOutcome(StatusReport? Status, int? Pending, Failure? Failure)
{
    /// <summary>What to do next when the roles need a person (neither machine active yet), in words; null when they do not.</summary>
    public string? Hint { get; init; }
}

/// <summary>
/// What <c>promote</c> did: the role change (when the database took it), the Apache step (when enabled), and the sites put back
/// on V that Blech's push had moved to this machine's own address since the last sync.
/// </summary>
public sealed record PromoteOutcome(PromoteResult? Result, ApacheSummary? Apache, Failure? Failure)
{
    public IReadOnlyList<string> Reclaimed { get; init; } = [];
}

/// <summary>What <c>demote</c> did: the new role, or why not.</summary>
public sealed record DemoteOutcome(RoleState? Role, Failure? Failure);

public sealed partial class BridgeRuntime
{
    /// <summary>Both databases reachable, Blech's schema as expected, V registered, Bridge's state version.</summary>
    public async Task<CheckOutcome> CheckAsync(CancellationToken ct)
    {
        Side peer, local;
        System.Net.IPAddress v;
        try
        {
            peer = Peer;
            local = Local;
            v = ServiceAddress;
        }
        catch (ConfigException e)
        {
            return new CheckOutcome([], ConfigFailure(e));
        }

        var results = (await Checker.CheckAsync(peer, local, v, ct)).ToList();
        if (Config.Apache.Enabled)
        {
            var root = Config.Apache.Root;
            results.Add(File.Exists(root) || Directory.Exists(root)
                ? new CheckResult(true, $"apache: Blech's generated tree {root} is there")
                : new CheckResult(false, $"apache: {root} does not exist, so no sync rewrites Apache files: set apache.root to Blech's generated tree, or apache.enabled to false"));
        }

        return new CheckOutcome(results.Select(r => r with { Message = Secrets.Redact(r.Message) }).ToList(), null);
    }

    /// <summary>This machine takes V: vhosts on V first (Apache must answer on V once it is here), then serials, V and the role.</summary>
    public async Task<PromoteOutcome> PromoteAsync(string requestedBy, CancellationToken ct)
    {
        if (RoleSides() is { } invalid)
        {
            return new PromoteOutcome(null, null, invalid);
        }

        var roles = new Roles(Local, Peer, Log("roles"));
        var peerAnswers = roles.PeerAnswersAsync(ct);
        await using var runLock = await WaitForLockAsync(ct, peerAnswers);

        // Vhosts first: once V is here, Apache must answer on it. The sites Blech's hourly push moved back to this machine's own
        // address since the last sync are Bridge's, not this machine's: they go back on V first, or the Apache step would keep them.
        IReadOnlyList<string> reclaimed = [];
        try
        {
            reclaimed = await roles.ReclaimSitesAsync(ServiceAddress, Config.BuildAddressPolicy().LocalAddress, ct);
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            Log("roles").LogError("Could not put the sites Blech's push moved back on V: {Reason}", Secrets.Redact(SyncRunner.OneLine(e)));
        }

        var apache = Config.Apache.Enabled ? await ApacheForSyncAsync(Local, dryRun: false, ct) : null;
        PromoteResult result;
        try
        {
            result = await roles.PromoteAsync(ServiceAddress, requestedBy, ct, peerKnownDown: !await peerAnswers);
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            return new PromoteOutcome(null, apache, LocalDatabaseFailure(e)) { Reclaimed = reclaimed };
        }

        return new PromoteOutcome(result, apache, apache is { Succeeded: false } ? new Failure(FailureReason.Apache, $"apache: {apache.Outcome}: {apache.Reason}") : null) { Reclaimed = reclaimed };
    }

    /// <summary>This machine gives V up: role standby; the next sync pulls from the peer.</summary>
    public async Task<DemoteOutcome> DemoteAsync(string requestedBy, CancellationToken ct)
    {
        if (RoleSides() is { } invalid)
        {
            return new DemoteOutcome(null, invalid);
        }

        await using var runLock = await WaitForLockAsync(ct);
        try
        {
            return new DemoteOutcome(await new Roles(Local, Peer, Log("roles")).DemoteAsync(requestedBy, ct), null);
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            return new DemoteOutcome(null, LocalDatabaseFailure(e));
        }
    }

    /// <summary>Both roles, the last sync, zones whose serials differ, and the changes the standby's next sync would make.</summary>
    public async Task<StatusOutcome> StatusAsync(CancellationToken ct)
    {
        if (RoleSides() is { } invalid)
        {
            return new StatusOutcome(null, null, invalid);
        }

        StatusReport status;
        try
        {
            status = await new Roles(Local, Peer, Log("roles")).StatusAsync(ct);
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            return new StatusOutcome(null, null, LocalDatabaseFailure(e));
        }

        int? pending = null;
        if (status.Peer is not null && !status.BothActive)
        {
            // What the standby's next sync would change, whichever machine that is.
            var machines = Machines.Of(Local, Peer, status.Local.IsActive);
            var retry = new RetryOptions { MaxRetryAttempts = 0, TotalTimeout = TimeSpan.FromSeconds(60) };
            var outcome = await new SyncRunner(machines.Active, machines.Standby, retry, Secrets, Log("roles"))
                .RunAsync(new SyncRequest(Config.BuildAddressPolicy(), DryRun: true, Command: "status"), ct);
            pending = outcome.Report?.Plan.Pending;
        }

        return new StatusOutcome(status, pending, null) { Hint = RolesHint(status, HoldsAddress(ServiceAddress)) };
    }

    /// <summary>
    /// Neither machine active (a fresh pair, or both demoted): which one should be promoted, judged by where V is now.
    /// </summary>
    internal static string? RolesHint(StatusReport status, bool vHere)
    {
        if (status.Local.IsActive || status.Peer is not { IsActive: false })
        {
            return null;
        }

        var where = vHere
            ? "The service address is on this machine: run `blech-bridge promote --config FILE` here"
            : "The service address is not on this machine: run `blech-bridge promote --config FILE` on the machine that holds it (normally the other one)";
        return $"Neither machine is active yet, so a sync pulls from the other machine whichever holds the service address. {where}; from then on keepalived's notify script promotes and demotes at every move.";
    }

    /// <summary>Whether an address is configured on one of this machine's network interfaces.</summary>
    private static bool HoldsAddress(System.Net.IPAddress address)
    {
        try
        {
            return System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Any(a => a.Address.Equals(address));
        }
        catch (System.Net.NetworkInformation.NetworkInformationException)
        {
            return false;
        }
    }

    // promote, demote and status check the same part of the configuration, in this order.
    private Failure? RoleSides()
    {
        try
        {
            _ = Local;
            _ = Peer;
            _ = ServiceAddress;
            return null;
        }
        catch (ConfigException e)
        {
            return ConfigFailure(e);
        }
    }

    private Failure LocalDatabaseFailure(Exception e) =>
        Failures.OfDatabase(FailureReason.LocalFailed, e, Local, Secrets, "local database: ") is var f && f.Problem != DatabaseProblem.Other
            ? f with { Reason = FailureReason.LocalUnreachable }
            : f;

    // A role change must not wait behind a long sync for ever: keepalived is waiting. After a few seconds it goes on without
    // the lock; the sync that holds it reads the role at its start and finishes as the role it began with.
    private async Task<RunLock?> WaitForLockAsync(CancellationToken ct, Task<bool>? peerAnswers = null)
    {
        // When the peer does not answer (chip died), a sync holding the lock is stuck on the peer's connection with nothing to
        // write: promote stops waiting as soon as it knows, instead of serving nothing on V for the full wait. Not disposed: the
        // peer's answer may come after the lock, and cancelling a disposed source would throw.
        var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (peerAnswers is not null)
        {
            _ = StopWhenPeerIsDownAsync(peerAnswers, giveUp);
        }

        try
        {
            var (runLock, heldBy) = await RunLock.TryAcquireAsync(Config.LockFile, Local, TimeSpan.FromSeconds(10), giveUp.Token);
            if (runLock is null)
            {
                Log("roles").LogWarning("Going on without the run lock: {HeldBy}", heldBy);
            }

            return runLock;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Log("roles").LogWarning("Going on without the run lock: the peer does not answer, so the run holding it is stuck on the peer's connection");
            return null;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            Log("roles").LogWarning("Going on without the run lock: {Reason}", Secrets.Redact(e.Message));
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
}
