using Bridge.Core.Normalize;

namespace Bridge.Core.Tests;

public sealed class NormalizerTests
{
    private static readonly (ObjectKind Kind, string Key)[] SampleKeys = AllKeys(Snap.Sample().Peer()).ToArray();

    public static IEnumerable<TestCaseData> BadRows()
    {
        static TestCaseData Case(string name, Action<Snap> bad, ObjectKind kind, string key, string reason) =>
            new TestCaseData(bad, kind, key, reason).SetName($"{{m}}({name})");

        yield return Case("site domain with newline", s => s.Site("bad\n.example.org"), ObjectKind.Site, "bad\n.example.org", "domain 'bad\\n.example.org': host name contains a newline");
        yield return Case("site domain with space", s => s.Site("bad site.example.org"), ObjectKind.Site, "bad site.example.org", "host name contains a space");
        yield return Case("site domain with slash", s => s.Site("bad/site.example.org"), ObjectKind.Site, "bad/site.example.org", "host name contains '/'");
        yield return Case("site domain with dotdot", s => s.Site("bad..example.org"), ObjectKind.Site, "bad..example.org", "host name contains '..'");
        yield return Case("site alias with slash", s => s.Site("ok.example.org", aliases: "www.ok.example.org ../x"), ObjectKind.Site, "ok.example.org", "alias '../x'");
        yield return Case("site address not parsing", s => s.Site("ok.example.org", ip: "999.1.1.1"), ObjectKind.Site, "ok.example.org", "ip_address '999.1.1.1' is not an IP address");
        yield return Case("site address unmapped", s => s.Site("ok.example.org", ip: Net.Other), ObjectKind.Site, "ok.example.org", $"ip_address {Net.Other} is not in addressMap");
        yield return Case("site http port out of range", s => s.Site("ok.example.org", httpPort: 70000), ObjectKind.Site, "ok.example.org", "http_port 70000 is out of range");
        yield return Case("site https port zero", s => s.Site("ok.example.org", httpsPort: 0), ObjectKind.Site, "ok.example.org", "https_port 0 is out of range");
        yield return Case("site document root with newline", s => s.Site("ok.example.org", docRoot: "/var/www/x\n</VirtualHost>"), ObjectKind.Site, "ok.example.org", "document_root contains a line break");
        yield return Case("site document root with quote", s => s.Site("ok.example.org", docRoot: "/var/www/\"x"), ObjectKind.Site, "ok.example.org", "double quote");
        yield return Case("A record 999.1.1.1", s => s.Record("example.com.", "bad", "A", "999.1.1.1"), ObjectKind.Record, "example.com. bad.example.com. A 999.1.1.1", "A data '999.1.1.1' is not an IPv4 address");
        yield return Case("AAAA with port", s => s.Record("example.com.", "v6", "AAAA", "[2001:db8::1]:53"), ObjectKind.Record, "example.com. v6.example.com. AAAA [2001:db8::1]:53", "not an IPv6 address");
        yield return Case("CNAME at apex", s => s.Record("example.com.", "@", "CNAME", "elsewhere.example.net."), ObjectKind.Record, "example.com. example.com. CNAME elsewhere.example.net.", "CNAME at the zone apex");
        yield return Case("CNAME beside other data", s => s.Record("example.com.", "WWW", "A", "192.0.2.1"), ObjectKind.Record, "example.com. www.example.com. CNAME example.com.", "CNAME beside other data at www.example.com.");
        yield return Case("MX without priority", s => s.Record("example.com.", "@", "MX", "mx2"), ObjectKind.Record, "example.com. example.com. MX mx2.example.com.", "MX has no priority");
        yield return Case("MX priority out of range", s => s.Record("example.com.", "@", "MX", "mx2", priority: 70000), ObjectKind.Record, "example.com. example.com. MX mx2.example.com.", "MX priority 70000 is out of range");
        yield return Case("SRV port out of range", s => s.Record("example.com.", "_sip._tcp", "SRV", "5 70000 sip", priority: 10), ObjectKind.Record, "example.com. _sip._tcp.example.com. SRV 5 70000 sip", "SRV port '70000' is out of range");
        yield return Case("record name with newline", s => s.Record("example.com.", "www2\n", "A", "192.0.2.1"), ObjectKind.Record, "example.com. www2.example.com. A 192.0.2.1", "name 'www2\\n': host name contains a newline");
        yield return Case("record name with leading space", s => s.Record("example.com.", " www2", "A", "192.0.2.1"), ObjectKind.Record, "example.com. www2.example.com. A 192.0.2.1", "host name contains a space");
        yield return Case("record name outside zone", s => s.Record("example.com.", "host.example.net.", "A", "192.0.2.1"), ObjectKind.Record, "example.com. host.example.net. A 192.0.2.1", "outside the zone example.com.");
        yield return Case("record negative ttl", s => s.Record("example.com.", "t", "A", "192.0.2.1", ttl: -1), ObjectKind.Record, "example.com. t.example.com. A 192.0.2.1", "ttl -1 is negative");
        yield return Case("record TXT with newline", s => s.Record("example.com.", "@", "TXT", "v=spf1\n-all"), ObjectKind.Record, "example.com. example.com. TXT v=spf1\n-all", "line break");
        yield return Case("zone serial out of range", s => s.Zone("example.org.", serial: 5_000_000_000), ObjectKind.Zone, "example.org.", "serial 5000000000 is out of range");
        yield return Case("zone origin with space", s => s.Zone("exa mple.org."), ObjectKind.Zone, "exa mple.org.", "origin 'exa mple.org.': host name contains a space");
        yield return Case("zone hostmaster with slash", s => s.Zone("example.org.", hostmaster: "host/master.example.org."), ObjectKind.Zone, "example.org.", "hostmaster");
        yield return Case("mail domain with space", s => s.MailDomain("bad domain.org"), ObjectKind.MailDomain, "bad domain.org", "domain 'bad domain.org': host name contains a space");
        yield return Case("mailbox local part with space", s => s.Mailbox("example.com", "in fo"), ObjectKind.Mailbox, "in fo@example.com", "local part 'in fo' contains white space");
        yield return Case("mailbox local part with colon", s => s.Mailbox("example.com", "a:b"), ObjectKind.Mailbox, "a:b@example.com", "contains one of @ : /");
        yield return Case("mailbox hash with colon", s => s.Mailbox("example.com", "sales", hash: "$6$x$y:z"), ObjectKind.Mailbox, "sales@example.com", "password hash contains a character");
        yield return Case("mailbox negative quota", s => s.Mailbox("example.com", "sales", quota: -5), ObjectKind.Mailbox, "sales@example.com", "quota_mb -5 is negative");
        yield return Case("mailbox bad forward", s => s.Mailbox("example.com", "sales", forwardTo: "a@example.net, nobody"), ObjectKind.Mailbox, "sales@example.com", "forward_to address 'nobody' is not an email address");
        yield return Case("alias empty destination", s => s.Alias("example.com", "abuse", " , "), ObjectKind.Alias, "abuse@example.com", "destination is empty");
        yield return Case("alias bad destination", s => s.Alias("example.com", "abuse", "info@example.com,x y@z"), ObjectKind.Alias, "abuse@example.com", "destination address 'x y@z'");
        yield return Case("client login with newline", s => s.Client("bob\n"), ObjectKind.Client, "bob", "login 'bob\\n' contains white space or a control character");
    }

    [TestCaseSource(nameof(BadRows))]
    public void BadPeerRowIsSkippedAloneWithItsReason(Action<Snap> addBad, ObjectKind kind, string key, string reason)
    {
        var snap = Snap.Sample();
        addBad(snap);

        var peer = snap.Peer();

        Assert.That(peer.Skipped, Has.Count.EqualTo(1), () => string.Join("; ", peer.Skipped));
        var skipped = peer.Skipped[0];
        Assert.That(skipped.Kind, Is.EqualTo(kind));
        Assert.That(skipped.Key, Is.EqualTo(key));
        Assert.That(skipped.Reason, Does.Contain(reason));
        var survivors = AllKeys(peer).ToHashSet();
        Assert.That(SampleKeys.Where(k => k != (kind, key)), Is.SubsetOf(survivors), "good rows beside it survive");
        Assert.That(peer[kind].ContainsKey(key), Is.False, "nothing of the bad row reaches the standby");
    }

    [Test]
    public void SampleHasNoBadRows()
    {
        var peer = Snap.Sample().Peer();

        Assert.That(peer.Skipped, Is.Empty);
        Assert.That(ObjectKinds.All.Select(peer.Count), Is.EqualTo(new[] { 1, 1, 1, 3, 1, 1, 1 }));
    }

    [Test]
    public void PeerDuplicateKeepsTheFirstRowAndReportsTheSecond()
    {
        var snap = Snap.Sample();
        snap.Record("example.com.", "example.com.", "a", Net.V);

        var peer = snap.Peer();

        var skipped = peer.Skipped.Single();
        Assert.That(skipped, Is.EqualTo(new SkippedObject(ObjectKind.Record, $"example.com. example.com. A {Net.V}", "another record row has the same key")));
        Assert.That(peer[ObjectKind.Record][skipped.Key].Id, Is.EqualTo(1));
        Assert.That(peer.Duplicates, Is.Empty, "the peer reports duplicates, it does not plan them");
    }

    [Test]
    public void ManyRecordsAreNormalizedInTheirOrderAcrossTheThreadsThatShareThem()
    {
        // More records than are normalized on one thread: the rows that depend on order (the first of two equal rows is kept,
        // the later one reported) and on other rows (a CNAME beside other data) sit in different parts of the work.
        var snap = Snap.Sample();
        for (var i = 0; i < 20_000; i++)
        {
            snap.Record("example.com.", $"h{i}", "A", $"192.0.2.{i % 250}");
        }

        snap.Record("example.com.", "h7", "A", "192.0.2.7");
        snap.Record("example.com.", "h19990", "CNAME", "h1");
        snap.Record("example.com.", "h5", "A", "999.1.1.1");

        var peer = snap.Peer();
        var local = snap.Local();

        Assert.That(peer.Skipped.Select(s => (s.Key, s.Reason)), Is.EquivalentTo(new[]
        {
            ("example.com. h7.example.com. A 192.0.2.7", "another record row has the same key"),
            ("example.com. h19990.example.com. CNAME h1.example.com.", "CNAME beside other data at h19990.example.com."),
            ("example.com. h5.example.com. A 999.1.1.1", "A data '999.1.1.1' is not an IPv4 address"),
        }));
        Assert.That(peer[ObjectKind.Record]["example.com. h7.example.com. A 192.0.2.7"].Id, Is.EqualTo(3 + 7 + 1), "the first of the two equal rows is kept");
        Assert.That(peer.Count(ObjectKind.Record), Is.EqualTo(3 + 20_000));
        Assert.That(local.Duplicates.Select(d => d.Id), Is.EqualTo(new[] { 3 + 20_000 + 1 }), "the standby keeps the first row and plans the later one's delete");
        Assert.That(local.Count(ObjectKind.Record), Is.EqualTo(3 + 20_000 + 2));
    }

    [Test]
    public void AFailureInOneOfManyRecordsSurfacesAsItselfNotWrappedByTheThreads()
    {
        var snap = Snap.Sample();
        for (var i = 0; i < 20_000; i++)
        {
            snap.Record("example.com.", $"h{i}", "A", "192.0.2.1");
        }

        // A name no reader gives (the column is NOT NULL): the normalizer fails on it, and says so as the one thread would.
        snap.Records[12_345] = snap.Records[12_345] with { Name = null! };

        Assert.That(() => snap.Peer(), Throws.TypeOf<NullReferenceException>());
    }

    [Test]
    public void SkippedClientTakesItsSitesZonesRecordsAndMailWithIt()
    {
        var snap = Snap.Sample();
        snap.Client("bad login").Site("bad.example.org", client: "bad login").Zone("bad.example.org.", client: "bad login")
            .Record("bad.example.org.", "@", "A", Net.V).Record("bad.example.org.", "www", "A", Net.V)
            .MailDomain("bad.example.org", client: "bad login").Mailbox("bad.example.org", "info").Alias("bad.example.org", "*", "info@bad.example.org");

        var peer = snap.Peer();

        Assert.That(peer.Skipped.Select(s => (s.Kind, s.Key)), Is.EquivalentTo(new[]
        {
            (ObjectKind.Client, "bad login"),
            (ObjectKind.Site, "bad.example.org"),
            (ObjectKind.Zone, "bad.example.org."),
            (ObjectKind.Record, $"bad.example.org. bad.example.org. A {Net.V}"),
            (ObjectKind.Record, $"bad.example.org. www.bad.example.org. A {Net.V}"),
            (ObjectKind.MailDomain, "bad.example.org"),
            (ObjectKind.Mailbox, "info@bad.example.org"),
            (ObjectKind.Alias, "*@bad.example.org"),
        }));
        Assert.That(peer.Skipped.Single(s => s.Kind == ObjectKind.Site).Reason, Is.EqualTo("its client 'bad login' is skipped"));
        Assert.That(peer.Skipped.First(s => s.Kind == ObjectKind.Record).Reason, Is.EqualTo("its zone 'bad.example.org.' is skipped"));
        Assert.That(peer.Skipped.Single(s => s.Kind == ObjectKind.Alias).Reason, Is.EqualTo("its mail domain 'bad.example.org' is skipped"));
        Assert.That(AllKeys(peer), Is.EquivalentTo(SampleKeys), "alice's objects all survive");
    }

    [Test]
    public void SkippedZoneTakesItsRecords()
    {
        var snap = Snap.Sample();
        snap.Zone("example.org.", primaryNs: "ns1 .example.net.").Record("example.org.", "@", "A", Net.V).Record("example.org.", "@", "TXT", "hello");

        var peer = snap.Peer();

        Assert.That(peer.Skipped.Select(s => s.Kind), Is.EqualTo(new[] { ObjectKind.Zone, ObjectKind.Record, ObjectKind.Record }));
        Assert.That(peer.Skipped[0].Reason, Does.Contain("primary_ns"));
        Assert.That(peer[ObjectKind.Record].Keys.Where(k => k.StartsWith("example.org.", StringComparison.Ordinal)), Is.Empty);
        Assert.That(peer.Count(ObjectKind.Record), Is.EqualTo(3));
    }

    [Test]
    public void SkippedMailDomainTakesItsMailboxesAndAliases()
    {
        var snap = Snap.Sample();
        snap.MailDomain("bad/domain.org").Mailbox("bad/domain.org", "a").Mailbox("bad/domain.org", "b").Alias("bad/domain.org", "c", "a@bad.org");

        var peer = snap.Peer();

        Assert.That(peer.Skipped.Select(s => s.Kind), Is.EqualTo(new[] { ObjectKind.MailDomain, ObjectKind.Mailbox, ObjectKind.Mailbox, ObjectKind.Alias }));
        Assert.That(peer.Skipped.Skip(1).Select(s => s.Reason), Has.All.EqualTo("its mail domain 'bad/domain.org' is skipped"));
        Assert.That(peer.Count(ObjectKind.Mailbox), Is.EqualTo(1));
        Assert.That(peer.Count(ObjectKind.Alias), Is.EqualTo(1));
    }

    [TestCase(Net.V, Net.V)]
    [TestCase(Net.C, Net.V)]
    [TestCase(Net.D, Net.V)]
    [TestCase(" 192.0.2.3 ", Net.V)]
    [TestCase("198.51.100.7", null)]
    public void PeerSiteAddressIsMappedToTheStandbys(string peerAddress, string? expected)
    {
        var snap = new Snap().Client("alice").Site("example.com", ip: peerAddress);

        var peer = snap.Peer();

        if (expected is null)
        {
            Assert.That(peer[ObjectKind.Site], Is.Empty);
            Assert.That(peer.Skipped.Single().Reason, Does.Contain("is not in addressMap"));
            return;
        }

        var site = peer[ObjectKind.Site]["example.com"];
        Assert.That(((SiteRow)site.Row).IpAddress, Is.EqualTo(expected), "the row to write carries the standby's address");
        Assert.That(site.Fields.Single(f => f.Name == "ip_address").Value, Is.EqualTo(expected));
        Assert.That(site.Row, Is.EqualTo(snap.Sites[0] with { IpAddress = expected }), "nothing else of the row changes");
    }

    [Test]
    public void ConfiguredEntryMapsAnOtherwiseUnknownAddress()
    {
        var policy = new AddressPolicy(System.Net.IPAddress.Parse(Net.V), [new(System.Net.IPAddress.Parse(Net.Other), System.Net.IPAddress.Parse("203.0.113.5"))]);
        var snap = new Snap().Client("alice").Site("example.com", ip: Net.Other);

        var peer = Normalizer.Peer(snap.Build(), policy.Build(Net.V, Net.D));

        Assert.That(peer.Skipped, Is.Empty);
        Assert.That(((SiteRow)peer[ObjectKind.Site]["example.com"].Row).IpAddress, Is.EqualTo("203.0.113.5"));
    }

    [Test]
    public void KeysAreNaturalAndSpellingInsensitive()
    {
        var snap = new Snap().Client("Alice").Site("WWW.Example.COM.", client: "Alice").Zone("Example.COM", client: "ALICE")
            .Record("Example.COM", "WWW", "aaaa", "2001:DB8:0:0::1").MailDomain("Example.COM.", client: "alice").Mailbox("EXAMPLE.com", "Info");

        var peer = snap.Peer();

        Assert.That(peer.Skipped, Is.Empty, () => string.Join("; ", peer.Skipped));
        Assert.That(peer[ObjectKind.Client].Keys, Is.EqualTo(new[] { "alice" }));
        Assert.That(peer[ObjectKind.Site].Keys, Is.EqualTo(new[] { "www.example.com" }));
        Assert.That(peer[ObjectKind.Zone].Keys, Is.EqualTo(new[] { "example.com." }));
        Assert.That(peer[ObjectKind.Record].Keys, Is.EqualTo(new[] { "example.com. www.example.com. AAAA 2001:db8::1" }));
        Assert.That(peer[ObjectKind.Record].Values.Single().ParentKey, Is.EqualTo("example.com."));
        Assert.That(peer[ObjectKind.MailDomain].Keys, Is.EqualTo(new[] { "example.com" }));
        Assert.That(peer[ObjectKind.Mailbox].Keys, Is.EqualTo(new[] { "info@example.com" }));
        Assert.That(peer[ObjectKind.Site].Values.Single().ParentKey, Is.EqualTo("alice"));
    }

    [Test]
    public void LocalTakesBadRowsAsTheyAreAndSkipsNothing()
    {
        var snap = Snap.Sample(siteIp: Net.D);
        snap.Site("bad site.example.org", ip: "999.1.1.1").Record("example.com.", "bad", "A", "999.1.1.1").Record("example.com.", "@", "CNAME", "x");

        var local = snap.Local();

        Assert.That(local.Skipped, Is.Empty);
        Assert.That(local.Count(ObjectKind.Site), Is.EqualTo(2));
        Assert.That(local.Count(ObjectKind.Record), Is.EqualTo(5));
        Assert.That(local[ObjectKind.Site]["example.com"].Fields.Single(f => f.Name == "ip_address").Value, Is.EqualTo(Net.D), "the standby's address is not mapped");
        Assert.That(local[ObjectKind.Record].ContainsKey("example.com. bad.example.com. A 999.1.1.1"), Is.True);
    }

    [Test]
    public void LocalDuplicatesAreCollected()
    {
        var snap = Snap.Sample();
        snap.Record("example.com.", "example.com.", "A", Net.V).Mailbox("example.com", "INFO").Record("example.com.", "@", "a", Net.V);

        var local = snap.Local();

        Assert.That(local.Duplicates.Select(d => (d.Kind, d.Key, d.Id)), Is.EqualTo(new[]
        {
            (ObjectKind.Record, $"example.com. example.com. A {Net.V}", 4),
            (ObjectKind.Record, $"example.com. example.com. A {Net.V}", 5),
            (ObjectKind.Mailbox, "info@example.com", 2),
        }));
        Assert.That(local[ObjectKind.Record][$"example.com. example.com. A {Net.V}"].Id, Is.EqualTo(1), "the first row is kept");
        Assert.That(local.Count(ObjectKind.Record), Is.EqualTo(3));
    }

    [Test]
    public void SiteAliasesCompareAsASet()
    {
        Assert.That(Normalizer.NormalizeAliases(" B.example.com  a.example.com. b.example.com\ta.example.com"), Is.EqualTo("a.example.com b.example.com"));
        Assert.That(Normalizer.NormalizeAliases(""), Is.Empty);
    }

    [TestCase(null, null)]
    [TestCase("", null)]
    [TestCase(" , ", null)]
    [TestCase("b@x.org, a@x.org", "b@x.org,a@x.org")]
    [TestCase("a@x.org,,b@x.org,", "a@x.org,b@x.org")]
    public void AddressListsAreTrimmedAndKeepTheirOrder(string? list, string? expected) =>
        Assert.That(Normalizer.NormalizeAddressList(list), Is.EqualTo(expected));

    [Test]
    public void SecretFieldsAreMarkedSecret()
    {
        var peer = Snap.Sample().Peer();

        Assert.That(peer[ObjectKind.Client]["alice"].Fields.Single(f => f.Name == "password_hash").Secret, Is.True);
        Assert.That(peer[ObjectKind.Mailbox]["info@example.com"].Fields.Single(f => f.Name == "password_hash").Secret, Is.True);
        Assert.That(peer[ObjectKind.Client]["alice"].Fields.Where(f => f.Name != "password_hash").Select(f => f.Secret), Has.All.False);
    }

    // A snapshot with something skipped, warned of or repeated in every kind, so that the order of those lists shows.
    private static Snap Troubled()
    {
        var s = Snap.Sample();
        s.Client("bad login");
        s.Site("orphan.example", client: "bad login");
        s.Site("Example.com");
        s.Site("wild.example", aliases: "../x");
        s.Zone("orphan.example.", client: "bad login");
        s.Zone("example.com.");
        s.Zone("other.example.", serial: 5_000_000_000);
        s.Record("other.example.", "@", "A", Net.V);
        s.Record("example.com.", "bad", "A", "999.1.1.1");
        s.Record("example.com.", "@", "A", Net.V);
        s.MailDomain("orphan.example", client: "bad login");
        s.MailDomain("bad domain.org");
        s.MailDomain("Example.com");
        s.Mailbox("bad domain.org", "info");
        s.Mailbox("example.com", "bad local");
        s.Alias("example.com", "postmaster", "");
        return s;
    }

    [Test]
    public void NormalizingInTwoStagesMakesTheSameSetAsInOne()
    {
        foreach (var (name, whole, staged) in new[]
        {
            ("peer", Troubled().Peer(), Staged(Troubled().Build(), early => Normalizer.PeerInStages(early, Net.Map))),
            ("local", Troubled().Local(), Staged(Troubled().Build(), Normalizer.LocalInStages)),
        })
        {
            foreach (var kind in ObjectKinds.All)
            {
                Assert.That(staged[kind].Keys, Is.EqualTo(whole[kind].Keys), $"{name} {kind}: the same keys in the same order");
                Assert.That(staged[kind].Values.Select(i => (i.ParentKey, string.Join("|", i.Fields))), Is.EqualTo(whole[kind].Values.Select(i => (i.ParentKey, string.Join("|", i.Fields)))), $"{name} {kind}");
            }

            Assert.That(staged.Skipped, Is.EqualTo(whole.Skipped), $"{name}: what is skipped, in the same order");
            Assert.That(staged.Warnings, Is.EqualTo(whole.Warnings), name);
            Assert.That(staged.Duplicates.Select(d => (d.Kind, d.Key, d.Id)), Is.EqualTo(whole.Duplicates.Select(d => (d.Kind, d.Key, d.Id))), name);
        }

        var peer = Troubled().Peer();
        Assert.That(peer.Skipped.Select(s => s.Kind).Distinct(), Is.EqualTo(ObjectKinds.All), "every kind has something skipped, in kind order");
        Assert.That(Troubled().Local().Duplicates.Select(d => d.Kind), Is.EqualTo(new[] { ObjectKind.Site, ObjectKind.Zone, ObjectKind.Record, ObjectKind.MailDomain, ObjectKind.Alias }), "in kind order");
    }

    [Test]
    public void TheFirstStageHoldsTheEarlyKindsWholeAndNothingElse()
    {
        var snapshot = Troubled().Build();
        var (early, finish) = Normalizer.PeerInStages(snapshot, Net.Map);
        var whole = Troubled().Peer();

        foreach (var kind in Normalizer.EarlyKinds)
        {
            Assert.That(early[kind].Keys, Is.EqualTo(whole[kind].Keys), kind.ToString());
        }

        Assert.That(early[ObjectKind.Zone], Is.Empty);
        Assert.That(early[ObjectKind.Record], Is.Empty);
        Assert.That(early.Skipped, Is.Empty, "the lists are filled when the set is whole");
        Assert.That(finish(snapshot), Is.SameAs(early));
        Assert.That(early[ObjectKind.Record], Is.Not.Empty);
    }

    [Test]
    public void TheSecondStageTakesOnlyTheWholeSnapshotOfTheFirstStagesRows()
    {
        var snapshot = Troubled().Build();
        var (_, finish) = Normalizer.PeerInStages(snapshot with { Zones = [], Records = [] }, Net.Map);

        Assert.Throws<ArgumentException>(() => finish(Troubled().Build()), "another read's rows");
        Assert.Throws<ArgumentException>(() => finish(snapshot with { MainIp = "192.0.2.99" }), "another main_ip");
    }

    // As a read in stages gives the rows: the early kinds first, with no zones or records yet, then the whole snapshot, which
    // holds the very lists of the early kinds.
    private static SyncSet Staged(BlechSnapshot whole, Func<BlechSnapshot, (SyncSet Early, Func<BlechSnapshot, SyncSet> Finish)> stages) =>
        stages(whole with { Zones = [], Records = [] }).Finish(whole);

    [TestCase(-5)]
    [TestCase(0)]
    [TestCase(3600)]
    [TestCase(131071)]
    [TestCase(131072)]
    [TestCase(86400 * 7)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void NumbersAreTheirInvariantTextWhateverTheirSize(int ttl)
    {
        var snap = Snap.Sample();
        snap.Record("example.com.", "t", "A", Net.V, ttl: ttl);

        var item = snap.Local()[ObjectKind.Record]["example.com. t.example.com. A " + Net.V];

        Assert.That(item.Fields.Single(f => f.Name == "ttl").Value, Is.EqualTo(ttl.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(snap.Local()[ObjectKind.Record]["example.com. t.example.com. A " + Net.V].Fields.Single(f => f.Name == "ttl").Value, Is.EqualTo(item.Fields.Single(f => f.Name == "ttl").Value),
            "the second time too");
    }


    internal static IEnumerable<(ObjectKind Kind, string Key)> AllKeys(SyncSet set) =>
        ObjectKinds.All.SelectMany(k => set[k].Keys.Select(key => (k, key)));
}
