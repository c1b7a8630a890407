using System.Globalization;
using Bridge.DatasetGen;
using Bridge.Emulator;

namespace Bridge.DatasetGen.Tests;

[TestFixture]
public sealed class PostgresDatasetTests() : DatasetSuite(BlechEngine.Postgres);

[TestFixture]
public sealed class MariaDbDatasetTests() : DatasetSuite(BlechEngine.MariaDb);

/// The generator against one real engine: counts, validity, sequences, and the change command.
public abstract class DatasetSuite(BlechEngine engine)
{
    private static readonly string[] ContentTables = ["client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias"];

    [Test]
    public async Task SmallHasTheDocumentedCountsAndValidRows()
    {
        var conn = await Servers.CreateSmallAsync(engine);

        var counts = (await Counter.CountAsync(engine, conn)).ToDictionary(c => c.Table, c => c.Rows);
        Assert.That(counts, Is.EqualTo(new Dictionary<string, long>
        {
            ["server"] = 1, ["ip_address"] = 1, ["client"] = 500, ["site"] = 1_000, ["dns_zone"] = 1_000, ["dns_record"] = 20_000,
            ["mail_domain"] = 1_000, ["mailbox"] = 5_000, ["mail_alias"] = 1_000, ["regen_queue"] = 0,
        }));
        Assert.That(await Validity.CheckAsync(engine, conn), Is.Empty);
    }

    [Test]
    public async Task SmallLooksLikeRealHosting()
    {
        var conn = await Servers.CreateSmallAsync(engine);
        async Task<long> Count(string where, string pattern = "") => await Servers.ScalarAsync(engine, conn, "SELECT COUNT(*) FROM " + where, ("p", pattern));

        using (Assert.EnterMultipleScope())
        {
            foreach (var type in new[] { "A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "CAA" })
            {
                Assert.That(await Count($"dns_record WHERE type = '{type}'"), Is.GreaterThan(500), type);
            }

            Assert.That(await Count("dns_record WHERE type = 'AAAA' AND (data LIKE '%:0:0::%' OR data LIKE '%:0000:%')"), Is.GreaterThan(50), "AAAA written uncompressed");
            Assert.That(await Count("dns_record WHERE name = '@'"), Is.GreaterThan(1_000), "apex as @");
            Assert.That(await Count("dns_record WHERE name LIKE '%.example.' AND name <> '@'"), Is.GreaterThan(1_000), "absolute names");
            Assert.That(await Count("dns_record WHERE name NOT LIKE '%.' AND name <> '@'"), Is.GreaterThan(1_000), "relative names");
            Assert.That(await Count("dns_record WHERE name LIKE '*.%'"), Is.GreaterThan(10), "wildcards");
            Assert.That(await Count("dns_record WHERE type = 'TXT' AND LENGTH(data) = 400"), Is.EqualTo(1_000), "one 400-byte DKIM key per zone");
            Assert.That(await Count("site WHERE https_port = 443"), Is.InRange(200, 400), "about 30% with TLS");
            Assert.That(await Count("site WHERE aliases <> ''"), Is.InRange(600, 900), "0 to 3 aliases");
            Assert.That(await Count("site WHERE custom_directives LIKE @p", "%\n%"), Is.InRange(20, 100), "multi-line directives");
            Assert.That(await Count("site WHERE php_version IS NULL"), Is.InRange(50, 300), "some without PHP");
            Assert.That(await Count("site WHERE ip_address = '192.0.2.100'"), Is.EqualTo(1_000), "every site on the service address");
            Assert.That(await Count("mailbox WHERE forward_to IS NOT NULL"), Is.InRange(250, 800), "forwarding mailboxes");
            Assert.That(await Count("mail_alias WHERE source = '*'"), Is.InRange(50, 300), "catch-alls");
            Assert.That(await Count("client WHERE NOT EXISTS (SELECT 1 FROM site WHERE client_id = client.id) " +
                "AND NOT EXISTS (SELECT 1 FROM dns_zone WHERE client_id = client.id) AND NOT EXISTS (SELECT 1 FROM mail_domain WHERE client_id = client.id)"),
                Is.InRange(10, 50), "clients that own nothing (the only ones a change may delete)");
        }
    }

    [Test]
    public async Task SequencesContinueAfterTheHighestId()
    {
        var conn = await Servers.CreateSmallAsync(engine);
        var now = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        string[] inserts =
        [
            "INSERT INTO client (login, name, email, password_hash, active, updated_at) VALUES ('newone', 'N', 'n@example.com', 'x', true, @now)",
            "INSERT INTO site (client_id, domain, ip_address, document_root, active, updated_at) VALUES (1, 'new.example', '192.0.2.100', '/var/www/n', true, @now)",
            "INSERT INTO dns_zone (client_id, origin, primary_ns, hostmaster, serial, refresh, retry, expire, minimum, default_ttl, active, updated_at) " +
                "VALUES (1, 'new.example.', 'ns1.example.', 'h.example.', 2025060101, 1, 1, 1, 1, 1, true, @now)",
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (1, 'new', 'A', '192.0.2.1', true, @now)",
            "INSERT INTO mail_domain (client_id, domain, active, updated_at) VALUES (1, 'new.example', true, @now)",
            "INSERT INTO mailbox (mail_domain_id, local_part, password_hash, quota_mb, active, updated_at) VALUES (1, 'newone', 'x', 0, true, @now)",
            "INSERT INTO mail_alias (mail_domain_id, source, destination, active, updated_at) VALUES (1, 'newone', 'a@example.com', true, @now)",
            "INSERT INTO regen_queue (object_type, object_id, action, queued_at) VALUES ('site', 1, 'write', @now)",
        ];
        long[] expected = [501, 1_001, 1_001, 20_001, 1_001, 5_001, 1_001, 1];

        for (var i = 0; i < inserts.Length; i++)
        {
            var id = await Servers.ScalarAsync(engine, conn, Engines.ReturningId(engine, inserts[i]), ("now", now));
            Assert.That(id, Is.EqualTo(expected[i]), inserts[i]);
        }
    }

    [Test]
    public async Task OnePercentChangeTouchesAboutOnePercentLikeBlechAndStaysValid()
    {
        var conn = await Servers.CreateSmallAsync(engine);
        var before = new Dictionary<string, HashSet<long>>();
        foreach (var table in ContentTables)
        {
            before[table] = (await Servers.QueryAsync(engine, conn, $"SELECT id FROM {table}")).Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToHashSet();
        }

        var start = DateTime.UtcNow.AddMilliseconds(-1);
        var summary = await Changer.ChangeAsync(new ChangeOptions(engine, conn) { Percent = 1, Seed = 2 }, TestContext.Progress);
        var byTable = summary.Tables.ToDictionary(t => t.Table);
        Assert.That(summary.Now, Is.GreaterThanOrEqualTo(start));

        using (Assert.EnterMultipleScope())
        {
            foreach (var table in ContentTables)
            {
                var size = before[table].Count;
                var touched = await Servers.ScalarAsync(engine, conn, $"SELECT COUNT(*) FROM {table} WHERE updated_at >= @t", ("t", start));
                var after = (await Servers.QueryAsync(engine, conn, $"SELECT id FROM {table}")).Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToHashSet();
                var gone = before[table].Count(id => !after.Contains(id));
                var added = after.Count(id => !before[table].Contains(id));

                if (table == "dns_zone")
                {
                    // Every record edit touches its zone too, so far more than 1% of zones carry the change time.
                    Assert.That(touched, Is.InRange(size / 100, size / 4), table + " touched");
                }
                else
                {
                    Assert.That(touched, Is.EqualTo(byTable[table].Updated + byTable[table].Inserted), table + " touched = updated + inserted");
                    var upper = table == "dns_record" ? 0.02 : 0.016;
                    Assert.That(touched, Is.InRange((long)(size * 0.01), (long)(size * upper) + 2), table + " about 1% updated plus 0.25% inserted");
                }

                Assert.That(byTable[table].Updated, Is.EqualTo(Math.Max(1, (int)Math.Round(size / 100.0))), table + " updated");
                Assert.That(added, Is.EqualTo(byTable[table].Inserted), table + " inserted");
                Assert.That(gone, Is.InRange(1, Math.Max(2, size / 100)), table + " deleted (with cascades)");
            }

            var today = long.Parse(DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var touchedZones = await Servers.QueryAsync(engine, conn, "SELECT id, serial FROM dns_zone WHERE updated_at >= @t", ("t", start));
            Assert.That(touchedZones.Select(z => Convert.ToInt64(z[1], CultureInfo.InvariantCulture) / 100).Distinct(), Is.EqualTo(new[] { today }), "bumped serials are today's");
            Assert.That(touchedZones, Has.Count.EqualTo(summary.ZonesBumped));
            Assert.That(await Servers.ScalarAsync(engine, conn, "SELECT COUNT(*) FROM dns_zone WHERE updated_at < @t AND serial / 100 >= @today", ("t", start), ("today", today)),
                Is.Zero, "untouched zones keep their serial");

            // Every edited site, zone and mail domain is queued for blechd, as Blech's UI would have queued it.
            Assert.That(await Servers.ScalarAsync(engine, conn, "SELECT COUNT(*) FROM regen_queue WHERE queued_at >= @t AND done_at IS NULL", ("t", start)),
                Is.EqualTo(summary.QueueRows).And.GreaterThan(0));
            Assert.That(await Servers.ScalarAsync(engine, conn,
                "SELECT COUNT(*) FROM site s WHERE s.updated_at >= @t AND NOT EXISTS (SELECT 1 FROM regen_queue q WHERE q.object_type = 'site' AND q.object_id = s.id)",
                ("t", start)), Is.Zero, "sites queued");
            Assert.That(await Servers.ScalarAsync(engine, conn,
                "SELECT COUNT(*) FROM dns_zone z WHERE z.updated_at >= @t AND NOT EXISTS (SELECT 1 FROM regen_queue q WHERE q.object_type = 'zone' AND q.object_id = z.id)",
                ("t", start)), Is.Zero, "zones queued");
            Assert.That(await Servers.ScalarAsync(engine, conn,
                "SELECT COUNT(*) FROM mailbox m WHERE m.updated_at >= @t AND NOT EXISTS (SELECT 1 FROM regen_queue q WHERE q.object_type = 'mail' AND q.object_id = m.mail_domain_id)",
                ("t", start)), Is.Zero, "mail domains queued");
        }

        Assert.That(await Validity.CheckAsync(engine, conn), Is.Empty);
    }
}
