using Bridge.Core;
using Bridge.Data.Run;
using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary><c>follow</c> as asked: how often to look, and how long to wait at most after failures.</summary>
public sealed record FollowJob(TimeSpan Interval, string RequestedBy)
{
    public const double DefaultIntervalSeconds = 10;

    /// <summary>The longest wait between attempts while a database is down (the wait doubles from the interval up to this).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);
}

public sealed partial class BridgeRuntime
{
    /// <summary>
    /// Keeps the standby seconds behind: a sync every <see cref="FollowJob.Interval"/> (cheap when nothing changed), each under the
    /// run lock for its own length only, so a Resync click or a cron sync interleaves; a run that finds the lock held waits for
    /// the next turn. While a database is down the wait doubles up to <see cref="FollowJob.MaxBackoff"/>. Ends when
    /// <paramref name="ct"/> is cancelled (SIGTERM), a run in progress rolling back; a configuration error ends it at once.
    /// <paramref name="onRun"/> sees every run's outcome.
    /// </summary>
    public async Task<Failure?> FollowAsync(FollowJob job, Func<SyncOutcome, Task> onRun, CancellationToken ct)
    {
        var log = Log("follow");
        log.LogInformation("Following the active machine: a sync every {Interval:0.#} s", job.Interval.TotalSeconds);
        var failing = 0;
        while (!ct.IsCancellationRequested)
        {
            SyncOutcome outcome;
            try
            {
                outcome = await SyncAsync(new SyncJob("sync", job.RequestedBy) { RecordNoChange = false }, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }

            if (outcome.Failure is { Reason: FailureReason.Configuration } config)
            {
                return config;
            }

            await onRun(outcome);
            var wait = job.Interval;
            if (outcome.Failure is { Reason: not FailureReason.LockHeld } failure)
            {
                failing++;
                var backoff = job.Interval.TotalSeconds * Math.Pow(2, Math.Min(failing, 20));
                wait = TimeSpan.FromSeconds(Math.Min(backoff, Math.Max(job.Interval.TotalSeconds, job.MaxBackoff.TotalSeconds)));
                log.LogWarning("Sync failed ({Reason}); next attempt in {Seconds:0} s", failure.Message, wait.TotalSeconds);
            }
            else if (failing > 0 && outcome.Failure is null)
            {
                log.LogInformation("Sync works again after {Failures} failed attempts", failing);
                failing = 0;
            }

            try
            {
                await Task.Delay(wait, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        log.LogInformation("Stopped following");
        return null;
    }
}
