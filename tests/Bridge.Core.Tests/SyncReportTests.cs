using System.Text.Json;
using Bridge.Core.Plan;
using Bridge.Core.Report;

namespace Bridge.Core.Tests;

public sealed class SyncReportTests
{
    private const string PeerClientHash = "$6$new$PEERCLIENTSECRET";
    private const string LocalClientHash = "$6$old$LOCALCLIENTSECRET";
    private const string PeerMailboxHash = "$6$mb$PEERMAILBOXSECRET";
    private const string BadMailboxHash = "$6$x$BADMAILBOXSECRET:1";

    private static readonly string[] Secrets = [PeerClientHash, LocalClientHash, PeerMailboxHash, BadMailboxHash, Snap.Hash, "SECRET"];

    /// <summary>One of each: insert, updates (two of them secret), revert, delete, skipped.</summary>
    private static SyncPlan MixedPlan(params string[] localIps)
    {
        var peer = Snap.Sample();
        var local = Snap.Sample();
        peer.Client("bob");
        peer.Clients[0] = peer.Clients[0] with { PasswordHash = PeerClientHash };
        local.Clients[0] = local.Clients[0] with { PasswordHash = LocalClientHash };
        peer.Mailboxes[0] = peer.Mailboxes[0] with { PasswordHash = PeerMailboxHash };
        peer.Sites[0] = peer.Sites[0] with { DocumentRoot = "/srv/new" };
        peer.Site("b.example.com");
        local.Site("b.example.com", ip: Net.D);
        local.Record("example.com.", "old", "A", "192.0.2.99");
        peer.Mailbox("example.com", "bad box");
        peer.Mailbox("example.com", "sales", hash: BadMailboxHash);
        var last = new Dictionary<string, string> { ["b.example.com"] = Net.V };
        return Planner.Plan(peer.Peer(), local.Local(), Net.Context(last, localIps));
    }

    [Test]
    public void JsonHasTheDocumentedShape()
    {
        var report = new SyncReport(MixedPlan(), DryRun: true, Applied: false, []);

        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;

        Assert.That(root.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[] { "summary", "skipped", "reverted" }));
        Assert.That(root.GetProperty("dryRun").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("applied").GetBoolean(), Is.False);
        var summary = root.GetProperty("summary");
        foreach (var kind in new[] { "client", "site", "zone", "record", "mail_domain", "mailbox", "alias" })
        {
            Assert.That(summary.GetProperty(kind).EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "insert", "update", "delete" }), kind);
        }
    }

    [Test]
    public void JsonCountsEachKindAndActionWithRevertsApart()
    {
        var report = new SyncReport(MixedPlan(), DryRun: true, Applied: false, []);

        using var doc = JsonDocument.Parse(report.ToJson());
        var summary = doc.RootElement.GetProperty("summary");

        int Count(string kind, string action) => summary.GetProperty(kind).GetProperty(action).GetInt32();
        Assert.Multiple(() =>
        {
            Assert.That(Count("client", "insert"), Is.EqualTo(1));
            Assert.That(Count("client", "update"), Is.EqualTo(1));
            Assert.That(Count("site", "update"), Is.EqualTo(1), "the revert is not an update");
            Assert.That(Count("mailbox", "update"), Is.EqualTo(1));
            Assert.That(Count("record", "delete"), Is.EqualTo(1));
            Assert.That(Count("zone", "update"), Is.Zero);
            Assert.That(summary.GetProperty("insert").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("update").GetInt32(), Is.EqualTo(3));
            Assert.That(summary.GetProperty("delete").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("reverted").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("skipped").GetInt32(), Is.EqualTo(2));
        });
    }

    [Test]
    public void JsonListsSkippedRevertedAndChanges()
    {
        var report = new SyncReport(MixedPlan(Net.D), DryRun: false, Applied: false, ["would delete everything"]);

        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;

        var skipped = root.GetProperty("skipped").EnumerateArray().ToArray();
        Assert.That(skipped.Select(s => s.GetProperty("kind").GetString()), Is.EqualTo(new[] { "mailbox", "mailbox" }));
        Assert.That(skipped[0].GetProperty("key").GetString(), Is.EqualTo("bad box@example.com"));
        Assert.That(skipped[0].GetProperty("reason").GetString(), Does.Contain("local part 'bad box'"));
        Assert.That(skipped[1].GetProperty("reason").GetString(), Does.Contain("password hash"));

        var reverted = root.GetProperty("reverted").EnumerateArray().Single();
        Assert.That(reverted.GetProperty("kind").GetString(), Is.EqualTo("site"));
        Assert.That(reverted.GetProperty("key").GetString(), Is.EqualTo("b.example.com"));
        Assert.That(reverted.GetProperty("field").GetString(), Is.EqualTo("ip_address"));
        Assert.That(reverted.GetProperty("from").GetString(), Is.EqualTo(Net.D));
        Assert.That(reverted.GetProperty("to").GetString(), Is.EqualTo(Net.V));

        var changes = root.GetProperty("changes").EnumerateArray().ToArray();
        Assert.That(changes.Select(c => $"{c.GetProperty("action").GetString()} {c.GetProperty("kind").GetString()} {c.GetProperty("key").GetString()}"), Is.EqualTo(new[]
        {
            "insert client bob",
            "update client alice",
            "update site example.com",
            "update mailbox info@example.com",
            "delete record example.com. old.example.com. A 192.0.2.99",
        }));
        var secret = changes[1].GetProperty("fields").EnumerateArray().Single();
        Assert.That(secret.GetProperty("name").GetString(), Is.EqualTo("password_hash"));
        Assert.That(secret.TryGetProperty("from", out _) || secret.TryGetProperty("to", out _), Is.False);
        var plain = changes[2].GetProperty("fields").EnumerateArray().Single();
        Assert.That(plain.GetProperty("to").GetString(), Is.EqualTo("/srv/new"));

        Assert.That(root.GetProperty("registeredAddresses").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { Net.V }));
        Assert.That(root.GetProperty("refused").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "would delete everything" }));
    }

    [Test]
    public void PasswordHashesNeverAppearInAnyOutput()
    {
        var plan = MixedPlan();
        Assert.That(plan.Steps.SelectMany(s => s.Changes).Count(c => c.Name == "password_hash"), Is.EqualTo(2), "the hashes did change");

        foreach (var report in new[] { new SyncReport(plan, true, false, []), new SyncReport(plan, false, true, []) })
        {
            foreach (var output in new[] { report.ToJson(), report.ToText(), report.Summary() })
            {
                foreach (var secret in Secrets)
                {
                    Assert.That(output, Does.Not.Contain(secret));
                }

                Assert.That(output, Does.Not.Contain("$6$"));
            }
        }

        Assert.That(new SyncReport(plan, true, false, []).ToText(), Does.Contain("~ client alice: password_hash changed"));
    }

    [Test]
    public void TextPutsTheVerdictFirstThenWhatNeedsAPersonThenOneLinePerChange()
    {
        var text = new SyncReport(MixedPlan(Net.D), DryRun: true, Applied: false, ["would delete 2 of the standby's 10 client objects"]).ToText();

        Assert.That(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "REFUSED by the guard, nothing applied (pending: insert 1 client; update 1 client, 1 site, 1 mailbox; delete 1 record; reverted 1; skipped 2)",
            "refused: would delete 2 of the standby's 10 client objects",
            "skipped mailbox bad box@example.com: local part 'bad box' contains white space or a control character",
            "skipped mailbox sales@example.com: password hash contains a character the mail passwd file cannot hold",
            $"+ ip_address {Net.V} (registered so that Blech's repair rule keeps sites on it)",
            "+ client bob",
            "~ client alice: password_hash changed",
            "~ site example.com: document_root: '/var/www/example.com' -> '/srv/new'",
            $"! site b.example.com (reverted by Blech: ip_address: '{Net.D}' -> '{Net.V}')",
            "~ mailbox info@example.com: password_hash changed",
            "- record example.com. old.example.com. A 192.0.2.99",
        }));
    }

    [Test]
    public void TextListsAtMostTheCapOfChangeLinesAndCountsTheRest()
    {
        var report = new SyncReport(MixedPlan(Net.D), DryRun: false, Applied: true, []);
        var lines = report.ToText(3).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines[0], Does.StartWith("applied: "));
        Assert.That(lines.Count(l => l.Length > 1 && "+~!-^".Contains(l[0]) && l[1] == ' '), Is.EqualTo(3));
        Assert.That(lines[^1], Does.StartWith("... and 4 more changes"));
        Assert.That(report.ToText(int.MaxValue), Does.Not.Contain("more changes"));
    }

    [Test]
    public void AnApacheStepSkippedForAMissingTreeIsNotPrintedOnEveryRun()
    {
        var report = new SyncReport(MixedPlan(), DryRun: false, Applied: true, [])
        {
            Apache = new ApacheSummary("skipped", [], [], [], "/etc/blech/generated does not exist", false),
        };

        Assert.That(report.ToText(), Does.Not.Contain("apache"));
        Assert.That(report.ToJson(), Does.Contain("skipped"));
    }

    [TestCase(true, false, "pending: ")]
    [TestCase(false, false, "pending: ")]
    [TestCase(false, true, "applied: ")]
    public void SummarySaysWhetherTheChangesWereApplied(bool dryRun, bool applied, string prefix) =>
        Assert.That(new SyncReport(MixedPlan(), dryRun, applied, []).Summary(), Does.StartWith(prefix));

    [Test]
    public void NothingToDoSaysSo()
    {
        var report = new SyncReport(Planner.Plan(Snap.Sample().Peer(), Snap.Sample().Local(), Net.Context()), DryRun: false, Applied: true, []);

        Assert.That(report.HasChanges, Is.False);
        Assert.That(report.ToText(), Is.EqualTo("no changes" + Environment.NewLine));
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.That(doc.RootElement.GetProperty("changes").GetArrayLength(), Is.Zero);
        Assert.That(doc.RootElement.GetProperty("summary").GetProperty("update").GetInt32(), Is.Zero);
    }

    [Test]
    public void LongValuesAreClippedInTextButWholeInJson()
    {
        var longDirectives = "Header set Content-Security-Policy \"default-src 'self'; img-src 'self' data:\"";
        var peer = Snap.Sample();
        peer.Sites[0] = peer.Sites[0] with { CustomDirectives = longDirectives };
        var report = new SyncReport(Planner.Plan(peer.Peer(), Snap.Sample().Local(), Net.Context()), true, false, []);

        Assert.That(report.ToText(), Does.Contain($"custom_directives: NULL -> '{longDirectives[..57]}...'"));
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.That(doc.RootElement.GetProperty("changes")[0].GetProperty("fields")[0].GetProperty("to").GetString(), Is.EqualTo(longDirectives));
    }
}
