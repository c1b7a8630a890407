using System.Text;
using Bridge.DatasetGen;
using Bridge.Emulator;

namespace Bridge.DatasetGen.Tests;

/// The generator without a server: sizes, determinism, keys, values.
public sealed class GeneratorTests
{
    private static readonly Dataset Small = new(DatasetSize.Small, 1, Defaults.ServiceAddress);

    [Test]
    public void SizesAreATenthAndTenTimesLarge()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(DatasetSize.Large, Is.EqualTo(new DatasetSize("large", 5_000, 10_000, 10_000, 20, 10_000, 50_000, 10_000)));
            Assert.That(DatasetSize.Large.TotalRows, Is.EqualTo(295_000));
            Assert.That(DatasetSize.Small.TotalRows, Is.EqualTo(29_500));
            Assert.That(DatasetSize.Huge.TotalRows, Is.EqualTo(2_950_000));
            Assert.That(DatasetSize.Find("HUGE"), Is.SameAs(DatasetSize.Huge));
            Assert.That(DatasetSize.Find("medium"), Is.Null);
        }
    }

    [Test]
    public void EveryTableHasItsCountWithConsecutiveIdsAndParentsThatExist()
    {
        var tables = Tables.Of(Small).ToDictionary(t => t.Name, t => t.Rows.ToList());
        var expected = new Dictionary<string, int>
        {
            ["client"] = 500, ["site"] = 1_000, ["dns_zone"] = 1_000, ["dns_record"] = 20_000, ["mail_domain"] = 1_000, ["mailbox"] = 5_000, ["mail_alias"] = 1_000,
        };
        Assert.That(tables.ToDictionary(t => t.Key, t => t.Value.Count), Is.EqualTo(expected));
        foreach (var (name, rows) in tables)
        {
            Assert.That(rows.Select(r => (int)r[0]!), Is.EqualTo(Enumerable.Range(1, rows.Count)), name);
        }

        Assert.That(Small.Sites().Select(s => s.ClientId).Concat(Small.Zones().Select(z => z.ClientId)).Concat(Small.MailDomains().Select(d => d.ClientId)),
            Is.All.InRange(1, 500));
        Assert.That(Small.Records().Select(r => r.ZoneId), Is.All.InRange(1, 1_000));
        Assert.That(Small.Records().CountBy(r => r.ZoneId).Select(g => g.Value), Is.All.EqualTo(20));
        Assert.That(Small.Mailboxes().Select(m => m.MailDomainId).Concat(Small.Aliases().Select(a => a.MailDomainId)), Is.All.InRange(1, 1_000));
    }

    [Test]
    public void NaturalKeysAreUniqueIgnoringCase()
    {
        static void Unique(IEnumerable<string> keys, string what)
        {
            var list = keys.Select(k => k.ToLowerInvariant()).ToList();
            Assert.That(list.Distinct().Count(), Is.EqualTo(list.Count), what);
        }

        Unique(Small.Clients().Select(c => c.Login), "logins");
        Unique(Small.Sites().Select(s => s.Domain), "site domains");
        Unique(Small.Zones().Select(z => z.Origin), "origins");
        Unique(Small.MailDomains().Select(d => d.Domain), "mail domains");
        Unique(Small.Mailboxes().Select(m => $"{m.MailDomainId} {m.LocalPart}"), "mailboxes");
        Unique(Small.Aliases().Select(a => $"{a.MailDomainId} {a.Source}"), "aliases");
    }

    [Test]
    public void TheSameSeedGivesTheSameRowsAndAnotherSeedOtherRows()
    {
        static List<string> Rows(long seed) => Tables.Of(new Dataset(DatasetSize.Small, seed, Defaults.ServiceAddress))
            .SelectMany(t => t.Rows.Select(r => t.Name + " " + string.Join("|", r.Select(Servers.Text))))
            .ToList();

        var first = Rows(1);
        Assert.That(Rows(1), Is.EqualTo(first));
        var other = Rows(2);
        Assert.That(other, Has.Count.EqualTo(first.Count));
        Assert.That(first.Zip(other).Count(p => p.First != p.Second), Is.GreaterThan(29_000));
    }

    [Test]
    public void ValuesLookLikeBlechsOwn()
    {
        var client = Small.Clients().First();
        var site = Small.Sites().First();
        var zone = Small.Zones().First();
        var records = Small.Records().Take(20).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(client.Login, Is.EqualTo("c000001"));
            Assert.That(client.PasswordHash, Does.Match(@"^\$6\$rounds=5000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$"));
            Assert.That(site.Domain, Is.EqualTo("s000001.example"));
            Assert.That(zone.Origin, Is.EqualTo("z000001.example."));
            Assert.That(zone.Serial / 100, Is.EqualTo(long.Parse(zone.UpdatedAt.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(records.Select(r => r.UpdatedAt), Is.All.LessThanOrEqualTo(zone.UpdatedAt));
            Assert.That(records.Where(r => r.Type is "MX" or "SRV").Select(r => r.Priority), Is.All.Not.Null);
            Assert.That(records.Where(r => r.Type is not ("MX" or "SRV")).Select(r => r.Priority), Is.All.Null);
            var dkim = records.Single(r => r.Name.StartsWith("default._domainkey", StringComparison.Ordinal)).Data;
            Assert.That(Encoding.UTF8.GetByteCount(dkim), Is.EqualTo(400));
            Assert.That(dkim, Does.Contain("\"").And.Contain("\\"));
            Assert.That(Dataset.Serial(new DateTime(2024, 3, 5, 23, 0, 0, DateTimeKind.Utc), 7), Is.EqualTo(2024030507));
            Assert.That(Small.Clients().Select(c => c.UpdatedAt.Ticks % 10), Is.All.Zero, "microsecond timestamps, as both engines store them");
        }
    }

    [TestCase("it's", false, "'it''s'")]
    [TestCase(@"C:\keys", false, @"'C:\\keys'")]
    [TestCase(@"C:\keys", true, @"'C:\keys'")]
    [TestCase("a\0b", false, @"'a\0b'")]
    [TestCase("line\nbreak", false, "'line\nbreak'")]
    public void MariaDbLiteralsEscapeWhatTheSqlModeNeeds(string text, bool noBackslashEscapes, string expected)
    {
        var sql = new StringBuilder();
        MariaDbLoader.AppendLiteral(sql, text, noBackslashEscapes);
        Assert.That(sql.ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void MariaDbLiteralsOfOtherTypes()
    {
        var sql = new StringBuilder();
        foreach (var value in new object?[] { null, 42, 4294967295L, true, false, new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234560) })
        {
            MariaDbLoader.AppendLiteral(sql, value, false);
            sql.Append(' ');
        }

        Assert.That(sql.ToString(), Is.EqualTo("NULL 42 4294967295 1 0 '2024-01-02 03:04:05.123456' "));
    }
}
