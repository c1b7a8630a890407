namespace Bridge.Benchmarks.Tests;

/// What the harness reads from a bridge run's stderr lines and the head of its JSON report.
public sealed class BridgeLogTests
{
    [Test]
    public void TheNoOpVerdictIsReadFromTheJsonReportsNote()
    {
        // blech-bridge writes the verdict as the report's note on stdout, not as a log line.
        var run = new ChildResult(0, 550, 90_000, 0.3, 0.1, []);
        var head = $"{{\n  \"dryRun\": false,\n  \"applied\": true,\n  \"note\": \"{BridgeLog.NothingChangedText}\",\n  \"machines\": {{";

        using (Assert.EnterMultipleScope())
        {
            Assert.That(BridgeLog.Parse(run, head).NothingChanged, Is.True);
            Assert.That(Sample.FromBridge("mysql", "noop.sync", 1, run, head).NothingChanged, Is.True);
            Assert.That(BridgeLog.Parse(run, "{\n  \"dryRun\": false,\n  \"applied\": true,\n  \"machines\": {").NothingChanged, Is.False);
        }
    }

    [Test]
    public void PhasesComeFromTheReadAndApplyLines()
    {
        var run = new ChildResult(0, 3000, null, null, null,
        [
            new LogLine(900, "info: Read 29502 objects from the peer (postgres) in 400 ms"),
            new LogLine(1300, "info: Read 29502 objects from the local (postgres) in 350 ms"),
            new LogLine(2500, "info: Applied 760 changes in 16 statements, queued 760 regenerations, in 200 ms"),
            new LogLine(2700, "info: done"),
        ]);

        var log = BridgeLog.Parse(run);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(log.Phases["startup"], Is.EqualTo(500));
            Assert.That(log.Phases["read peer"], Is.EqualTo(400));
            Assert.That(log.Phases["read local"], Is.EqualTo(400));
            Assert.That(log.Phases["normalize, plan, guard"], Is.EqualTo(1000));
            Assert.That(log.Phases["apply"], Is.EqualTo(200));
            Assert.That(log.Phases["report, exit"], Is.EqualTo(300));
            Assert.That(log.AppliedChanges, Is.EqualTo(760));
            Assert.That(log.NothingChanged, Is.False);
        }
    }

    [Test]
    public void AStandbyReadLoggedBeforeThePeersTakesNoSpanOfItsOwn()
    {
        // The order a pipelined full sync logs in: the standby's read ends first, the peer's while the apply has begun.
        var run = new ChildResult(0, 3000, null, null, null,
        [
            new LogLine(300, "info: Read 0 objects from the local (postgres) in 20 ms"),
            new LogLine(900, "info: Read 29502 objects from the peer (postgres) in 400 ms"),
            new LogLine(2500, "info: Applied 760 changes in 16 statements, queued 760 regenerations, in 1200 ms"),
            new LogLine(2700, "info: done"),
        ]);

        var log = BridgeLog.Parse(run);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(log.Phases["startup"], Is.EqualTo(500));
            Assert.That(log.Phases["read peer"], Is.EqualTo(400));
            Assert.That(log.Phases["read local"], Is.Zero);
            Assert.That(log.Phases["normalize, plan, guard"], Is.EqualTo(400), "from the later read's line to the apply's, less the apply");
            Assert.That(log.Phases["apply"], Is.EqualTo(1200));
            Assert.That(log.Phases["report, exit"], Is.EqualTo(300));
        }
    }
}
