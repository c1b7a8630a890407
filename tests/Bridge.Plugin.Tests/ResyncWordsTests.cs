using System.Net.Sockets;
using Bridge.Core;
using Bridge.Core.Guard;
using Bridge.Core.Model;
using Bridge.Core.Plan;
using Bridge.Core.Report;
using Bridge.Data.Run;
using Bridge.Postgres;
using Bridge.Runtime.Requests;
using Npgsql;

namespace Bridge.Plugin.Tests;

/// <summary>What K reads for each way a resync can end: plain words, a few lines, no JSON, no connection details.</summary>
[TestFixture]
public sealed class ResyncWordsTests
{
    private static readonly MachineNames Names = new("chip", "dale");

    private static IEnumerable<PlanStep> Steps(ObjectKind kind, PlanAction action, int count, bool revert = false) =>
        Enumerable.Range(0, count).Select(i => new PlanStep(kind, action, $"{kind.Name()}-{action}-{i}.example", null, null,
            revert ? [new FieldChange("ip_address", "192.0.2.2", "192.0.2.100", false)] : [], revert));

    private static SyncReport Report(IEnumerable<PlanStep> steps, IEnumerable<SkippedObject>? skipped = null, (string?, string?)? machines = null)
    {
        var zero = ObjectKinds.All.ToDictionary(k => k, _ => 0);
        var plan = new SyncPlan(steps.ToList(), skipped?.ToList() ?? [], [], new Dictionary<string, string>(), zero, zero);
        return new SyncReport(plan, DryRun: false, Applied: true, []) { Machines = machines ?? ("chip", "dale") };
    }

    private static SyncOutcome Done(SyncReport report) => new(ExitCodes.Success, report, null);

    private static Failure Database(FailureReason reason, string side, DatabaseProblem problem, string message = "details") =>
        new(reason, message) { Side = side, Problem = problem };

    [Test]
    public void AResyncThatChangedThingsSaysWhatInWords()
    {
        var report = Report(Steps(ObjectKind.Site, PlanAction.Update, 3).Concat(Steps(ObjectKind.Zone, PlanAction.Insert, 1))
            .Concat(Steps(ObjectKind.Record, PlanAction.Insert, 12)).Concat(Steps(ObjectKind.Record, PlanAction.Delete, 1))
            .Concat(Steps(ObjectKind.Mailbox, PlanAction.Update, 1)).Concat(Steps(ObjectKind.Alias, PlanAction.Insert, 2))
            .Concat(Steps(ObjectKind.Site, PlanAction.Update, 2, revert: true)));
        Assert.That(ResyncWords.Describe(Done(report), TimeSpan.FromSeconds(14.2), Names), Is.EqualTo(
            "Resync finished in 14 s: 3 sites updated, 1 zone added, 12 DNS records added, 1 DNS record removed, 1 mailbox updated, 2 mail aliases added. "
            + "dale is in sync with chip.\n"
            + "2 sites that Blech had moved back to dale's own address were put back."));
    }

    [Test]
    public void AResyncWithNothingToDoSaysSo()
    {
        Assert.That(ResyncWords.Describe(Done(Report([])), TimeSpan.FromSeconds(3), Names),
            Is.EqualTo("Resync finished in 3 s: nothing needed changing. dale is in sync with chip."));
    }

    [Test]
    public void SkippedRowsAreCountedAndPointedAtTheDailyReport()
    {
        var report = Report(Steps(ObjectKind.Site, PlanAction.Update, 1), [new SkippedObject(ObjectKind.Record, "x", "bad"), new SkippedObject(ObjectKind.Site, "y", "bad")]);
        var text = ResyncWords.Describe(Done(report), TimeSpan.FromSeconds(2), Names);
        Assert.That(text, Does.StartWith("Resync finished in 2 s: 1 site updated. dale is in sync with chip, except for 2 items that could not be copied.\n"));
        Assert.That(text, Does.Contain("1 DNS record, 1 site").And.Contain("daily report"));
    }

    [Test]
    public void WebServerFilesBlechHadRewrittenAreCounted()
    {
        var report = Report([]) with { Apache = new ApacheSummary("applied", ["/a.conf", "/b.conf"], ["/a.conf"], [], null, true) };
        Assert.That(ResyncWords.Describe(Done(report), TimeSpan.FromSeconds(2), Names),
            Does.EndWith("\n1 web server file that Blech had rewritten with dale's own address was corrected."));
    }

    [Test]
    public void AResyncOnTheActiveMachineSaysThereIsNothingToCopy()
    {
        var report = Report([], machines: (null, null)) with { ActiveHere = true, Note = "this machine is the active one: nothing to pull from the peer" };
        Assert.That(ResyncWords.Describe(Done(report), TimeSpan.FromSeconds(1), Names),
            Is.EqualTo("Resync not needed: dale is the active machine now, so there is nothing to copy to it."));
    }

    [TestCase(FailureReason.PeerUnreachable, "peer", DatabaseProblem.ConnectionRefused, "Resync failed: cannot reach chip's database (connection refused). Nothing on dale was changed.")]
    [TestCase(FailureReason.LocalUnreachable, "local", DatabaseProblem.ConnectionRefused, "Resync failed: cannot reach dale's own database (connection refused). Nothing on dale was changed.")]
    [TestCase(FailureReason.PeerUnreachable, "peer", DatabaseProblem.LoginRefused, "Resync failed: chip's database refused Bridge's login. Nothing on dale was changed.")]
    [TestCase(FailureReason.PeerUnreachable, "peer", DatabaseProblem.Timeout, "Resync failed: cannot reach chip's database (no answer in time). Nothing on dale was changed.")]
    [TestCase(FailureReason.LockFailed, "local", DatabaseProblem.ConnectionRefused, "Resync failed: cannot reach dale's own database (connection refused). Nothing on dale was changed.")]
    public void ADatabaseFailureSaysWhyAndThatNothingWasChanged(FailureReason reason, string side, DatabaseProblem problem, string expected)
    {
        Assert.That(ResyncWords.Describe(SyncOutcome.Failed(Database(reason, side, problem)), TimeSpan.FromSeconds(1), Names), Is.EqualTo(expected));
    }

    [Test]
    public void ARunPastItsTimeLimitSaysSo()
    {
        var failure = new Failure(FailureReason.TimeLimit, "gave up after the total time limit of 300 s") { Limit = TimeSpan.FromSeconds(300) };
        Assert.That(ResyncWords.Describe(SyncOutcome.Failed(failure), TimeSpan.FromSeconds(1), Names),
            Is.EqualTo("Resync failed: it did not finish within its time limit of 300 s. Nothing on dale was changed."));
    }

    // The drivers' own errors, as they reach the run: the problem comes from the socket error, the SQLSTATE or the exception type.
    [Test]
    public void DriverErrorsAreClassifiedByTheirCodes()
    {
        var dialect = new PostgresDialect();
        Assert.That(Failures.Classify(new NpgsqlException("Failed to connect to 127.0.0.1:9", new SocketException((int)SocketError.ConnectionRefused)), dialect),
            Is.EqualTo(((string?)null, DatabaseProblem.ConnectionRefused)));
        Assert.That(Failures.Classify(new PostgresException("password authentication failed for user \"bridge\"", "FATAL", "FATAL", "28P01"), dialect),
            Is.EqualTo(("28P01", DatabaseProblem.LoginRefused)));
        Assert.That(Failures.Classify(new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")), dialect),
            Is.EqualTo(((string?)null, DatabaseProblem.Timeout)));
        Assert.That(Failures.Classify(new PostgresException("relation \"site\" does not exist", "ERROR", "ERROR", "42P01"), dialect),
            Is.EqualTo(("42P01", DatabaseProblem.Other)));
    }

    [Test]
    public void AnUnrecognisedErrorNeverShowsItsRawText()
    {
        var failure = new Failure(FailureReason.PeerFailed, "peer database: 42P01: relation \"site\" does not exist at Host=chip;Password=hunter2") { Side = "peer", Code = "42P01" };
        var text = ResyncWords.Describe(SyncOutcome.Failed(failure), TimeSpan.FromSeconds(1), Names);
        Assert.That(text, Does.StartWith("Resync failed: chip's database answered with an error. Nothing on dale was changed.\n"));
        Assert.That(text, Does.EndWith("An administrator can find the details in the Bridge service log (journalctl -u blech-bridge-requests)."));
        Assert.That(text, Does.Not.Contain("hunter2").And.Not.Contain("Host=").And.Not.Contain("42P01"));
    }

    [Test]
    public void AGuardRefusalExplainsWhatItWouldHaveRemovedAndAsksForAnAdministrator()
    {
        var refusal = new GuardRefusal(ObjectKind.Site, 40, 44, 0.1);
        var failure = new Failure(FailureReason.GuardRefused, "refused by the guard: " + refusal.Text) { Refusals = [refusal] };
        var text = ResyncWords.Describe(SyncOutcome.Failed(failure, Report(Steps(ObjectKind.Site, PlanAction.Delete, 40))), TimeSpan.FromSeconds(2), Names);
        Assert.That(text, Does.StartWith("Resync stopped for safety: it would have removed 40 of dale's 44 sites"));
        Assert.That(text, Does.Contain("Nothing on dale was changed.").And.Contain("An administrator must look at it"));
        Assert.That(text, Does.Not.Contain("--force"));
    }

    [Test]
    public void AnEmptyActiveMachineIsRefusedInWords()
    {
        var refusal = new GuardRefusal(null, 80, 80, 0.1);
        var failure = new Failure(FailureReason.GuardRefused, "refused by the guard: " + refusal.Text) { Refusals = [refusal] };
        Assert.That(ResyncWords.Describe(SyncOutcome.Failed(failure, Report([])), TimeSpan.FromSeconds(2), Names),
            Does.StartWith("Resync stopped for safety: chip's database looks empty, and copying it would empty dale.").And.Contain("Nothing on dale was changed."));
    }

    [Test]
    public void AnApacheFailureAfterTheCommitSaysTheDatabaseIsInSyncButTheWebServerIsNot()
    {
        var report = Report(Steps(ObjectKind.Site, PlanAction.Update, 3)) with { Apache = new ApacheSummary("failed", [], [], [], "configtest failed", false) };
        var failure = new Failure(FailureReason.Apache, "apache: failed: configtest failed (the database changes are committed)");
        var text = ResyncWords.Describe(SyncOutcome.Failed(failure, report), TimeSpan.FromSeconds(5), Names);
        Assert.That(text, Does.StartWith("Resync finished with a problem after 5 s: dale's database is in sync with chip (3 sites updated), but the web server files on dale could not be updated."));
        Assert.That(text, Does.Contain("An administrator must look at it").And.Not.Contain("Nothing on dale was changed"));
    }

    [Test]
    public void AnotherRunHoldingTheLockMeansThisClickChangedNothing()
    {
        var failure = new Failure(FailureReason.LockHeld, "another Bridge run holds the lock on the local database; nothing done") { Side = "local" };
        var text = ResyncWords.Describe(SyncOutcome.Failed(failure), TimeSpan.FromMinutes(3), Names);
        Assert.That(text, Does.StartWith("Resync not started: another Bridge run on dale was still busy").And.Contain("Nothing was changed by this click"));
    }

    [Test]
    public void UnknownMachinesGetPlainStandInNames()
    {
        var failure = Database(FailureReason.PeerUnreachable, "peer", DatabaseProblem.ConnectionRefused, "peer database: Failed to connect to 10.0.0.1:5432: Connection refused");
        var text = ResyncWords.Describe(SyncOutcome.Failed(failure), TimeSpan.FromSeconds(1), new MachineNames(null, null));
        Assert.That(text, Is.EqualTo("Resync failed: cannot reach the active machine's database (connection refused). Nothing on the standby was changed."));
    }

    // Outcomes no run should produce still get an answer rather than an exception: K must always hear something.
    private static IEnumerable<TestCaseData> OddOutcomes()
    {
        yield return new TestCaseData(new SyncOutcome(ExitCodes.Success, null, null)).SetName("SuccessWithoutAReport");
        yield return new TestCaseData(new SyncOutcome(ExitCodes.Success, Report([], machines: ("", "")), null)).SetName("EmptyMachineNames");
        yield return new TestCaseData(SyncOutcome.Failed(new Failure(FailureReason.GuardRefused, "refused"))).SetName("ARefusalWithoutReasons");
        yield return new TestCaseData(new SyncOutcome(ExitCodes.Failure, null, null)).SetName("AFailureWithoutAReason");
        yield return new TestCaseData(SyncOutcome.Failed(new Failure(FailureReason.Unexpected, "boom"))).SetName("AnUnexpectedFailure");
        yield return new TestCaseData(SyncOutcome.Failed(new Failure(FailureReason.Apache, "apache: failed"))).SetName("AnApacheFailureWithoutAReport");
    }

    [TestCaseSource(nameof(OddOutcomes))]
    public void AnOddOutcomeStillGivesAnAnswer(SyncOutcome outcome)
    {
        var text = ResyncWords.Describe(outcome, TimeSpan.FromSeconds(1), Names);
        Assert.That(text, Does.StartWith("Resync "));
    }

    [Test]
    public void TheAnswerEndsWithTheReadinessVerdictAndAtMostThreeProblems()
    {
        var counts = new Bridge.Core.Readiness.ReadyCounts(12, 3, 40, 2, 1);
        var ready = new Bridge.Runtime.ReadyOutcome(new Bridge.Core.Readiness.ReadinessReport("dale", "192.0.2.100", counts, [], []), null);
        Assert.That(ResyncWords.Readiness(ready, Names), Is.EqualTo("dale is ready to take over: 12 sites on 192.0.2.100, 3 zones, 40 mailboxes."));

        var problems = Enumerable.Range(0, 5).Select(i => new Bridge.Core.Readiness.ReadyProblem(
            Bridge.Core.Readiness.ReadyArea.Apache, Bridge.Core.Readiness.ReadyIssue.NoVhostOnV, $"s{i}.example", $"site s{i}.example: no vhost on 192.0.2.100:80 in apache2ctl -S")).ToList();
        var notReady = new Bridge.Runtime.ReadyOutcome(new Bridge.Core.Readiness.ReadinessReport("dale", "192.0.2.100", counts, [], problems), null);
        var lines = ResyncWords.Readiness(notReady, Names).Split('\n');
        Assert.That(lines[0], Is.EqualTo("dale is NOT ready: 5 sites have no vhost on V."));
        Assert.That(lines.Skip(1).Take(3), Is.All.StartsWith("- site s"));
        Assert.That(lines[4], Is.EqualTo("- and 2 more (the daily report lists them all)"));
        Assert.That(lines[5], Does.StartWith("Blech rewrites the standby's files about once a minute"));

        var unknown = new Bridge.Runtime.ReadyOutcome(null, new Failure(FailureReason.PeerUnreachable, "cannot read the active machine's database (peer): connection refused"));
        Assert.That(ResyncWords.Readiness(unknown, Names), Does.StartWith("Whether dale could take over now is not known: a database could not be read.").And.Not.Contain("refused"));
    }
}
