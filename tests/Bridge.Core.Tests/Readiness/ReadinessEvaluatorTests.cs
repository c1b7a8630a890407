using System.Net;
using Bridge.Core.Readiness;

namespace Bridge.Core.Tests.Readiness;

/// <summary>The readiness rules on hand-built facts: each fact that would keep dale from serving V gives its problem, and only it.</summary>
[TestFixture]
public sealed class ReadinessEvaluatorTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private static BlechSnapshot Active() => Snap.Sample().Build();

    private static ReadinessInput Input(
        Func<ApacheFacts, ApacheFacts>? apache = null,
        Func<DnsFacts, DnsFacts>? dns = null,
        Func<MailFacts, MailFacts>? mail = null,
        Func<DatabaseFacts, DatabaseFacts>? database = null,
        BlechSnapshot? standby = null,
        Func<string, bool>? directoryExists = null)
    {
        var vhosts = new List<ServedVhost>
        {
            new(Net.V, "80", "example.com", ["www.example.com"], Lone: false),
            new(Net.V, "80", "other.example", [], Lone: false),
        };
        var apacheFacts = new ApacheFacts(true, "Syntax OK", vhosts);
        var dnsFacts = new DnsFacts(
            new Dictionary<string, string> { ["example.com."] = "/g/bind/zones/example.com.zone" },
            Observation<IReadOnlyDictionary<string, long>>.Of(new Dictionary<string, long> { ["example.com."] = 2025010101 }),
            new Dictionary<string, string>(),
            Observation<IReadOnlyDictionary<string, string>>.Of(new Dictionary<string, string>()));
        var mailFacts = new MailFacts(
            new Dictionary<string, string> { ["info@example.com"] = Snap.Hash },
            new Dictionary<string, string> { ["postmaster@example.com"] = "info@example.com" },
            new HashSet<string> { "example.com" });
        var databaseFacts = new DatabaseFacts(false, 0, null, Now.AddMinutes(-2), null);
        return new ReadinessInput(
            Active(),
            standby ?? Snap.Sample().Build(),
            "dale",
            IPAddress.Parse(Net.V),
            IPAddress.Parse(Net.D),
            Observation<DatabaseFacts>.Of(database?.Invoke(databaseFacts) ?? databaseFacts),
            Observation<ApacheFacts>.Of(apache?.Invoke(apacheFacts) ?? apacheFacts),
            Observation<DnsFacts>.Of(dns?.Invoke(dnsFacts) ?? dnsFacts),
            Observation<MailFacts>.Of(mail?.Invoke(mailFacts) ?? mailFacts),
            directoryExists ?? (_ => true),
            new ReadyThresholds(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5)),
            Now);
    }

    private static List<(ReadyIssue Issue, string Key)> Problems(ReadinessReport r) => r.Problems.Select(p => (p.Issue, p.Key)).ToList();

    [Test]
    public void EverythingServedIsReadyWithTheCountsInTheVerdict()
    {
        var report = ReadinessEvaluator.Evaluate(Input());
        Assert.That(report.Problems, Is.Empty);
        Assert.That(report.Ready, Is.True);
        Assert.That(report.Verdict, Is.EqualTo($"dale is ready to take over: 1 site on {Net.V}, 1 zone, 1 mailbox"));
        Assert.That(report.Checks.Select(c => c.State), Is.All.EqualTo(CheckState.Passed));
    }

    [Test]
    public void ASiteWithoutAVhostOnVIsNotServed()
    {
        var report = ReadinessEvaluator.Evaluate(Input(apache: a => a with { Vhosts = [.. a.Vhosts.Where(h => h.ServerName != "example.com")] }));
        Assert.That(Problems(report), Is.EqualTo(new[] { (ReadyIssue.NoVhostOnV, "example.com") }));
        Assert.That(report.Verdict, Is.EqualTo("dale is NOT ready: 1 site has no vhost on V"));
        Assert.That(report.Checks.Single(c => c.Area == ReadyArea.Apache).State, Is.EqualTo(CheckState.Failed));
    }

    [Test]
    public void AVhostOnDIsNotOnVAndIsNamedUnlessTheStandbyBindsTheSiteToDItself()
    {
        var onD = Input(apache: a => a with { Vhosts = [new(Net.D, "80", "example.com", ["www.example.com"], Lone: true)] });
        Assert.That(Problems(ReadinessEvaluator.Evaluate(onD)), Is.EquivalentTo(new[] { (ReadyIssue.NoVhostOnV, "example.com"), (ReadyIssue.VhostOnStandbyAddress, "example.com") }));

        var standby = Snap.Sample();
        standby.Site("dale-only.example", ip: Net.D);
        var own = Input(standby: standby.Build(), apache: a => a with { Vhosts = [.. a.Vhosts, new(Net.D, "80", "dale-only.example", [], Lone: true)] });
        Assert.That(ReadinessEvaluator.Evaluate(own).Problems, Is.Empty);

        // Blech's push binds the active machine's own site to D in the standby's database: still not served on V.
        var pushed = Snap.Sample(siteIp: Net.D);
        var afterPush = Input(standby: pushed.Build(), apache: a => a with { Vhosts = [new(Net.D, "80", "example.com", ["www.example.com"], Lone: true)] });
        Assert.That(Problems(ReadinessEvaluator.Evaluate(afterPush)), Is.EquivalentTo(new[] { (ReadyIssue.NoVhostOnV, "example.com"), (ReadyIssue.VhostOnStandbyAddress, "example.com") }));
    }

    [Test]
    public void HttpsPortsAndAliasesAreCheckedAndALoneVhostAnswersEveryName()
    {
        var active = Snap.Sample();
        active.Sites[0] = active.Sites[0] with { HttpsPort = 443 };
        var input = Input(apache: a => a with { Vhosts = [.. a.Vhosts, new(Net.V, "443", "example.com", [], Lone: true)] }) with { Active = active.Build() };
        Assert.That(ReadinessEvaluator.Evaluate(input).Problems, Is.Empty);

        var noHttps = ReadinessEvaluator.Evaluate(Input() with { Active = active.Build() });
        Assert.That(Problems(noHttps), Is.EqualTo(new[] { (ReadyIssue.NoVhostOnV, "example.com") }));
        Assert.That(noHttps.Problems[0].Reason, Is.EqualTo($"site example.com: no vhost on {Net.V}:443 in apache2ctl -S"));

        var neither = ReadinessEvaluator.Evaluate(Input(apache: a => a with { Vhosts = [] }) with { Active = active.Build() });
        Assert.That(neither.Verdict, Is.EqualTo("dale is NOT ready: 1 site has no vhost on V"), "a site counts once, whatever its ports");

        var lostAlias = Input(apache: a => a with { Vhosts = [new(Net.V, "80", "example.com", [], Lone: false), new(Net.V, "80", "x.example", [], Lone: false)] });
        Assert.That(Problems(ReadinessEvaluator.Evaluate(lostAlias)), Is.EqualTo(new[] { (ReadyIssue.AliasNotServed, "example.com") }));
    }

    [Test]
    public void AWildcardVhostServesVOnlyWhenNoVhostNamesVOnThatPort()
    {
        var star = Input(apache: a => a with { Vhosts = [new("*", "80", "example.com", ["www.example.com"], Lone: true)] });
        Assert.That(ReadinessEvaluator.Evaluate(star).Problems, Is.Empty);

        var shadowed = Input(apache: a => a with { Vhosts = [new("*", "80", "example.com", ["www.example.com"], Lone: false), new(Net.V, "80", "other.example", [], Lone: true)] });
        Assert.That(Problems(ReadinessEvaluator.Evaluate(shadowed)), Is.EqualTo(new[] { (ReadyIssue.NoVhostOnV, "example.com") }));
    }

    [Test]
    public void AMissingDocumentRootAndAFailedConfigurationTestAreNamed()
    {
        var report = ReadinessEvaluator.Evaluate(Input(apache: a => a with { TestPassed = false, TestMessage = "AH00526: Syntax error on line 3\nmore" }, directoryExists: _ => false));
        Assert.That(Problems(report).Select(p => p.Issue), Is.EquivalentTo(new[] { ReadyIssue.ApacheTestFailed, ReadyIssue.DocumentRootMissing }));
        Assert.That(report.Problems.Single(p => p.Issue == ReadyIssue.ApacheTestFailed).Reason, Does.Contain("AH00526: Syntax error on line 3").And.Not.Contain("more"));
        Assert.That(report.Problems.Single(p => p.Issue == ReadyIssue.DocumentRootMissing).Reason, Does.Contain("/var/www/example.com"));
    }

    [Test]
    public void ZonesNotConfiguredNotLoadedStaleOrRefusedAreEachNamed()
    {
        Assert.That(Problems(ReadinessEvaluator.Evaluate(Input(dns: d => d with { Configured = new Dictionary<string, string>() }))),
            Is.EqualTo(new[] { (ReadyIssue.ZoneNotConfigured, "example.com.") }));
        Assert.That(Problems(ReadinessEvaluator.Evaluate(Input(dns: d => d with { Loaded = Observation<IReadOnlyDictionary<string, long>>.Of(new Dictionary<string, long>()) }))),
            Is.EqualTo(new[] { (ReadyIssue.ZoneNotLoaded, "example.com.") }));
        var stale = ReadinessEvaluator.Evaluate(Input(dns: d => d with { Loaded = Observation<IReadOnlyDictionary<string, long>>.Of(new Dictionary<string, long> { ["example.com."] = 2025010100 }) }));
        Assert.That(Problems(stale), Is.EqualTo(new[] { (ReadyIssue.StaleSerial, "example.com.") }));
        Assert.That(stale.Problems[0].Reason, Is.EqualTo("zone example.com.: named serves serial 2025010100, this machine's database has 2025010101"));
        var refused = ReadinessEvaluator.Evaluate(Input(dns: d => d with { ZoneFileErrors = Observation<IReadOnlyDictionary<string, string>>.Of(new Dictionary<string, string> { ["example.com."] = "bad owner name" }) }));
        Assert.That(Problems(refused), Is.EqualTo(new[] { (ReadyIssue.ZoneFileRefused, "example.com.") }));

        var standby = Snap.Sample();
        standby.Zones.Clear();
        Assert.That(Problems(ReadinessEvaluator.Evaluate(Input(standby: standby.Build()))), Is.EqualTo(new[] { (ReadyIssue.ZoneNotInStandby, "example.com.") }));
    }

    [Test]
    public void ALastSyncDatedLaterThanTheClockIsNotTakenForARecentOne()
    {
        // Recorded under a clock an hour fast, read after it was set right: how long ago the sync ran is unknown.
        var ahead = ReadinessEvaluator.Evaluate(Input(database: d => d with { LastSuccessfulSync = Now.AddHours(1) }));
        Assert.That(Problems(ahead), Is.EqualTo(new[] { (ReadyIssue.SyncTooOld, "sync") }));
        Assert.That(ahead.Problems.Single().Reason, Does.Contain("2026-11-30 13:00:00Z, later than this machine's clock (2026-11-30 12:00:00Z)"));
        Assert.That(ReadinessRendering.Text(ahead), Does.Contain("last successful sync dated later than this machine's clock"));

        // Within the slack two machines' clocks may differ by, the date is taken as it says.
        var close = ReadinessEvaluator.Evaluate(Input(database: d => d with { LastSuccessfulSync = Now.Add(Clocks.Slack) }));
        Assert.That(close.Ready, Is.True);
    }

    [Test]
    public void MailMapsMissingADomainMailboxOrAliasOrHoldingOtherValuesAreNamedWithoutHashes()
    {
        var report = ReadinessEvaluator.Evaluate(Input(mail: m => new MailFacts(
            new Dictionary<string, string> { ["info@example.com"] = "$6$other" },
            new Dictionary<string, string> { ["postmaster@example.com"] = "root@example.com" },
            new HashSet<string>())));
        Assert.That(Problems(report).Select(p => p.Issue), Is.EquivalentTo(new[] { ReadyIssue.MailDomainMissing, ReadyIssue.MailboxHashDiffers, ReadyIssue.AliasDestinationDiffers }));
        Assert.That(string.Join("\n", report.Problems.Select(p => p.Reason)) + ReadinessRendering.Text(report) + ReadinessRendering.Json(report),
            Does.Not.Contain("$6$").And.Not.Contain("SECRETHASH"));

        var empty = ReadinessEvaluator.Evaluate(Input(mail: m => new MailFacts(new Dictionary<string, string>(), new Dictionary<string, string>(), m.Domains)));
        Assert.That(Problems(empty), Is.EquivalentTo(new[] { (ReadyIssue.MailboxMissing, "info@example.com"), (ReadyIssue.AliasMissing, "postmaster@example.com") }));
    }

    [Test]
    public void PendingChangesAnOldSyncAndAStuckRegenQueueAreNamedWithCounts()
    {
        var report = ReadinessEvaluator.Evaluate(Input(database: d => d with { PendingChanges = 12, LastSuccessfulSync = Now.AddHours(-3), OldestWaitingRegeneration = Now.AddMinutes(-20) }));
        Assert.That(Problems(report).Select(p => p.Issue), Is.EqualTo(new[] { ReadyIssue.ChangesPending, ReadyIssue.SyncTooOld, ReadyIssue.RegenerationBehind }));
        Assert.That(report.Verdict, Is.EqualTo("dale is NOT ready: 12 changes pending, last successful sync too old, regeneration behind"));

        var fresh = ReadinessEvaluator.Evaluate(Input(database: d => d with { OldestWaitingRegeneration = Now.AddMinutes(-1) }));
        Assert.That(fresh.Ready, Is.True, "a row queued a minute ago is blechd's normal pace");

        var never = ReadinessEvaluator.Evaluate(Input(database: d => d with { LastSuccessfulSync = null, ThisMachineIsActive = true }));
        Assert.That(Problems(never).Select(p => p.Issue), Is.EquivalentTo(new[] { ReadyIssue.ThisMachineIsActive, ReadyIssue.NeverSynced }));
    }

    [Test]
    public void ACheckThatCannotRunIsNeverAPassAndOneTurnedOffIsShownButNotCounted()
    {
        var input = Input() with { Apache = Observation<ApacheFacts>.CannotRun("apache2ctl: cannot start") };
        var report = ReadinessEvaluator.Evaluate(input);
        Assert.That(report.Ready, Is.False);
        Assert.That(report.Checks.Single(c => c.Area == ReadyArea.Apache).State, Is.EqualTo(CheckState.CannotRun));
        Assert.That(report.Verdict, Is.EqualTo("dale is NOT ready: 1 check could not run"));

        var named = ReadinessEvaluator.Evaluate(Input(dns: d => d with { Loaded = Observation<IReadOnlyDictionary<string, long>>.CannotRun("connection refused") }));
        Assert.That(named.Ready, Is.False);
        Assert.That(named.Checks.Single(c => c.Area == ReadyArea.Dns).State, Is.EqualTo(CheckState.CannotRun));

        var off = ReadinessEvaluator.Evaluate(Input() with { Apache = Observation<ApacheFacts>.NotChecked("apache.enabled is false") });
        Assert.That(off.Ready, Is.True);
        Assert.That(ReadinessRendering.Text(off), Does.Contain("check apache: not checked (apache.enabled is false)"));
    }

    [Test]
    public void InactiveObjectsOfTheActiveMachineAreNotExpectedAnywhere()
    {
        var active = Snap.Sample();
        active.Sites[0] = active.Sites[0] with { Active = false };
        active.Zones[0] = active.Zones[0] with { Active = false };
        active.MailDomains[0] = active.MailDomains[0] with { Active = false };
        var report = ReadinessEvaluator.Evaluate(Input(apache: a => a with { Vhosts = [] }, mail: _ => new MailFacts(new Dictionary<string, string>(), new Dictionary<string, string>(), new HashSet<string>())) with { Active = active.Build() });
        Assert.That(report.Problems, Is.Empty);
        Assert.That(report.Counts, Is.EqualTo(new ReadyCounts(0, 0, 0, 0, 0)));
    }

    [Test]
    public void LargeCountsReadWithThousandsSeparators()
    {
        var report = new ReadinessReport("dale", Net.V, new ReadyCounts(1204, 311, 5022, 0, 0), [], []);
        Assert.That(report.Verdict, Is.EqualTo($"dale is ready to take over: 1,204 sites on {Net.V}, 311 zones, 5,022 mailboxes"));
    }

    [Test]
    public void AnotherVhostClaimingTheSiteBeforeItsOwnFileHijacksIt()
    {
        var hijacked = Input(apache: a => a with
        {
            Vhosts =
            [
                new(Net.V, "80", "example.com", [], Lone: false, Source: "/etc/apache2/apache2.conf:12"),
                new(Net.V, "80", "example.com", ["www.example.com"], Lone: false, Source: "/g/apache/sites/example.com.conf:2"),
            ],
        });
        var report = ReadinessEvaluator.Evaluate(hijacked);
        Assert.That(Problems(report), Is.EqualTo(new[] { (ReadyIssue.VhostShadowed, "example.com") }));
        Assert.That(report.Problems[0].Reason, Does.Contain("/etc/apache2/apache2.conf:12"));

        var ownFirst = Input(apache: a => a with { Vhosts = [.. hijacked.Apache.Value!.Vhosts.Reverse()] });
        Assert.That(ReadinessEvaluator.Evaluate(ownFirst).Problems, Is.Empty);
    }
}
