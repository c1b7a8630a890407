using Bridge.Core.Guard;
using Bridge.Core.Plan;

namespace Bridge.Core.Tests;

public sealed class DeleteGuardTests
{
    /// <summary>The standby has <paramref name="standby"/> clients; the peer has lost <paramref name="gone"/> of them.</summary>
    private static SyncPlan ClientsGone(int standby, int gone)
    {
        var peer = new Snap();
        var local = new Snap();
        for (var i = 0; i < standby; i++)
        {
            local.Client($"c{i:D3}");
            if (i >= gone)
            {
                peer.Client($"c{i:D3}");
            }
        }

        return Planner.Plan(peer.Peer(), local.Local(), Net.Context());
    }

    [TestCase(10, 1)]
    [TestCase(20, 2)]
    [TestCase(30, 3)]
    [TestCase(70, 7)]
    [TestCase(100, 10)]
    [TestCase(10, 0)]
    public void AtOrUnderTheLimitIsAllowed(int standby, int gone)
    {
        var plan = ClientsGone(standby, gone);
        Assert.That(plan.CountOf(ObjectKind.Client, PlanAction.Delete), Is.EqualTo(gone));

        var verdict = DeleteGuard.Check(plan, DeleteGuard.DefaultMaxDeleteShare, force: false);

        Assert.That(verdict.Allowed, Is.True, () => string.Join("; ", verdict.Reasons));
        Assert.That(verdict.Reasons, Is.Empty);
    }

    [TestCase(10, 2, "would delete 2 of the standby's 10 client objects (20 %, limit 10 %)")]
    [TestCase(30, 4, "would delete 4 of the standby's 30 client objects")]
    [TestCase(100, 11, "would delete 11 of the standby's 100 client objects (11 %, limit 10 %)")]
    [TestCase(2, 1, "would delete 1 of the standby's 2 client objects (50 %, limit 10 %)")]
    [TestCase(5, 4, "would delete 4 of the standby's 5 client objects")]
    public void OverTheLimitIsRefusedNamingKindAndCounts(int standby, int gone, string expected)
    {
        var verdict = DeleteGuard.Check(ClientsGone(standby, gone), DeleteGuard.DefaultMaxDeleteShare, force: false);

        Assert.That(verdict.Allowed, Is.False);
        Assert.That(verdict.Reasons, Has.Count.EqualTo(1));
        Assert.That(verdict.Reasons[0], Does.StartWith(expected));
        Assert.That(verdict.Reasons[0], Does.Contain("--force"));
    }

    [TestCase(0.5, 5, true)]
    [TestCase(0.5, 6, false)]
    [TestCase(0.0, 1, false)]
    [TestCase(1.0, 9, true)]
    public void TheLimitIsConfigurable(double share, int gone, bool allowed) =>
        Assert.That(DeleteGuard.Check(ClientsGone(10, gone), share, force: false).Allowed, Is.EqualTo(allowed));

    [TestCase(0.29, 100, 29, true)]
    [TestCase(0.29, 100, 30, false)]
    [TestCase(0.57, 100, 57, true)]
    [TestCase(0.15, 20, 3, true)]
    public void ExactlyAtAConfiguredLimitIsAllowedDespiteBinaryFractions(double share, int standby, int gone, bool allowed) =>
        Assert.That(DeleteGuard.Check(ClientsGone(standby, gone), share, force: false).Allowed, Is.EqualTo(allowed));

    [Test]
    public void EachKindIsJudgedOnItsOwnShare()
    {
        // 3 of 30 records is exactly the limit; 2 of 3 mailboxes is far over it.
        var peer = Snap.Sample();
        var local = Snap.Sample();
        for (var i = 0; i < 27; i++)
        {
            local.Record("example.com.", $"h{i}", "A", "192.0.2.50");
            if (i >= 3)
            {
                peer.Record("example.com.", $"h{i}", "A", "192.0.2.50");
            }
        }

        local.Mailbox("example.com", "a").Mailbox("example.com", "b");
        var plan = Planner.Plan(peer.Peer(), local.Local(), Net.Context());

        var verdict = DeleteGuard.Check(plan, DeleteGuard.DefaultMaxDeleteShare, force: false);

        Assert.That(verdict.Allowed, Is.False);
        Assert.That(verdict.Reasons, Has.Count.EqualTo(1));
        Assert.That(verdict.Reasons[0], Does.Contain("2 of the standby's 3 mailbox objects"));
    }

    [Test]
    public void EveryKindOverTheLimitGetsItsOwnLine()
    {
        var local = Snap.Sample();
        local.Client("bob").Client("carol");
        var verdict = DeleteGuard.Check(Planner.Plan(new Snap().Client("dave").Peer(), local.Local(), Net.Context()), 0.1, force: false);

        Assert.That(verdict.Allowed, Is.False);
        Assert.That(verdict.Reasons.Select(r => r.Split(' ')[7]), Is.EqualTo(new[] { "client", "site", "zone", "record", "mail_domain", "mailbox", "alias" }));
    }

    [Test]
    public void ForceOverridesTheShare()
    {
        var plan = ClientsGone(10, 9);

        Assert.That(DeleteGuard.Check(plan, 0.1, force: false).Allowed, Is.False);
        Assert.That(DeleteGuard.Check(plan, 0.1, force: true), Is.EqualTo(GuardVerdict.Allow));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AnEmptyPeerNeverEmptiesTheStandby(bool force)
    {
        var plan = Planner.Plan(new Snap().Peer(), Snap.Sample().Local(), Net.Context());
        Assert.That(plan.Steps, Has.Count.EqualTo(9));

        var verdict = DeleteGuard.Check(plan, 1.0, force);

        Assert.That(verdict.Allowed, Is.False);
        Assert.That(verdict.Reasons.Single(), Does.Contain("the peer has no objects at all while the standby has 9"));
        Assert.That(verdict.Reasons.Single(), Does.Contain("--force does not override"));
    }

    [Test]
    public void BothEmptyIsFine()
    {
        var plan = Planner.Plan(new Snap().Peer(), new Snap().Local(), Net.Context());

        Assert.That(DeleteGuard.Check(plan, DeleteGuard.DefaultMaxDeleteShare, force: false).Allowed, Is.True);
    }

    [Test]
    public void APeerOfOnlySkippedRowsIsNotEmptyButStillGuarded()
    {
        var plan = Planner.Plan(new Snap().Client("bad login").Peer(), ClientsGoneLocal(3), Net.Context());

        var verdict = DeleteGuard.Check(plan, DeleteGuard.DefaultMaxDeleteShare, force: false);

        Assert.That(verdict.Allowed, Is.False);
        Assert.That(verdict.Reasons.Single(), Does.StartWith("would delete 3 of the standby's 3 client objects"));
    }

    private static Normalize.SyncSet ClientsGoneLocal(int n)
    {
        var local = new Snap();
        for (var i = 0; i < n; i++)
        {
            local.Client($"c{i}");
        }

        return local.Local();
    }

    [Test]
    public void EditingARecordsDataIsAReplacementNotALoss()
    {
        Snap Side(string www) => new Snap().Client("alice").Zone("example.com.")
            .Record("example.com.", "@", "NS", "ns1.example.net.").Record("example.com.", "@", "A", "192.0.2.1").Record("example.com.", "www", "A", www);

        var edited = Planner.Plan(Side("192.0.2.20").Peer(), Side("192.0.2.10").Local(), Net.Context());
        Assert.That(edited.CountOf(ObjectKind.Record, PlanAction.Delete), Is.EqualTo(1), "the key holds the data: delete and insert");
        Assert.That(DeleteGuard.Check(edited, DeleteGuard.DefaultMaxDeleteShare, force: false).Allowed, Is.True);

        var lost = Planner.Plan(new Snap().Client("alice").Zone("example.com.").Record("example.com.", "@", "NS", "ns1.example.net.").Record("example.com.", "@", "A", "192.0.2.1").Peer(),
            Side("192.0.2.10").Local(), Net.Context());
        var verdict = DeleteGuard.Check(lost, DeleteGuard.DefaultMaxDeleteShare, force: false);
        Assert.That(verdict.Allowed, Is.False);
        Assert.That(verdict.Reasons[0], Does.StartWith("would delete 1 of the standby's 3 record objects"));
    }

    [Test]
    public void EachInsertReplacesOneDeleteOfItsOwnNameAndTypeOnly()
    {
        var standby = new Snap().Client("alice").Zone("example.com.").Record("example.com.", "@", "NS", "ns1.example.net.")
            .Record("example.com.", "www", "A", "192.0.2.10").Record("example.com.", "www", "A", "192.0.2.11").Local();
        // Two www A records become one, and a record of another name is new: one www A record is lost, whatever else is added.
        var peer = new Snap().Client("alice").Zone("example.com.").Record("example.com.", "@", "NS", "ns1.example.net.")
            .Record("example.com.", "www", "A", "192.0.2.20").Record("example.com.", "mail", "A", "192.0.2.30").Peer();

        var verdict = DeleteGuard.Check(Planner.Plan(peer, standby, Net.Context()), maxDeleteShare: 0, force: false);

        Assert.That(verdict.Allowed, Is.False);
        Assert.That(verdict.Reasons.Single(), Does.StartWith("would delete 1 of the standby's 3 record objects"));
    }
}
