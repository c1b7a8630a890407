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
public sealed record StatusOutcome(StatusReport? Status, int? Pending, Failure? Failure);

/// <summary>What <c>promote</c> did: the role change (when the database took it) and the Apache step (when enabled).</summary>
public sealed record PromoteOutcome(PromoteResult? Result, ApacheSummary? Apache, Failure? Failure);

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

        var results = await Checker.CheckAsync(peer, local, v, ct);
        return new CheckOutcome(results.Select(r => r with { Message = Secrets.Redact(r.Message) }).ToList(), null);
    }

    /// <summary>This machine takes V: vhosts on V first (Apache must answer on V once it is here), then serials, V and the role.</summary>
    public async Task<PromoteOutcome> PromoteAsync(string requestedBy, CancellationToken ct)
    {
        if (RoleSides() is { } invalid)
        {
            return new PromoteOutcome(null, null, invalid);
        }

        await using var runLock = await WaitForLockAsync(ct);
        var apache = Config.Apache.Enabled ? await ApacheForSyncAsync(Local, dryRun: false, ct) : null;
        PromoteResult result;
        try
        {
            result = await new Roles(Local, Peer, Logger).PromoteAsync(ServiceAddress, requestedBy, ct);
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            return new PromoteOutcome(null, apache, LocalDatabaseFailure(e));
        }

        return new PromoteOutcome(result, apache, apache is { Succeeded: false } ? new Failure(FailureReason.Apache, $"apache: {apache.Outcome}: {apache.Reason}") : null);
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
            return new DemoteOutcome(await new Roles(Local, Peer, Logger).DemoteAsync(requestedBy, ct), null);
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
            status = await new Roles(Local, Peer, Logger).StatusAsync(ct);
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
            var outcome = await new SyncRunner(machines.Active, machines.Standby, retry, Secrets, Logger)
                .RunAsync(new SyncRequest(Config.BuildAddressPolicy(), DryRun: true, Command: "status"), ct);
            pending = outcome.Report is { } r ? r.Plan.Steps.Count + r.Plan.AddressesToRegister.Count : null;
        }

        return new StatusOutcome(status, pending, null);
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
    private async Task<RunLock?> WaitForLockAsync(CancellationToken ct)
    {
        try
        {
            var (runLock, heldBy) = await RunLock.TryAcquireAsync(Config.LockFile, Local, TimeSpan.FromSeconds(10), ct);
            if (runLock is null)
            {
                Logger.LogWarning("Going on without the run lock: {HeldBy}", heldBy);
            }

            return runLock;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            Logger.LogWarning("Going on without the run lock: {Reason}", Secrets.Redact(e.Message));
            return null;
        }
    }
}
