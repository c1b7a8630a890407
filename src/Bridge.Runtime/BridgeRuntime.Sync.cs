using Bridge.Core;
using Bridge.Data.Run;
using Bridge.Data.State;

namespace Bridge.Runtime;

/// <summary>
/// A sync as asked: <c>sync</c>, <c>resync</c> (compare everything, queue every synced object) or <c>diff</c> (dry, no lock).
/// </summary>
/// <param name="Command">The command's name, for the run log and messages.</param>
/// <param name="RequestedBy">Who asked, for the run log.</param>
public sealed record SyncJob(string Command, string RequestedBy)
{
    public bool DryRun { get; init; }

    /// <summary>Apply even when the guard would refuse the deletions (never an empty peer).</summary>
    public bool Force { get; init; }

    /// <summary>Compare everything even when nothing seems to have changed, and queue regeneration of every synced object.</summary>
    public bool Full { get; init; }

    /// <summary>The process ends after this run (a command, not <c>follow</c> or the request service): see <see cref="SyncRequest.LastInProcess"/>.</summary>
    public bool LastInProcess { get; init; }

    /// <summary>Whether a run that found nothing changed is recorded in the run log.</summary>
    public bool RecordNoChange { get; init; } = true;

    /// <summary>How long to wait for another run's lock before giving up with <see cref="FailureReason.LockHeld"/>.</summary>
    public TimeSpan Wait { get; init; }

    /// <summary>Called just before each attempt starts reading the active machine (see <see cref="SyncRequest.OnPeerRead"/>).</summary>
    public Action? OnPeerRead { get; init; }

    public static SyncJob Sync(string requestedBy, bool dryRun = false, bool force = false, TimeSpan wait = default) =>
        new("sync", requestedBy) { DryRun = dryRun, Force = force, Wait = wait };

    public static SyncJob Resync(string requestedBy, TimeSpan wait = default) => new("resync", requestedBy) { Full = true, Wait = wait };

    public static SyncJob Diff(string requestedBy) => new("diff", requestedBy) { DryRun = true };
}

public sealed partial class BridgeRuntime
{
    /// <summary>How often a long sync logs where it is.</summary>
    public TimeSpan ProgressInterval { get; set; } = ProgressLog.DefaultInterval;

    /// <summary>
    /// Brings the standby in line with the active machine under the run lock (none for a dry run), then rewrites the standby's
    /// Apache files. The outcome has the report as far as the run got and, when it failed, why.
    /// </summary>
    public async Task<SyncOutcome> SyncAsync(SyncJob job, CancellationToken ct)
    {
        var progress = new RunProgress();
        SyncRunner runner;
        SyncRequest request;
        Side local;
        try
        {
            var peer = Peer;
            local = Local;
            request = new SyncRequest(Config.BuildAddressPolicy(), Config.MaxDeleteShare, job.Force, job.DryRun, job.Command, job.RequestedBy) { Full = job.Full, LastInProcess = job.LastInProcess, RecordNoChange = job.RecordNoChange, OnPeerRead = job.OnPeerRead, FullCompareEvery = TimeSpan.FromSeconds(Config.Sync.FullCompareEverySeconds) };
            runner = new SyncRunner(peer, local, Config.BuildRetry(), Secrets, Log("sync")) { Progress = progress };
        }
        catch (ConfigException e)
        {
            return SyncOutcome.Failed(ConfigFailure(e));
        }

        var started = DateTime.UtcNow;
        RunLock? runLock = null;
        if (!job.DryRun)
        {
            string? heldBy;
            try
            {
                (runLock, heldBy) = await RunLock.TryAcquireAsync(Config.LockFile, local, job.Wait, ct);
            }
            catch (Exception e) when (IsDatabaseError(e) || e is IOException or UnauthorizedAccessException)
            {
                // Recorded when the standby's database answers at all (the lock file may be what failed).
                var failure = Failures.OfDatabase(FailureReason.LockFailed, e, local, Secrets, "cannot take the run lock: ");
                await StateStore.TryRecordRunAsync(local, new RunRecord(job.Command, job.RequestedBy, started, DateTime.UtcNow, "failed", ExitCodes.Failure, null, failure.Message), ct);
                return SyncOutcome.Failed(failure);
            }

            if (runLock is null)
            {
                await StateStore.TryRecordRunAsync(local, new RunRecord(job.Command, job.RequestedBy, DateTime.UtcNow, DateTime.UtcNow, "locked", ExitCodes.Locked, null, heldBy), ct);
                return SyncOutcome.Failed(new Failure(FailureReason.LockHeld, $"{heldBy}; nothing done") { Side = local.Role });
            }
        }

        await using var heldLock = runLock;
        runner.Lock = runLock;
        SyncOutcome outcome;
        await using (new ProgressLog(progress, Log("sync"), ProgressInterval))
        {
            outcome = await runner.RunAsync(request, ct);
        }

        if (outcome.ExitCode == ExitCodes.Success && outcome.Report is not null && Config.Apache.Enabled)
        {
            var apache = await ApacheForSyncAsync(local, job.DryRun, ct);
            outcome = apache.Succeeded
                ? outcome with { Report = outcome.Report with { Apache = apache } }
                : SyncOutcome.Failed(new Failure(FailureReason.Apache, $"apache: {apache.Outcome}: {apache.Reason} (the database changes are committed)"),
                    outcome.Report with { Apache = apache });
            if (!apache.Succeeded && !job.DryRun)
            {
                // The database part is recorded as it ended; the run as a whole failed, and the run log says so too.
                await StateStore.TryRecordRunAsync(local, new RunRecord(job.Command, job.RequestedBy, started, DateTime.UtcNow, "failed", ExitCodes.Failure, null, outcome.Failure!.Message), ct);
            }
        }

        return outcome;
    }
}
