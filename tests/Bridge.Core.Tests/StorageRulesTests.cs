using Bridge.Core.Normalize;

namespace Bridge.Core.Tests;

/// <summary>What each standby engine can store, and the peer rows skipped because of it or because they would break dale's config.</summary>
[TestFixture]
public sealed class StorageRulesTests
{
    [Test]
    public void VarcharLengthsCountCharactersAndTextCountsBytes()
    {
        Assert.That(StorageRules.MariaDb.Problem(ObjectKind.Client, "login", new string('é', 64)), Is.Null, "64 characters, 128 bytes");
        Assert.That(StorageRules.MariaDb.Problem(ObjectKind.Client, "login", new string('a', 65)), Is.EqualTo("login is 65 characters long; the column holds 64"));
        Assert.That(StorageRules.MariaDb.Problem(ObjectKind.Mailbox, "local_part", string.Concat(Enumerable.Repeat("😀", 64))), Is.Null, "a character outside the BMP is one character");
        Assert.That(StorageRules.MariaDb.Problem(ObjectKind.Site, "custom_directives", new string('x', 65_535)), Is.Null);
        Assert.That(StorageRules.MariaDb.Problem(ObjectKind.Site, "custom_directives", new string('é', 40_000)), Is.EqualTo("custom_directives is 80,000 bytes long; MariaDB (utf8mb4_general_ci) holds 65,535 in that column"));
        Assert.That(StorageRules.Postgres.Problem(ObjectKind.Site, "custom_directives", new string('x', 1_000_000)), Is.Null);
    }

    [Test]
    public void OnlyPostgreSQLRefusesANULAndNeitherTakesALoneSurrogate()
    {
        Assert.That(StorageRules.Postgres.Problem(ObjectKind.Client, "name", "a\0b"), Is.EqualTo("name contains a NUL byte, which PostgreSQL cannot store"));
        Assert.That(StorageRules.MariaDb.Problem(ObjectKind.Client, "name", "a\0b"), Is.Null);
        Assert.That(StorageRules.MariaDb.Problem(ObjectKind.Client, "name", "a\uD800b"), Is.EqualTo("name is not valid Unicode"));
    }

    [TestCase("jose", "josé")]
    [TestCase("JOSE", "jose")]
    [TestCase("strase", "straße")]
    [TestCase("emoji😀", "emoji😈")]
    [TestCase("trailing", "trailing  ")]
    public void MariaDbsCollationHoldsTheseKeysEqual(string a, string b)
    {
        Assert.That(StorageRules.MariaDb.FoldKey(a), Is.EqualTo(StorageRules.MariaDb.FoldKey(b)));
        Assert.That(StorageRules.Postgres.FoldKey(a), Is.Not.EqualTo(StorageRules.Postgres.FoldKey(b)).Or.EqualTo(a.ToLowerInvariant()));
    }

    [TestCase("jose", "josef")]
    [TestCase("ø", "o")]
    public void MariaDbsCollationKeepsTheseKeysApart(string a, string b) =>
        Assert.That(StorageRules.MariaDb.FoldKey(a), Is.Not.EqualTo(StorageRules.MariaDb.FoldKey(b)));

    [Test]
    public void APeerRowTheStandbyCannotHoldIsSkippedWithItsChildrenAndTheFirstOfTwoEqualKeysStays()
    {
        var snap = Snap.Sample();
        snap.Client("jose").Client("josé");
        snap.Site("jose.example", client: "josé");
        var set = Normalizer.Peer(snap.Build(), Net.Map, StorageRules.MariaDb);
        Assert.That(set[ObjectKind.Client].Keys, Is.EquivalentTo(new[] { "alice", "jose" }));
        Assert.That(set.Skipped.Select(s => (s.Kind, s.Key)), Is.EquivalentTo(new[] { (ObjectKind.Client, "josé"), (ObjectKind.Site, "jose.example") }));
        Assert.That(set.Skipped[0].Reason, Is.EqualTo("'josé' and 'jose' are one key to the standby's MariaDB (utf8mb4_general_ci), which cannot hold both"));

        Assert.That(Normalizer.Peer(snap.Build(), Net.Map, StorageRules.Postgres).Skipped, Is.Empty);
    }

    [TestCase("/var/www/../../../etc", "document_root '/var/www/../../../etc' contains a '.' or '..' segment")]
    [TestCase("/var/www/x\\", "document_root '/var/www/x\\' contains a backslash")]
    [TestCase("var/www/x", "document_root 'var/www/x' is not an absolute path")]
    public void DocumentRootsThatWouldBreakOrEscapeTheVhostAreSkipped(string root, string reason)
    {
        var snap = Snap.Sample();
        snap.Site("bad.example", docRoot: root);
        Assert.That(snap.Peer().Skipped.Single().Reason, Is.EqualTo(reason));
    }

    [Test]
    public void APhpVersionWithANewlineAClientNameWithOneAndAnEmailWithHeaderTextAreSkipped()
    {
        var snap = Snap.Sample();
        snap.Sites[0] = snap.Sites[0] with { PhpVersion = "8.2\nSetHandler x" };
        snap.Clients.Add(new ClientRow(9, "bob", "Bob\nSmith", "bob@example.com", Snap.Hash, true));
        snap.Clients.Add(new ClientRow(10, "eve", "Eve", "eve@example.com\r\nBcc: all@example.net", Snap.Hash, true));
        var reasons = snap.Peer().Skipped.Select(s => $"{s.Kind.Name()} {s.Key}: {s.Reason}").ToList();
        Assert.That(reasons, Is.EquivalentTo(new[]
        {
            "site example.com: php_version '8.2\\nSetHandler x' is not a version (letters, digits, '.', '-', '_')",
            "client bob: name contains a line break or control character",
            "client eve: email 'eve@example.com\\r\\nBcc: all@example.net' is not one email address",
        }));
    }

    [Test]
    public void ATXTLargerThanOneDNSRecordIsSkippedAndOneJustUnderIsKept()
    {
        var snap = Snap.Sample();
        snap.Record("example.com.", "big", "TXT", new string('k', 100_000));
        snap.Record("example.com.", "dkim", "TXT", new string('k', 65_279));
        var skipped = snap.Peer().Skipped;
        Assert.That(skipped.Select(s => s.Key), Is.EqualTo(new[] { $"example.com. big.example.com. TXT {new string('k', 100_000)}" }));
        Assert.That(RecordData.TxtWireLength(new string('k', 65_279)), Is.EqualTo(65_535));
    }

    [TestCase("Header set X 1\n</VirtualHost>\n<VirtualHost *:80>\nServerName evil.example", "close the site's <VirtualHost>")]
    [TestCase("  <virtualhost 192.0.2.9:80>", "open another <VirtualHost>")]
    public void CustomDirectivesThatLeaveTheVhostAreCarriedVerbatimWithAWarning(string directives, string warning)
    {
        var snap = Snap.Sample();
        snap.Sites[0] = snap.Sites[0] with { CustomDirectives = directives };
        var peer = snap.Peer();
        Assert.That(peer.Skipped, Is.Empty);
        Assert.That(peer.Warnings.Single().Reason, Does.Contain(warning));
        Assert.That(peer[ObjectKind.Site]["example.com"].Fields.Single(f => f.Name == "custom_directives").Value, Is.EqualTo(directives));

        var report = new Report.SyncReport(Plan.Planner.Plan(peer, new Snap().Local(), Net.Context()), DryRun: true, Applied: false, []);
        Assert.That(report.ToText(), Does.Contain("warning site example.com: custom_directives"));
        Assert.That(report.ToJson(), Does.Contain("\"warnings\""));
    }

    [Test]
    public void OrdinaryCustomDirectivesGiveNoWarning() =>
        Assert.That(Normalizer.CustomDirectivesWarning("<Directory /var/www>\n  Require all granted\n</Directory>"), Is.Null);
}
