using System.Net;
using Bridge.Core.Normalize;
using Bridge.Core.Plan;

namespace Bridge.Core.Tests;

public sealed class PlannerTests
{
    private static SyncPlan Plan(Snap peer, Snap local, PlanContext? context = null) =>
        Planner.Plan(peer.Peer(), local.Local(), context ?? Net.Context());

    private static string[] Lines(SyncPlan plan) =>
        plan.Steps.Select(s => $"{ActionWord(s.Action)} {s.Kind.Name()} {s.Key}").ToArray();

    private static string ActionWord(PlanAction a) => a.ToString().ToLowerInvariant();

    [Test]
    public void TheWritesOfSomeKindsAreThePlansInsertsAndUpdatesOfThoseKinds()
    {
        var peer = Snap.Sample();
        peer.Client("bob").Site("bob.example", client: "bob").Zone("bob.example.", client: "bob").Record("bob.example.", "@", "A", Net.V)
            .MailDomain("bob.example", client: "bob").Mailbox("bob.example", "info").Alias("bob.example", "abuse", "info@bob.example");
        peer.Sites[0] = peer.Sites[0] with { DocumentRoot = "/srv/elsewhere" };
        peer.Zones[0] = peer.Zones[0] with { Serial = 2025010102 };
        peer.Mailboxes[0] = peer.Mailboxes[0] with { QuotaMb = 2048 };
        var local = Snap.Sample();
        local.Client("gone").Site("gone.example", client: "gone");
        local.Sites[0] = local.Sites[0] with { UpdatedAt = DateTime.UtcNow };
        var context = Net.Context() with { LastSync = DateTime.UtcNow.AddDays(-1) };
        var plan = Planner.Plan(peer.Peer(), local.Local(), context);

        var written = Planner.Writes(peer.Peer(), local.Local(), context, Normalizer.EarlyKinds);

        static string Line(PlanStep s) => $"{s.Action} {s.Kind.Name()} {s.Key} {string.Join(",", s.Changes.Select(c => c.ToString()))} {s.Conflict} {s.Revert}";
        static bool Early(PlanStep s) => s.Action is PlanAction.Insert or PlanAction.Update && Normalizer.EarlyKinds.Contains(s.Kind);
        var expected = plan.Steps.Where(Early).Select(Line).ToList();
        Assert.That(written.Inserts.Concat(written.Updates).Select(Line), Is.EqualTo(expected));
        Assert.That(written.Count, Is.EqualTo(expected.Count));

        // Planned with them, the plan is the same, step for step, and holds the very steps written.
        var withWritten = Planner.Plan(peer.Peer(), local.Local(), context, written);
        Assert.That(withWritten.Steps.Select(Line), Is.EqualTo(plan.Steps.Select(Line)));
        Assert.That(withWritten.Steps.Where(Early), Is.EquivalentTo(written.Inserts.Concat(written.Updates)).Using((IEqualityComparer<object>)ReferenceEqualityComparer.Instance));
        Assert.That(expected, Has.Some.StartsWith("Insert mailbox"));
        Assert.That(expected, Has.Some.StartsWith("Update site").And.Some.EndsWith("True False"), "the site edited on the standby since the last sync is a conflict");
        Assert.That(expected, Has.None.Contains("zone").And.None.Contains("record").And.None.StartsWith("Delete"));
        Assert.That(Planner.Writes(peer.Peer(), local.Local(), context, [ObjectKind.Zone, ObjectKind.Record]).Updates.Select(Line),
            Is.EqualTo(plan.Steps.Where(s => s.Action == PlanAction.Update && s.Kind is ObjectKind.Zone or ObjectKind.Record).Select(Line)));
    }

    [Test]
    public void IdenticalSidesPlanNothing()
    {
        var plan = Plan(Snap.Sample(), Snap.Sample());

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.AddressesToRegister, Is.Empty);
        Assert.That(plan.HasChanges, Is.False);
        Assert.That(plan.SiteAddresses, Is.EqualTo(new Dictionary<string, string> { ["example.com"] = Net.V }));
    }

    public static IEnumerable<TestCaseData> SpellingOnly()
    {
        static TestCaseData Case(string name, Action<Snap> peer, Action<Snap> local) =>
            new TestCaseData(peer, local).SetName($"{{m}}({name})");

        static void None(Snap s)
        {
        }

        yield return Case("site domain case and trailing dot", None, s => s.Sites[0] = s.Sites[0] with { Domain = "EXAMPLE.com." });
        yield return Case("site alias order and case", s => s.Sites[0] = s.Sites[0] with { Aliases = "www.example.com shop.example.com" }, s => s.Sites[0] = s.Sites[0] with { Aliases = "Shop.Example.com  www.example.com." });
        yield return Case("zone origin without trailing dot", None, s =>
        {
            s.Zones[0] = s.Zones[0] with { Origin = "Example.com" };
            for (var i = 0; i < s.Records.Count; i++)
            {
                s.Records[i] = s.Records[i] with { ZoneOrigin = "example.COM" };
            }
        });
        yield return Case("zone primary ns relative vs absolute", s => s.Zones[0] = s.Zones[0] with { PrimaryNs = "ns1" }, s => s.Zones[0] = s.Zones[0] with { PrimaryNs = "NS1.example.com." });
        yield return Case("record @ vs absolute name", None, s => s.Records[0] = s.Records[0] with { Name = "example.com." });
        yield return Case("record name case", None, s => s.Records[1] = s.Records[1] with { Name = "WWW" });
        yield return Case("CNAME target @ vs absolute", None, s => s.Records[1] = s.Records[1] with { Data = "Example.Com." });
        yield return Case("MX target relative vs absolute", None, s => s.Records[2] = s.Records[2] with { Data = "mail.example.com." });
        yield return Case("record type case", None, s => s.Records[2] = s.Records[2] with { Type = "mx" });
        yield return Case("AAAA textual form", s => s.Record("example.com.", "v6", "AAAA", "2001:DB8:0:0::1"), s => s.Record("example.com.", "v6", "AAAA", "2001:db8::1"));
        yield return Case("client login case", None, s =>
        {
            s.Clients[0] = s.Clients[0] with { Login = "Alice" };
            s.Sites[0] = s.Sites[0] with { ClientLogin = "ALICE" };
        });
        yield return Case("email blanks", None, s => s.Clients[0] = s.Clients[0] with { Email = " alice@example.net " });
        yield return Case("mailbox local part and domain case", None, s => s.Mailboxes[0] = s.Mailboxes[0] with { LocalPart = "Info", Domain = "Example.com." });
        yield return Case("forward list blanks", s => s.Mailboxes[0] = s.Mailboxes[0] with { ForwardTo = "a@x.org,b@x.org" }, s => s.Mailboxes[0] = s.Mailboxes[0] with { ForwardTo = " a@x.org , b@x.org," });
        yield return Case("site address written as the standby's main ip is mapped", s => s.Sites[0] = s.Sites[0] with { IpAddress = Net.C }, None);
    }

    [TestCaseSource(nameof(SpellingOnly))]
    public void DifferentSpellingsOfTheSameValueAreNoChange(Action<Snap> alterPeer, Action<Snap> alterLocal)
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        alterPeer(peer);
        alterLocal(local);

        var plan = Plan(peer, local);

        Assert.That(Lines(plan), Is.Empty);
    }

    // Failback: what the peer's own last sync from here skipped is no deletion here; its children go with it.
    [Test]
    public void ObjectsThePeerNeverReceivedAreKeptWithTheirChildrenAndNotDeleted()
    {
        var local = Snap.Sample();
        local.Zone("kept.org.").Record("kept.org.", "@", "A", Net.V).Site("gone.org");
        var context = Net.Context() with { NeverCopied = [new SkippedObject(ObjectKind.Zone, "kept.org.", "A data '999.1.1.1' is not an IPv4 address")], PeerName = "dale" };

        var plan = Plan(Snap.Sample(), local, context);

        Assert.That(Lines(plan), Is.EqualTo(new[] { "delete site gone.org" }));
        Assert.That(plan.Kept.Select(k => $"{k.Kind.Name()} {k.Key}: {k.Reason}"), Is.EqualTo(new[]
        {
            "zone kept.org.: never copied to dale, reason: A data '999.1.1.1' is not an IPv4 address",
            "record kept.org. kept.org. A 192.0.2.10: never copied to dale, reason: its zone kept.org. was never copied",
        }));
    }

    [Test]
    public void TxtThatDiffersOnlyByAQuoteIsAChange()
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        peer.Record("example.com.", "@", "TXT", "\"v=spf1 mx -all\"");
        local.Record("example.com.", "@", "TXT", "v=spf1 mx -all");

        var plan = Plan(peer, local);

        Assert.That(Lines(plan), Is.EqualTo(new[]
        {
            "insert record example.com. example.com. TXT \"v=spf1 mx -all\"",
            "delete record example.com. example.com. TXT v=spf1 mx -all",
        }));
    }

    [Test]
    public void NewObjectsAreInsertedParentsFirst()
    {
        var peer = Snap.Sample();
        // Listed children first on purpose: the plan must not follow the input's order.
        peer.Alias("bob.org", "*", "bob@bob.org").Mailbox("bob.org", "bob").Record("bob.org.", "@", "A", Net.V)
            .MailDomain("bob.org", client: "bob").Zone("bob.org.", client: "bob").Site("bob.org", client: "bob").Client("bob");

        var plan = Plan(peer, Snap.Sample());

        Assert.That(plan.Skipped, Is.Empty);
        Assert.That(Lines(plan), Is.EqualTo(new[]
        {
            "insert client bob",
            "insert site bob.org",
            "insert zone bob.org.",
            $"insert record bob.org. bob.org. A {Net.V}",
            "insert mail_domain bob.org",
            "insert mailbox bob@bob.org",
            "insert alias *@bob.org",
        }));
        Assert.That(plan.Steps.Select(s => s.Source), Has.None.Null);
        Assert.That(plan.Steps.Select(s => s.Target), Has.All.Null);
        Assert.That(((SiteRow)plan.Steps[1].Source!.Row).IpAddress, Is.EqualTo(Net.V));
    }

    [Test]
    public void GoneObjectsAreDeletedChildrenFirst()
    {
        var local = Snap.Sample();
        local.Client("bob").Site("bob.org", client: "bob").Zone("bob.org.", client: "bob").Record("bob.org.", "@", "A", Net.V)
            .MailDomain("bob.org", client: "bob").Mailbox("bob.org", "bob").Alias("bob.org", "*", "bob@bob.org");

        var plan = Plan(Snap.Sample(), local);

        Assert.That(Lines(plan), Is.EqualTo(new[]
        {
            "delete alias *@bob.org",
            "delete mailbox bob@bob.org",
            "delete mail_domain bob.org",
            $"delete record bob.org. bob.org. A {Net.V}",
            "delete zone bob.org.",
            "delete site bob.org",
            "delete client bob",
        }));
        Assert.That(plan.Steps.Select(s => s.Target!.Id), Is.EqualTo(new[] { 2, 2, 2, 4, 2, 2, 2 }), "deletes carry the standby's ids");
    }

    [Test]
    public void UpdatesListTheChangedFields()
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        peer.Sites[0] = peer.Sites[0] with { HttpPort = 8080, DocumentRoot = "/srv/example" };
        peer.Clients[0] = peer.Clients[0] with { PasswordHash = "$6$new$NEWSECRET" };
        peer.Records[2] = peer.Records[2] with { Priority = 20, Ttl = 300 };
        peer.Zones[0] = peer.Zones[0] with { Serial = 2025010102 };
        peer.Mailboxes[0] = peer.Mailboxes[0] with { Active = false };

        var plan = Plan(peer, local);

        Assert.That(plan.Steps.Select(s => s.Action), Has.All.EqualTo(PlanAction.Update));
        var changes = plan.Steps.ToDictionary(s => s.Kind, s => s.Changes.Select(c => c.ToString()).ToArray());
        Assert.That(changes[ObjectKind.Site], Is.EqualTo(new[] { "http_port: '80' -> '8080'", "document_root: '/var/www/example.com' -> '/srv/example'" }));
        Assert.That(changes[ObjectKind.Client], Is.EqualTo(new[] { "password_hash changed" }));
        Assert.That(changes[ObjectKind.Record], Is.EqualTo(new[] { "ttl: NULL -> '300'", "priority: '10' -> '20'" }));
        Assert.That(changes[ObjectKind.Zone], Is.EqualTo(new[] { "serial: '2025010101' -> '2025010102'" }));
        Assert.That(changes[ObjectKind.Mailbox], Is.EqualTo(new[] { "active: 'true' -> 'false'" }));
        Assert.That(plan.Steps.Select(s => s.Kind), Is.Ordered, "updates in kind order");
        Assert.That(plan.Steps.Select(s => s.Revert), Has.All.False);
        var site = plan.Steps.Single(s => s.Kind == ObjectKind.Site);
        Assert.That((site.Source!.Id, site.Target!.Id), Is.EqualTo((1, 1)));
    }

    [Test]
    public void StepsAreInsertsThenUpdatesThenDeletes()
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        peer.Client("bob").Site("bob.org", client: "bob");
        peer.Sites[0] = peer.Sites[0] with { PhpVersion = "8.3" };
        local.Zone("old.org.").Record("old.org.", "@", "A", Net.V);

        var plan = Plan(peer, local);

        Assert.That(Lines(plan), Is.EqualTo(new[]
        {
            "insert client bob",
            "insert site bob.org",
            "update site example.com",
            $"delete record old.org. old.org. A {Net.V}",
            "delete zone old.org.",
        }));
    }

    [Test]
    public void ARenameIsADeleteAndAnInsert()
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        peer.Sites[0] = peer.Sites[0] with { Domain = "example.net" };
        peer.Mailboxes[0] = peer.Mailboxes[0] with { LocalPart = "hello" };

        var plan = Plan(peer, local);

        Assert.That(Lines(plan), Is.EqualTo(new[]
        {
            "insert site example.net",
            "insert mailbox hello@example.com",
            "delete mailbox info@example.com",
            "delete site example.com",
        }));
    }

    [Test]
    public void StandbyCopyOfASkippedObjectIsProtected()
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        peer.Sites[0] = peer.Sites[0] with { IpAddress = Net.Other };
        peer.Mailboxes[0] = peer.Mailboxes[0] with { QuotaMb = -1 };

        var plan = Plan(peer, local);

        Assert.That(plan.Skipped.Select(s => (s.Kind, s.Key)), Is.EquivalentTo(new[] { (ObjectKind.Site, "example.com"), (ObjectKind.Mailbox, "info@example.com") }));
        Assert.That(plan.Steps, Is.Empty, "no delete and no update of the standby's copies");
    }

    [Test]
    public void StandbyChildrenOfASkippedZoneAreProtected()
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        peer.Zones[0] = peer.Zones[0] with { Hostmaster = "host master" };
        local.Record("example.com.", "old", "A", "192.0.2.99");

        var plan = Plan(peer, local);

        Assert.That(plan.Skipped.Select(s => s.Kind), Is.EqualTo(new[] { ObjectKind.Zone, ObjectKind.Record, ObjectKind.Record, ObjectKind.Record }));
        Assert.That(plan.Steps, Is.Empty, "not even the record the peer no longer has");
    }

    [Test]
    public void StandbyTreeOfASkippedClientIsProtected()
    {
        var peer = Snap.Sample();
        peer.Clients[0] = peer.Clients[0] with { Login = "alice\n" };
        var local = Snap.Sample();
        local.Site("extra.example.org").Zone("extra.example.org.").Record("extra.example.org.", "@", "A", Net.V).Mailbox("example.com", "old");

        var plan = Plan(peer, local);

        Assert.That(plan.Skipped, Has.Count.EqualTo(9));
        Assert.That(plan.Skipped[0], Is.EqualTo(new SkippedObject(ObjectKind.Client, "alice", "login 'alice\\n' contains white space or a control character")));
        Assert.That(Lines(plan), Is.Empty, "alice and everything under her stay on the standby, even what the peer no longer has");
    }

    [Test]
    public void RecordsOfTheSameNameAndTypeAsASkippedRecordAreProtected()
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        peer.Record("example.com.", "api", "A", "999.1.1.1");
        local.Record("example.com.", "api", "A", "192.0.2.80").Record("example.com.", "api", "TXT", "old").Record("example.com.", "apix", "A", "192.0.2.81");

        var plan = Plan(peer, local);

        Assert.That(plan.Skipped.Single().Key, Is.EqualTo("example.com. api.example.com. A 999.1.1.1"));
        Assert.That(Lines(plan), Is.EquivalentTo(new[]
        {
            "delete record example.com. api.example.com. TXT old",
            "delete record example.com. apix.example.com. A 192.0.2.81",
        }));
    }

    [Test]
    public void AClientStillUsedByASurvivingStandbySiteIsKept()
    {
        // On the peer the site moved to alice but is skipped; the standby's copy still belongs to carol, whom the peer no longer has.
        var peer = Snap.Sample();
        peer.Site("shop.example.org", client: "alice", ip: "not-an-ip");
        var local = Snap.Sample();
        local.Client("carol").Site("shop.example.org", client: "carol").Client("dave");

        var plan = Plan(peer, local);

        Assert.That(Lines(plan), Is.EqualTo(new[] { "delete client dave" }));
    }

    [Test]
    public void AClientWhoseSitesMovedAwayIsDeleted()
    {
        var peer = Snap.Sample();
        peer.Sites[0] = peer.Sites[0] with { ClientLogin = "alice" };
        var local = Snap.Sample();
        local.Client("carol");
        local.Sites[0] = local.Sites[0] with { ClientLogin = "carol" };

        var plan = Plan(peer, local);

        Assert.That(Lines(plan), Is.EqualTo(new[] { "update site example.com", "delete client carol" }));
        Assert.That(plan.Steps[0].Changes.Single().ToString(), Is.EqualTo("client: 'carol' -> 'alice'"));
    }

    [Test]
    public void SiteAddressPutBackToWhatBridgeWroteIsARevert()
    {
        var local = Snap.Sample(siteIp: Net.D); // Blech's push set the standby's main_ip
        var last = new Dictionary<string, string> { ["example.com"] = Net.V };

        var plan = Plan(Snap.Sample(), local, Net.Context(last));

        var step = plan.Steps.Single();
        Assert.That(step.Revert, Is.True);
        Assert.That(step.Action, Is.EqualTo(PlanAction.Update));
        Assert.That(step.Changes.Single(), Is.EqualTo(new FieldChange("ip_address", Net.D, Net.V, false)));
        Assert.That(plan.CountOf(ObjectKind.Site, PlanAction.Update), Is.Zero);
        Assert.That(plan.CountOf(ObjectKind.Site, PlanAction.Update, reverts: true), Is.EqualTo(1));
        Assert.That(plan.Reverts, Is.EqualTo(new[] { step }));
    }

    public static IEnumerable<TestCaseData> NotReverts()
    {
        yield return new TestCaseData(null, false).SetName("{m}(first run, nothing written before)");
        yield return new TestCaseData(Net.D, false).SetName("{m}(last written differs from the new address)");
        yield return new TestCaseData(Net.V, true).SetName("{m}(other fields changed too)");
    }

    [TestCaseSource(nameof(NotReverts))]
    public void SiteAddressChangeIsANormalUpdateOtherwise(string? lastWritten, bool otherChange)
    {
        var peer = Snap.Sample();
        if (otherChange)
        {
            peer.Sites[0] = peer.Sites[0] with { CustomDirectives = "Header set X-A b" };
        }

        var last = lastWritten is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["example.com"] = lastWritten };

        var plan = Plan(peer, Snap.Sample(siteIp: Net.D), Net.Context(last));

        var step = plan.Steps.Single();
        Assert.That(step.Revert, Is.False);
        Assert.That(step.Changes.Select(c => c.Name), Is.EqualTo(otherChange ? new[] { "ip_address", "custom_directives" } : new[] { "ip_address" }));
        Assert.That(plan.CountOf(ObjectKind.Site, PlanAction.Update), Is.EqualTo(1));
    }

    [Test]
    public void ServiceAddressIsRegisteredWhenTheStandbyLacksIt()
    {
        var plan = Plan(Snap.Sample(), Snap.Sample(), Net.Context(null, Net.D));

        Assert.That(plan.AddressesToRegister, Is.EqualTo(new[] { Net.V }));
        Assert.That(plan.HasChanges, Is.True);
        Assert.That(plan.Steps, Is.Empty);
    }

    [Test]
    public void RegisteredAddressesAreComparedCanonically()
    {
        const string v6 = "2001:db8::10";
        var map = new AddressPolicy(IPAddress.Parse(v6), []).Build("2001:db8::3", Net.D);
        var peer = new Snap().Client("alice").Site("example.com", ip: "2001:DB8:0:0::3").Site("b.example.com", ip: v6);

        var registered = Planner.Plan(Normalizer.Peer(peer.Build(), map), new Snap().Local(), Net.Context(null, Net.D, "2001:0DB8::0010"));
        var missing = Planner.Plan(Normalizer.Peer(peer.Build(), map), new Snap().Local(), Net.Context(null, Net.D));

        Assert.That(registered.AddressesToRegister, Is.Empty);
        Assert.That(missing.AddressesToRegister, Is.EqualTo(new[] { v6 }), "once, though two sites use it");
        Assert.That(missing.SiteAddresses["example.com"], Is.EqualTo(v6));
    }

    [Test]
    public void StandbyDuplicatesAreDeletedByTheirOwnId()
    {
        var local = Snap.Sample();
        local.Record("example.com.", "@", "A", Net.V);

        var plan = Plan(Snap.Sample(), local);

        var step = plan.Steps.Single();
        Assert.That((step.Action, step.Kind, step.Key), Is.EqualTo((PlanAction.Delete, ObjectKind.Record, $"example.com. example.com. A {Net.V}")));
        Assert.That(step.Target!.Id, Is.EqualTo(4));
        Assert.That(plan.LocalCounts[ObjectKind.Record], Is.EqualTo(4), "duplicates count as standby objects");
    }

    [Test]
    public void CountsAreKeptPerKind()
    {
        var peer = Snap.Sample();
        peer.Client("bob");
        var local = Snap.Sample();
        local.Record("example.com.", "x", "A", Net.V);

        var plan = Plan(peer, local);

        Assert.That(plan.PeerCounts[ObjectKind.Client], Is.EqualTo(2));
        Assert.That(plan.LocalCounts[ObjectKind.Client], Is.EqualTo(1));
        Assert.That(plan.LocalCounts[ObjectKind.Record], Is.EqualTo(4));
        Assert.That(plan.PeerCounts.Keys, Is.EquivalentTo(ObjectKinds.All));
    }

    [Test]
    public void CompareReportsFieldsInOrderAndMarksSecrets()
    {
        FieldValue[] from = [new("a", "1"), new("b", null), new("h", "old", true)];
        FieldValue[] to = [new("a", "1"), new("b", "x"), new("h", "new", true)];

        var changes = Planner.Compare(from, to);

        Assert.That(changes, Is.EqualTo(new[] { new FieldChange("b", null, "x", false), new FieldChange("h", "old", "new", true) }));
        Assert.That(changes[1].ToString(), Is.EqualTo("h changed"));
        Assert.That(Planner.Compare(from, from), Is.Empty);
    }
}
