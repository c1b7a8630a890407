using System.Data.Common;
using System.Diagnostics;
using Bridge.Core;
using Bridge.Core.Guard;
using Bridge.Core.Incremental;
using Bridge.Core.Model;
using Bridge.Core.Normalize;
using Bridge.Core.Plan;
using Bridge.Core.Report;
using Bridge.Core.Serials;
using Bridge.Data.Apply;
using Bridge.Data.Engine;
using Bridge.Data.Read;
using Bridge.Data.State;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Bridge.Data.Run;

/// <summary>One Blech database: which machine it is to Bridge, its engine and how to reach it.</summary>
public sealed record Side(string Role, IEngineDialect Dialect, string ConnectionString);

/// <summary>How hard to try: retries of transient errors with jittered exponential backoff, all under one time limit.</summary>
public sealed record RetryOptions
{
    public int MaxRetryAttempts { get; init; } = 4;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>What to run: the address rules, the guard's limit, and whether to write.</summary>
public sealed record SyncRequest(AddressPolicy Addresses, double MaxDeleteShare = DeleteGuard.DefaultMaxDeleteShare, bool Force = false, bool DryRun = false, string Command = "sync", string RequestedBy = "cli")
{
    /// <summary>Compare everything even when nothing seems to have changed, and queue regeneration of every synced object.</summary>
    public bool Full { get; init; }

    /// <summary>
    /// The process ends after this run. A run that reads many rows then keeps the collector off to the end (the report is
    /// written from what the run kept), not just to the end of the run: a collection right after it would copy all of that
    /// once more (large: 0.5 s), where the exit frees it for nothing.
    /// </summary>
    public bool LastInProcess { get; init; }

    /// <summary>Whether a run that found nothing changed gets a row in the run log (<c>follow</c> polls every few seconds: no).</summary>
    public bool RecordNoChange { get; init; } = true;

    /// <summary>
    /// Called just before each attempt starts reading the active machine (before its connection opens), so that a caller can
    /// tell what the run's read of it came after: an edit made before this call is in what the run reads.
    /// </summary>
    public Action? OnPeerRead { get; init; }

    /// <summary>
    /// How old the last compare of everything may be before a sync compares everything again instead of reading only what
    /// changed (zero: every sync compares everything).
    /// </summary>
    public TimeSpan FullCompareEvery { get; init; } = TimeSpan.FromDays(1);
}

/// <summary>How a run ended: its exit code, its report (when it got as far as a plan) and, when it failed, why.</summary>
public sealed record SyncOutcome(int ExitCode, SyncReport? Report, Failure? Failure)
{
    /// <summary>The failure's one-line message.</summary>
    public string? Error => Failure?.Message;

    public static SyncOutcome Failed(Failure failure, SyncReport? report = null) => new(failure.ExitCode, report, failure);
}

/// <summary>
/// Reads both sides, plans, guards and applies, as one unit that is retried whole on transient errors. The standby's reads and
/// writes share one transaction, so a failed apply leaves the standby exactly as it was.
/// </summary>
public sealed class SyncRunner(Side peer, Side local, RetryOptions retry, Secrets secrets, ILogger logger, Func<ApplyProgress, CancellationToken, Task>? onProgress = null)
{
    /// <summary>Where the run is (phase, rows read and written), for whoever logs the progress of a long run.</summary>
    public RunProgress? Progress { get; init; }

    // Each statement the applier runs counts its rows in the progress, then goes to the caller's hook.
    private Func<ApplyProgress, CancellationToken, Task>? ApplyHook => Progress is not { } progress ? onProgress : async (p, token) =>
    {
        progress.AddApplied(p.Rows);
        progress.Enter($"applying ({p.Step} done)");
        if (onProgress is not null)
        {
            await onProgress(p, token);
        }
    };

    /// <summary>
    /// The run lock this run holds on the standby's database, if any: every attempt makes sure it still holds it (a server
    /// restart ends the session that held it) and takes it again, or gives up when another run has it.
    /// </summary>
    public RunLock? Lock { get; set; }

    /// <summary>How many rows the standby's database may refuse in one apply before the run fails as a whole.</summary>
    public int MaxRefused { get; init; } = 50;

    public async Task<SyncOutcome> RunAsync(SyncRequest request, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var pipeline = BuildPipeline();
        try
        {
            return await pipeline.ExecuteAsync(async token => await AttemptAsync(request, started, token), ct);
        }
        catch (LockLostException e)
        {
            await StateStore.TryRecordRunAsync(local, Run(request, started, "locked", ExitCodes.Locked, null, e.Message), CancellationToken.None);
            return SyncOutcome.Failed(new Failure(FailureReason.LockHeld, e.Message + "; nothing done") { Side = local.Role });
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var failure = Failures.OfRun(e, peer, local, secrets);
            if (!request.DryRun)
            {
                await StateStore.TryRecordRunAsync(local, Run(request, started, "failed", ExitCodes.Failure, null, failure.Message), CancellationToken.None);
            }

            return new SyncOutcome(ExitCodes.Failure, null, failure);
        }
    }

    private ResiliencePipeline BuildPipeline() => new ResiliencePipelineBuilder()
        .AddTimeout(new TimeoutStrategyOptions { Timeout = retry.TotalTimeout })
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            MaxRetryAttempts = Math.Max(1, retry.MaxRetryAttempts),
            Delay = retry.BaseDelay,
            OnRetry = async args =>
            {
                logger.LogWarning("Attempt {Attempt} failed ({Reason}); retrying in {Delay:0.0} s",
                    args.AttemptNumber + 1, secrets.Redact(OneLine(args.Outcome.Exception!)), args.RetryDelay.TotalSeconds);

                // Pooled connections to a server that restarted are dead; and the run lock died with its session: take it
                // again now, so that no other run is admitted while this one waits to retry (the next attempt checks again).
                local.Dialect.ClearPools();
                peer.Dialect.ClearPools();
                if (Lock is not null)
                {
                    try
                    {
                        await Lock.EnsureHeldAsync(args.Context.CancellationToken);
                    }
                    catch (Exception e) when (e is not LockLostException and not OperationCanceledException)
                    {
                        logger.LogWarning("Could not take the run lock again yet: {Reason}", secrets.Redact(OneLine(e)));
                    }
                }
            },
        })
        .Build();

    private bool IsTransient(Exception e)
    {
        if (retry.MaxRetryAttempts <= 0)
        {
            return false;
        }

        if (e is ConcurrentChangeException)
        {
            return true;
        }

        var side = e.Data[Failures.SideKey] as string;
        var dialect = side == peer.Role ? peer.Dialect : local.Dialect;
        return dialect.IsTransient(e) || (side is null && peer.Dialect.IsTransient(e));
    }

    private async Task<SyncOutcome> AttemptAsync(SyncRequest request, DateTime started, CancellationToken ct)
    {
        if (Lock is not null)
        {
            await OnSide(local, async () =>
            {
                await Lock.EnsureHeldAsync(ct);
                return true;
            });
        }

        var role = await OnSide(local, async () =>
        {
            await using var roleConnection = local.Dialect.CreateConnection(local.ConnectionString);
            await roleConnection.OpenAsync(ct);
            if (!request.DryRun)
            {
                await new StateStore(local.Dialect).EnsureAsync(roleConnection, ct);
            }

            return await RoleStore.ReadRoleAsync(roleConnection, null, ct);
        });
        if (role.IsActive)
        {
            return await OnSide(local, () => ActiveAsync(request, started, ct));
        }

        var timer = Stopwatch.StartNew();
        DateTime? comparedAt = null;
        (IReadOnlyDictionary<string, int> Peer, IReadOnlyDictionary<string, int> Local)? rowCounts = null;
        if (!request.Full)
        {
            bool nothing;
            (nothing, comparedAt, rowCounts) = await NothingChangedAsync(request, ct);
            if (nothing)
            {
                return await OnSide(local, () => NoChangeAsync(request, started, ct));
            }
        }

        Progress?.Enter($"reading the {peer.Role}");
        request.OnPeerRead?.Invoke();

        // The peer's snapshot stays open from its listing to the read of its rows, so that its rows are read as listed.
        await using var peerConnection = peer.Dialect.CreateConnection(peer.ConnectionString);
        await using var peerTx = await OnSide(peer, async () =>
        {
            await peerConnection.OpenAsync(ct);
            return await peer.Dialect.BeginSnapshotAsync(peerConnection, ct);
        });
        await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
        await using var tx = await OnSide(local, async () =>
        {
            await connection.OpenAsync(ct);
            return request.DryRun ? await local.Dialect.BeginSnapshotAsync(connection, ct) : await local.Dialect.BeginApplyAsync(connection, ct);
        });
        // A resync, or no compare of everything on record (or too old a one), compares everything whatever the listings would
        // say: nothing is listed first, and the peer's listing (for the pairs and its fingerprint) comes with the read of its rows.
        var everything = Everything(request, comparedAt);
        var (pairs, peerListing, localListing, peerContext, localContext, listed) = everything is null
            ? await ListAsync(peerConnection, peerTx, connection, tx, rowCounts, ct)
            : (null, new Listing(), new Listing(), await OnSide(peer, () => Fingerprint.ContextAsync(peerConnection, peerTx, peer.Dialect, ct)),
                await OnSide(local, () => StandbyContextAsync(connection, tx, ct)), string.Empty);

        return await OnSide(local, async () =>
        {
            var state = new StateStore(local.Dialect);
            var compareContext = peerContext + "|" + localContext;
            var changes = everything is null ? Changes(request, pairs, compareContext, peerListing, localListing, listed) : Compared(everything);
            using var quiet = QuietHeap.For(everything is null ? RowsToRead(changes, peerListing, localListing) : null, toExit: request.LastInProcess);

            // Both machines' rows are read at the same time, each on its own connection; each read is logged with its own time
            // as it ends (the standby's usually first: the peer's zones and records are read while the apply begins, see below).
            Progress?.Enter($"reading the {peer.Role} and the {local.Role}");
            long peerReadMs = 0, localReadMs = 0;
            var peerEarly = new TaskCompletionSource<BlechSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            var peerRead = OnSide(peer, async () =>
            {
                BlechSnapshot snapshot;
                if (everything is null)
                {
                    snapshot = await SnapshotReader.ReadAsync(peerConnection, peerTx, ct, Progress, changes is null ? null : (peer.Dialect, changes.Peer), peerEarly.SetResult);
                }
                else
                {
                    (snapshot, peerListing) = await SnapshotReader.ReadListedAsync(peerConnection, peerTx, peer.Dialect, ct, Progress, peerEarly.SetResult);
                }

                var fingerprint = await Fingerprint.FromListingAsync(peerConnection, peerTx, peer.Dialect, peerListing, ct);

                // What the peer's own last sync from this machine left out (when it was the standby): never copied there.
                var skipped = await StateStore.ReadSkippedAllAsync(peerConnection, peerTx, ct);
                await peerTx.CommitAsync(ct);
                peerReadMs = timer.ElapsedMilliseconds;
                logger.LogInformation("Read {Objects} objects from the {Role} ({Engine}) in {Ms} ms", snapshot.TotalObjects, peer.Role, peer.Dialect.Name, peerReadMs);
                return (snapshot, fingerprint, skipped);
            });
            var localRead = OnSide(local, async () =>
            {
                var started = timer.ElapsedMilliseconds;
                var snapshot = await SnapshotReader.ReadAsync(connection, tx, ct, Progress, changes is null ? null : (local.Dialect, changes.Local));
                var addresses = await StateStore.ReadSiteAddressesAsync(connection, tx, ct);
                var serials = await RoleStore.ReadZoneSerialsAsync(connection, tx, ct);
                var last = await StateStore.LastSuccessAsync(connection, tx, ct);
                localReadMs = timer.ElapsedMilliseconds - started;
                logger.LogInformation("Read {Objects} objects from the {Role} ({Engine}) in {Ms} ms", snapshot.TotalObjects, local.Role, local.Dialect.Name, localReadMs);
                return (snapshot, addresses, serials, last);
            });

            // The two sides are normalized at the same time: neither looks at the other. Clients, sites and mail first: their
            // inserts and updates depend on nothing else. So a run that writes goes on to write them (once the standby's read is
            // done: it is the same connection) while the peer's zones and records, most of the rows, are still being read and
            // then normalized. The plan, the serial rules and the guard then look at everything, before any zone, record or
            // delete is written; a refusal rolls back what was written. Whatever fails, the reads and the normalizing threads
            // are done with before this attempt goes on or fails (they use this attempt's connections).
            try
            {
                await localRead;
                await Task.WhenAny(peerEarly.Task, peerRead);
                var peerEarlySnapshot = peerEarly.Task.IsCompleted ? await peerEarly.Task : (await peerRead).snapshot;

                var (localSnapshot, lastAddresses, zoneSerials, lastSync) = await localRead;

                Progress?.Enter("planning");
                var map = request.Addresses.Build(peerEarlySnapshot.MainIp, localSnapshot.MainIp);
                var localStages = Task.Run(() => Normalizer.LocalInStages(localSnapshot), ct);
                var (peerSet, finishPeer) = Normalizer.PeerInStages(peerEarlySnapshot, map, local.Dialect.Storage);
                var (localSet, finishLocal) = await localStages;
                var normalized = Task.WhenAll(
                    Task.Run(async () => finishPeer((await peerRead).snapshot), ct),
                    Task.Run(() => finishLocal(localSnapshot), ct));
                var context = new PlanContext(localSnapshot.IpAddresses, lastAddresses, lastSync) { PeerName = peerEarlySnapshot.Hostname ?? peer.Role };
                var now = DateTime.UtcNow;
                var applier = new PlanApplier(local.Dialect, ApplyHook) { QueueAll = request.Full, MaxRefused = MaxRefused };
                PlanApplier.ApplySession? session = null;
                PlannedWrites? early = null;
                long applyMs = 0;
                // Its own timer: the reads, timed by the run's, may still be going on when the apply begins.
                var applying = new Stopwatch();
                if (!request.DryRun)
                {
                    try
                    {
                        early = Planner.Writes(peerSet, localSet, context, Normalizer.EarlyKinds);
                        var addresses = Planner.AddressesToRegister(peerSet, context);
                        if (early.Count + addresses.Count > 0)
                        {
                            applying.Restart();
                            Progress?.Enter("applying clients, sites and mail");
                            session = applier.Begin(connection, tx, now);
                            session.Know(localSet, Normalizer.EarlyKinds);
                            await session.RegisterAsync(addresses, ct);
                            await session.WriteAsync([.. early.Inserts, .. early.Updates], plan: null, ct);
                            applyMs = applying.ElapsedMilliseconds;
                        }
                    }
                    finally
                    {
                        // Whatever the writes did, the normalizing threads are done with before this attempt goes on or fails.
                        await ((Task)normalized).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    }
                }

                await normalized;
                var (peerSnapshot, peerFingerprint, peerSkipped) = await peerRead;
                context = context with { NeverCopied = NeverCopied(peerSkipped.Where(p => p.FromHost == localSnapshot.Hostname).ToList(), localSet) };
                var plan = Planner.Plan(peerSet, localSet, context, early);
                SyncPlan Whole(SyncPlan p) => changes is null ? p : Completed(p, peerSet, localSet, peerListing, localListing, lastAddresses);
                plan = Whole(plan);

                // A zone whose new content would carry a serial the standby already served (or one older than the standby's) gets a
                // serial newer than anything either machine served, on the active machine first, so that both stay equal.
                var raises = SerialRules.Raises(plan, peerSet, localSet, zoneSerials);
                if (raises.Count > 0)
                {
                    peerSnapshot = SerialRules.WithSerials(peerSnapshot, raises);
                    peerSet = Normalizer.Peer(peerSnapshot, map, local.Dialect.Storage);
                    plan = Whole(Planner.Plan(peerSet, localSet, context, early));
                }

                // Skipped rows, conflicts and refusals are the report's (stdout, the run log); logging them too would say each twice.
                var verdict = DeleteGuard.Check(plan, request.MaxDeleteShare, request.Force);
                if (!verdict.Allowed)
                {
                    await tx.RollbackAsync(ct);
                    var refused = new SyncReport(plan, request.DryRun, Applied: false, verdict.Reasons) { Machines = (peerSnapshot.Hostname, localSnapshot.Hostname) };
                    if (!request.DryRun)
                    {
                        await StateStore.RecordRunAsync(connection, null, Run(request, started, "refused", ExitCodes.Refused, refused.Summary(), string.Join("; ", verdict.Reasons)), ct);
                    }

                    return SyncOutcome.Failed(new Failure(FailureReason.GuardRefused, "refused by the guard: " + string.Join("; ", verdict.Reasons)) { Refusals = verdict.Refusals }, refused);
                }

                var raised = raises.Select(r => new SerialRaise(r.Key, r.Value.From, r.Value.To)).OrderBy(r => r.Zone, StringComparer.Ordinal).ToList();
                if (request.DryRun)
                {
                    await tx.RollbackAsync(ct);
                    return new SyncOutcome(ExitCodes.Success, new SyncReport(plan, DryRun: true, Applied: false, []) { SerialRaises = raised, Machines = (peerSnapshot.Hostname, localSnapshot.Hostname) }, null);
                }

                if (raises.Count > 0)
                {
                    await OnSide(peer, async () =>
                    {
                        await SerialRaiser.RaiseOnActiveAsync(peer, raises, peerListing, now, ct);
                        return true;
                    });
                    logger.LogWarning("Raised the serial of {Zones} zones on the {Role} so that no serial goes backwards", raises.Count, peer.Role);
                }

                applying.Restart();
                var refusedAny = false;
                IReadOnlyDictionary<(ObjectKind, string), int> standbyIds = ObjectKinds.All.SelectMany(k => localSet[k].Select(i => (Key: (k, i.Key), i.Value.Id))).ToDictionary(x => x.Key, x => x.Id);
                var refusedKeys = new HashSet<(ObjectKind, string)>();
                if (plan.HasChanges || request.Full)
                {
                    Progress?.Enter("applying");
                    var rest = plan.Steps;
                    if (session is null)
                    {
                        session = applier.Begin(connection, tx, now);
                        session.Know(localSet, ObjectKinds.All);
                        await session.RegisterAsync(plan.AddressesToRegister, ct);
                    }
                    else
                    {
                        // The early kinds' inserts and updates are written (the plan holds those very steps), and the rest follow.
                        rest = [.. plan.Steps.Where(s => !WrittenEarly(s))];
                        session.Know(localSet, ObjectKinds.All.Except(Normalizer.EarlyKinds));
                    }

                    await session.WriteAsync(rest, plan, ct);
                    var (result, refused) = await session.FinishAsync(plan, localSet, ct);
                    logger.LogInformation("Applied {Steps} changes in {Statements} statements, queued {Queue} regenerations, in {Ms} ms",
                        plan.Steps.Count - refused.Count, result.Statements, result.QueueRows, applyMs + applying.ElapsedMilliseconds);
                    standbyIds = result.Ids;
                    refusedKeys.UnionWith(refused.Select(r => (r.Step.Kind, r.Step.Key)));
                    if (refused.Count > 0)
                    {
                        refusedAny = true;
                        plan = WithoutRefused(plan, refused, lastAddresses);
                    }
                }

                // The pairs this run leaves equal replace those of every row it read; the standby's hashes as the apply left them. Listed
                // again: the standby's rows of every peer object read (what the apply wrote) and every standby row read (what it may
                // have deleted); a kind read whole, whole. With the listing taken before the apply, that is every row as it is now.
                var relisted = ObjectKinds.All.ToDictionary(k => k, k => changes?.Local[k] is not { } read ? null
                    : peerSet[k].Keys.Select(key => standbyIds.TryGetValue((k, key), out var id) ? id : 0).Where(id => id != 0).Concat(read).ToHashSet());
                var localAfter = await RowListing.ReadAsync(connection, tx, local.Dialect, ct, relisted);
                var dropPairs = changes is null ? ObjectKinds.All.ToDictionary(k => k, _ => (List<int>?)null) : Pairing.ToDrop(pairs!.Pairs, changes, peerListing, localListing);
                var addPairs = Pairing.After(peerSet, standbyIds, refusedKeys, peerListing, localAfter);
                var pairsContext = peerContext + "|" + await Fingerprint.ContextAsync(connection, tx, local.Dialect, ct);
                await new PairStore(local.Dialect).WriteAsync(connection, tx, pairs, dropPairs, addPairs,
                    changes is null ? now : pairs!.ComparedAt, pairsContext, ct);

                var report = new SyncReport(plan, DryRun: false, Applied: true, []) { SerialRaises = raised, Machines = (peerSnapshot.Hostname, localSnapshot.Hostname) };
                await state.WriteSkippedAsync(connection, tx, plan.Skipped, peerSnapshot.Hostname, now, ct);
                await state.WriteSiteAddressesAsync(connection, tx, lastAddresses, plan.SiteAddresses, now, ct);
                await state.RecordRevertsAsync(connection, tx, plan.Reverts.ToList(), now, ct);
                await RoleStore.WriteZoneSerialsAsync(connection, tx, local.Dialect, zoneSerials, SerialRules.AfterSync(zoneSerials, peerSnapshot, localSnapshot, plan), now, ct);
                // The standby's fingerprint from its listings, not from a scan of every table: after a compare of everything it was
                // listed whole once more above; after an incremental run, the rows listed again over the listing taken before.
                var localFingerprint = await Fingerprint.FromSummariesAsync(connection, tx, local.Dialect,
                    changes is null ? localAfter.Summary : kind => localListing.SummaryOverlaid(kind, localAfter, relisted), ct);
                await state.WriteFingerprintsAsync(connection, tx, raises.Count > 0 || refusedAny ? null : peerFingerprint, localFingerprint, now, ct);
                await StateStore.RecordRunAsync(connection, tx, Run(request, started, "ok", ExitCodes.Success, report.Summary(), null), ct);
                await tx.CommitAsync(ct);
                return new SyncOutcome(ExitCodes.Success, report, null);
            }
            finally
            {
                // The reads run on this attempt's connections: whatever happened, they are done with before it returns or fails.
                await Task.WhenAll(peerRead, localRead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        });
    }

    // Both machines list their rows at the same time, each on its own connection, while a connection of its own reads the
    // stored pairs. The row counts of the no-op check's fingerprints, when it ran, size the listings before they are read.
    private async Task<(PairState? Pairs, Listing Peer, Listing Local, string PeerContext, string LocalContext, string Listed)> ListAsync(
        DbConnection peerConnection, DbTransaction peerTx, DbConnection connection, DbTransaction tx,
        (IReadOnlyDictionary<string, int> Peer, IReadOnlyDictionary<string, int> Local)? rowCounts, CancellationToken ct)
    {
        var listing = Stopwatch.StartNew();
        long peerMs = 0, pairsMs = 0, localMs = 0;

        // The stored pairs are Bridge's own state, written only by runs holding the run lock this one holds: they need not be
        // read inside the standby's snapshot, so a connection of their own reads them while the standby lists its rows. (Even
        // read late, a pair can only send more rows to the full compare: it is trusted only where both hashes still match.)
        var pairsRead = OnSide(local, async () =>
        {
            await using var pairsConnection = local.Dialect.CreateConnection(local.ConnectionString);
            await pairsConnection.OpenAsync(ct);
            var stored = await PairStore.ReadAsync(pairsConnection, null, ct);
            pairsMs = listing.ElapsedMilliseconds;
            return stored;
        });
        var peerListed = OnSide(peer, async () =>
        {
            var rows = await RowListing.ReadAsync(peerConnection, peerTx, peer.Dialect, ct, expected: rowCounts?.Peer);
            peerMs = listing.ElapsedMilliseconds;
            return (rows, await Fingerprint.ContextAsync(peerConnection, peerTx, peer.Dialect, ct));
        });
        var localListed = OnSide(local, async () =>
        {
            var context = await StandbyContextAsync(connection, tx, ct);
            var started = listing.ElapsedMilliseconds;
            var rows = await RowListing.ReadAsync(connection, tx, local.Dialect, ct, expected: rowCounts?.Local);
            localMs = listing.ElapsedMilliseconds - started;
            return (rows, context);
        });
        await Task.WhenAll(pairsRead, peerListed, localListed);
        var (peerListing, peerContext) = await peerListed;
        var (localListing, localContext) = await localListed;
        return (await pairsRead, peerListing, localListing, peerContext, localContext,
            $"{peerMs} ms for the {peer.Role}, {localMs} ms for the {local.Role}, pairs {pairsMs} ms");
    }

    // The standby's context (its server and address tables), once it is sure to be still the standby: a promote that committed
    // since this attempt read the role (say, while the peer did not answer) makes this machine the active one, and nothing may
    // be pulled into it. The retry takes the active machine's path.
    private async Task<string> StandbyContextAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        if ((await RoleStore.ReadRoleAsync(connection, tx, ct)).IsActive)
        {
            throw new ConcurrentChangeException($"this machine was promoted while the run was starting; nothing pulled from the {peer.Role}");
        }

        return await Fingerprint.ContextAsync(connection, tx, local.Dialect, ct);
    }

    // Why this run compares everything before anything is listed (null: the listings decide): a resync, no compare of everything
    // on record, too old a one, or one dated later than this machine's clock by more than two machines' clocks differ (a clock
    // set back after a run under a fast one: trusted, that date would hold off every compare of everything until the clock
    // caught up with it).
    private static string? Everything(SyncRequest request, DateTime? comparedAt) =>
        request.Full ? "a resync compares everything"
        : comparedAt is not { } at ? "no record of a compare of everything yet"
        : DateTime.UtcNow - at >= request.FullCompareEvery ? $"the last compare of everything is older than {request.FullCompareEvery.TotalHours:0.##} h"
        : Clocks.IsAhead(at, DateTime.UtcNow) ? $"the last compare of everything is dated {at:yyyy-MM-dd HH:mm:ss}Z, later than this machine's clock"
        : null;

    // The rows both machines' reads will return: those of the change set, or every row listed when everything is compared.
    private static long RowsToRead(ChangeSet? changes, Listing peer, Listing local) =>
        ObjectKinds.All.Sum(k => (long)(changes?.Peer[k]?.Count ?? peer[k].Count) + (changes?.Local[k]?.Count ?? local[k].Count));

    private ChangeSet? Compared(string why)
    {
        logger.LogInformation("Comparing everything: {Why}", why);
        return null;
    }

    // Both fingerprints as stored after the last successful sync: nothing changed on either side, nothing to read; unless the
    // last compare of everything is older than the configured age, which then runs whatever the fingerprints say.
    // Also says when everything was last compared (null: never), which decides how the run reads when something changed, and
    // each side's row counts by table when it asked the servers.
    private async Task<(bool Nothing, DateTime? ComparedAt, (IReadOnlyDictionary<string, int> Peer, IReadOnlyDictionary<string, int> Local)? RowCounts)> NothingChangedAsync(
        SyncRequest request, CancellationToken ct)
    {
        // What is stored first (two small reads): with no compare of everything yet, or too old a one, the run compares everything
        // anyway, and neither machine's tables need hashing for it. A peer that cannot be reached then fails the read that follows,
        // and the retry reads this machine's role again (it may have been promoted meanwhile).
        await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
        var (comparedAt, storedPeer, storedLocal) = await OnSide(local, async () =>
        {
            await connection.OpenAsync(ct);
            var at = await PairStore.ComparedAtAsync(connection, null, ct);
            if (Everything(request, at) is not null)
            {
                return (at, null, null);
            }

            var (p, l) = await StateStore.ReadFingerprintsAsync(connection, null, ct);
            return (at, p, l);
        });
        if (storedPeer is null || storedLocal is null)
        {
            return (false, comparedAt, null);
        }

        // Both servers hash their tables at the same time. The peer's answer is awaited even when the standby's already says
        // "changed", for the same reason as above.
        var peerNow = OnSide(peer, async () =>
        {
            await using var peerConnection = peer.Dialect.CreateConnection(peer.ConnectionString);
            await peerConnection.OpenAsync(ct);
            return await Fingerprint.ReadAsync(peerConnection, null, peer.Dialect, ct);
        });
        var localNow = await OnSide(local, () => Fingerprint.ReadAsync(connection, null, local.Dialect, ct));
        return (await peerNow == storedPeer && localNow == storedLocal, comparedAt, (Fingerprint.RowCounts(await peerNow), Fingerprint.RowCounts(localNow)));
    }

    private async Task<SyncOutcome> NoChangeAsync(SyncRequest request, DateTime started, CancellationToken ct)
    {
        var plan = SyncPlan.Nothing([]);
        var report = new SyncReport(plan, request.DryRun, Applied: !request.DryRun, []) { Note = "nothing changed on either machine since the last sync" };
        if (!request.DryRun && request.RecordNoChange)
        {
            await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
            await connection.OpenAsync(ct);
            await StateStore.RecordRunAsync(connection, null, Run(request, started, "ok", ExitCodes.Success, report.Note, null), ct);
        }

        return new SyncOutcome(ExitCodes.Success, report, null);
    }

    // On the active machine a sync changes no Blech data: it registers V (so the repair rule keeps sites on it) and remembers
    // the serials it serves; the CLI reconciles the Apache files.
    private async Task<SyncOutcome> ActiveAsync(SyncRequest request, DateTime started, CancellationToken ct)
    {
        await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = request.DryRun ? await local.Dialect.BeginSnapshotAsync(connection, ct) : await local.Dialect.BeginApplyAsync(connection, ct);
        var snapshot = await SnapshotReader.ReadAsync(connection, tx, ct);
        var v = request.Addresses.ServiceAddress.ToString();
        var register = snapshot.IpAddresses.Any(a => Addresses.Canonical(a) == v) ? [] : new List<string> { v };
        var plan = SyncPlan.Nothing(register);
        var report = new SyncReport(plan, request.DryRun, Applied: !request.DryRun, []) { Note = $"this machine is the active one: nothing to pull from the {peer.Role}", ActiveHere = true };
        if (request.DryRun)
        {
            await tx.RollbackAsync(ct);
            return new SyncOutcome(ExitCodes.Success, report, null);
        }

        var now = DateTime.UtcNow;
        if (register.Count > 0)
        {
            await new PlanApplier(local.Dialect).ApplyAsync(connection, tx, plan, Normalizer.Local(snapshot), now, ct);
        }

        var serials = await RoleStore.ReadZoneSerialsAsync(connection, tx, ct);
        var after = new Dictionary<string, ZoneSerialState>(serials, StringComparer.Ordinal);
        foreach (var z in snapshot.Zones)
        {
            var origin = HostNames.Origin(z.Origin);
            after[origin] = (after.GetValueOrDefault(origin) ?? new ZoneSerialState(null, null)).WithLocal(z.Serial);
        }

        await RoleStore.WriteZoneSerialsAsync(connection, tx, local.Dialect, serials, after, now, ct);
        await StateStore.RecordRunAsync(connection, tx, Run(request, started, "ok", ExitCodes.Success, report.Note, null), ct);
        await tx.CommitAsync(ct);
        return new SyncOutcome(ExitCodes.Success, report, null);
    }

    // Which rows to read: null to compare everything (a resync, no pairs yet, pairs from another peer or address context, or
    // older than the configured age, or most rows changed anyway), else the rows the pairs say changed and what places them.
    private ChangeSet? Changes(SyncRequest request, PairState? pairs, string context, Listing peerListing, Listing localListing, string listed)
    {
        var why = Everything(request, pairs?.ComparedAt) ?? (pairs!.Context != context ? "the server or address table changed on one machine" : null);
        if (why is null)
        {
            var changes = ChangeSet.Find(peerListing, localListing, pairs!.Pairs);
            var total = peerListing.Total + localListing.Total;
            var toRead = changes.ToRead(peerListing, localListing);
            if (toRead * 2 <= total)
            {
                logger.LogInformation("{Changed} rows changed since the last sync: reading {Read} of {Total} (listed in {Listed})", changes.Changed, toRead, total, listed);
                return changes;
            }

            why = $"{toRead} of {total} rows to read";
        }

        return Compared(why);
    }

    // A plan made from the rows read is whole but for what it could not see: the counts (for the guard and the report) are the
    // listings', and the remembered site addresses are those of the sites read, over the ones stored for the others.
    private static SyncPlan Completed(SyncPlan plan, SyncSet peerSet, SyncSet localSet, Listing peerListing, Listing localListing, IReadOnlyDictionary<string, string> lastAddresses)
    {
        var addresses = new Dictionary<string, string>(lastAddresses, StringComparer.Ordinal);
        foreach (var key in localSet[ObjectKind.Site].Keys.Concat(peerSet[ObjectKind.Site].Keys).Concat(peerSet.Skipped.Where(s => s.Kind == ObjectKind.Site).Select(s => s.Key)))
        {
            addresses.Remove(key);
        }

        foreach (var (key, address) in plan.SiteAddresses)
        {
            addresses[key] = address;
        }

        return plan with
        {
            PeerCounts = ObjectKinds.All.ToDictionary(k => k, k => Math.Max(peerSet.Count(k), peerListing[k].Count - peerSet.Skipped.Count(s => s.Kind == k))),
            LocalCounts = ObjectKinds.All.ToDictionary(k => k, k => localListing[k].Count),
            SiteAddresses = addresses,
        };
    }

    // The standby's objects whose keys the peer recorded as skipped when it last read them from this machine.
    private static List<SkippedObject> NeverCopied(IReadOnlyList<SkippedRecord> skipped, SyncSet local)
    {
        if (skipped.Count == 0)
        {
            return [];
        }

        var byHash = skipped.GroupBy(s => (s.Kind, s.KeyHash)).ToDictionary(g => g.Key, g => g.First().Reason);
        var found = new List<SkippedObject>();
        foreach (var kind in ObjectKinds.All)
        {
            foreach (var key in local[kind].Keys)
            {
                if (byHash.TryGetValue((kind.Name(), StateStore.KeyHash(key)), out var reason))
                {
                    found.Add(new SkippedObject(kind, key, reason));
                }
            }
        }

        return found;
    }

    // The plan as applied: the steps the standby's database refused move to the skipped rows with its reason; a refused site
    // keeps the address Bridge last wrote for it (if any), since the standby still has that.
    private SyncPlan WithoutRefused(SyncPlan plan, IReadOnlyList<RefusedStep> refused, IReadOnlyDictionary<string, string> lastAddresses)
    {
        var left = refused.Select(r => r.Step).ToHashSet();
        var addresses = new Dictionary<string, string>(plan.SiteAddresses, StringComparer.Ordinal);
        foreach (var r in refused.Where(r => r.Step.Kind == ObjectKind.Site))
        {
            if (lastAddresses.TryGetValue(r.Step.Key, out var written))
            {
                addresses[r.Step.Key] = written;
            }
            else
            {
                addresses.Remove(r.Step.Key);
            }
        }

        return plan with
        {
            Steps = plan.Steps.Where(s => !left.Contains(s)).ToList(),
            Skipped = [.. plan.Skipped, .. refused.Select(r => new SkippedObject(r.Step.Kind, r.Step.Key, secrets.Redact(r.Reason)))],
            SiteAddresses = addresses,
        };
    }

    // An insert or update of a kind written before the plan was whole.
    private static bool WrittenEarly(PlanStep step) => step.Action is PlanAction.Insert or PlanAction.Update && Normalizer.EarlyKinds.Contains(step.Kind);

    private static RunRecord Run(SyncRequest request, DateTime started, string outcome, int exitCode, string? summary, string? error) =>
        new(request.Command, request.RequestedBy, started, DateTime.UtcNow, outcome, exitCode, summary, error);

    private static async Task<T> OnSide<T>(Side side, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The innermost side wins: a peer read nested in the standby's transaction is still the peer's failure.
            if (e.Data[Failures.SideKey] is null)
            {
                e.Data[Failures.SideKey] = side.Role;
            }

            throw;
        }
    }

    /// <summary>One line naming the side and the reason; the innermost useful message.</summary>
    public static string OneLine(Exception e)
    {
        if (e is TimeoutRejectedException t)
        {
            return $"gave up after the total time limit of {t.Timeout.TotalSeconds:0} s";
        }

        var side = e.Data[Failures.SideKey] as string;
        var message = e.Message;
        if (e.InnerException is { } inner && (message.StartsWith("Exception while", StringComparison.Ordinal) || message.StartsWith("Failed to connect", StringComparison.Ordinal)))
        {
            message = $"{message.TrimEnd('.')}: {inner.Message}";
        }

        message = message.ReplaceLineEndings(" ").Trim();
        return side is null ? message : $"{side} database: {message}";
    }
}
