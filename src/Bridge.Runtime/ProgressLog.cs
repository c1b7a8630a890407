using System.Diagnostics;
using Bridge.Data.Run;
using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary>
/// Logs where a long run is (phase, rows read, rows written) every <c>interval</c>, the first time one interval after the
/// start, so a run that ends sooner logs nothing. Disposing stops it.
/// </summary>
public sealed class ProgressLog : IAsyncDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    public ProgressLog(RunProgress progress, ILogger logger, TimeSpan interval)
    {
        var clock = Stopwatch.StartNew();
        _timer = new PeriodicTimer(interval);
        _loop = Task.Run(async () =>
        {
            // Disposing the timer ends the wait with false: stopping throws nothing (an exception costs a short run time).
            while (await _timer.WaitForNextTickAsync())
            {
                logger.LogInformation("Still running after {Seconds:0} s: {Phase}; {Read:N0} rows read, {Applied:N0} rows written",
                    clock.Elapsed.TotalSeconds, progress.Phase, progress.RowsRead, progress.RowsApplied);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop;
    }
}
