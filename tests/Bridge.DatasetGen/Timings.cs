using System.Diagnostics;
using System.Globalization;

namespace Bridge.DatasetGen;

/// Reports on stderr how long each phase took and, where rows were written, how many per second.
public sealed class Timings(TextWriter log)
{
    private readonly Stopwatch _total = Stopwatch.StartNew();

    public async Task<T> PhaseAsync<T>(string phase, Func<Task<T>> run, Func<T, long>? rows = null)
    {
        var watch = Stopwatch.StartNew();
        var result = await run();
        Report(phase, watch.Elapsed, rows?.Invoke(result));
        return result;
    }

    public Task PhaseAsync(string phase, Func<Task> run) =>
        PhaseAsync<int>(phase, async () =>
        {
            await run();
            return 0;
        });

    public void Total(long rows) => Report("total", _total.Elapsed, rows);

    private void Report(string phase, TimeSpan elapsed, long? rows)
    {
        var seconds = elapsed.TotalSeconds;
        var line = rows is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{phase,-12} {seconds,8:F2} s {n,10:N0} rows {(seconds > 0 ? n / seconds : 0),12:N0} rows/s")
            : string.Create(CultureInfo.InvariantCulture, $"{phase,-12} {seconds,8:F2} s");
        log.WriteLine(line);
    }
}
