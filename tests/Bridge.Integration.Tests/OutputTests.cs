using System.Text.RegularExpressions;
using Bridge.Core;
using Bridge.Data.Run;
using Bridge.Emulator;
using Bridge.Runtime;
using Microsoft.Extensions.Logging;

namespace Bridge.Integration.Tests;

/// <summary>What an admin reads: the verdict first, each thing said once, log lines named by component, progress on long runs.</summary>
[TestFixture]
public sealed partial class OutputTests
{
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (info|warn|error|debug) +[a-z]+: \S")]
    private static partial Regex LogLinePattern();

    [Test]
    public async Task AHealthySyncSaysItsSummaryOnceVerdictFirstWithComponentLogLinesAndNoNoise()
    {
        var pair = await Pair.CreateAsync(() => TestServers.PgChip, () => TestServers.PgDale);
        try
        {
            await SampleData.FillAsync(pair.Chip, clients: 2, sitesPerClient: 3);
            await pair.PushAsync();
            var first = await pair.BridgeAsync("sync");
            Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
            var summary = first.Stdout.Split('\n')[0];
            Assert.That(summary, Does.StartWith("applied: "), first.ToString());
            Assert.That(first.Stderr, Does.Not.Contain(summary), "the summary is on stdout only");
            Assert.That(first.Stderr, Does.Not.Contain("[0]").And.Not.Contain("apache"), first.ToString());
            var logLines = first.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(logLines, Is.Not.Empty);
            Assert.That(logLines, Has.All.Match(LogLinePattern()), first.Stderr);
            Assert.That(logLines, Has.All.Contain(" sync: "), first.Stderr);

            var again = await pair.BridgeAsync("sync");
            Assert.That(again.Stdout.Split('\n')[0], Is.EqualTo("no changes"), again.ToString());
            Assert.That(again.Stderr, Is.Empty, "a run with nothing to do logs nothing");
        }
        finally
        {
            Directory.Delete(pair.Folder, recursive: true);
        }
    }

    [Test]
    public async Task ALongRunLogsItsPhaseAndRowsEveryInterval()
    {
        var progress = new RunProgress();
        progress.Enter("reading the peer");
        progress.AddRead(123_456);
        var logger = new ListLogger();
        await using (new ProgressLog(progress, logger, TimeSpan.FromMilliseconds(50)))
        {
            for (var i = 0; i < 200 && logger.Lines.Count < 2; i++)
            {
                await Task.Delay(25);
            }
        }

        Assert.That(logger.Lines, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(logger.Lines[0], Does.Contain("reading the peer").And.Contain("123,456 rows read").And.Contain("0 rows written"));
    }

    [Test]
    public async Task ARunShorterThanTheIntervalLogsNoProgress()
    {
        var logger = new ListLogger();
        await using (new ProgressLog(new RunProgress(), logger, TimeSpan.FromSeconds(30)))
        {
            await Task.Delay(50);
        }

        Assert.That(logger.Lines, Is.Empty);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
