using System.Globalization;
using System.Text;
using Bridge.Core;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// The set-based apply on every engine pair: more rows than one bulk statement holds (MariaDB: about a thousand), parents and
/// children together; every kind of update in one run; a refused row inside a bulk insert and inside a bulk update; updates that
/// fire nothing an INSERT would.
/// </summary>
public abstract class BulkApplySuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer) : PairSuite(chipServer, daleServer)
{
    // More than one MariaDB statement's worth of rows for every kind.
    private const int Clients = 1100;

    private const string When = "2025-03-14 09:00:00";

    // Written straight into chip's tables in a few statements (Blech's edit path would take minutes for this many rows). Every
    // nullable column gets NULL on some rows and a value on others; CONCAT, MOD and CASE read the same on both engines.
    private async Task FillChipAsync()
    {
        var clients = new StringBuilder("INSERT INTO client (login, name, email, password_hash, active, updated_at) VALUES ");
        for (var i = 1; i <= Clients; i++)
        {
            clients.Append(i == 1 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture,
                $"('c{i:D4}', 'Client {i}', 'c{i:D4}@example.net', '$6$salt$hash{i}', {(i % 7 == 0 ? "FALSE" : "TRUE")}, '{When}')");
        }

        await P.Chip.ExecuteAsync(clients.ToString());
        await P.Chip.ExecuteAsync(
            "INSERT INTO site (client_id, domain, aliases, ip_address, http_port, https_port, document_root, ssl_cert_path, ssl_key_path, php_version, custom_directives, active, updated_at) "
            + $"SELECT id, CONCAT(login, '.example'), CONCAT('www.', login, '.example'), '{PairAddresses.V}', 80, CASE WHEN MOD(id, 2) = 0 THEN 443 END, CONCAT('/srv/', login), "
            + "CASE WHEN MOD(id, 2) = 0 THEN CONCAT('/etc/ssl/', login, '.pem') END, CASE WHEN MOD(id, 2) = 0 THEN CONCAT('/etc/ssl/', login, '.key') END, "
            + $"CASE WHEN MOD(id, 3) = 0 THEN '8.2' END, CASE WHEN MOD(id, 5) = 0 THEN 'Header set X-Test 1' END, MOD(id, 11) <> 0, '{When}' FROM client");
        await P.Chip.ExecuteAsync(
            "INSERT INTO dns_zone (client_id, origin, primary_ns, hostmaster, serial, refresh, retry, expire, minimum, default_ttl, active, updated_at) "
            + $"SELECT id, CONCAT(login, '.example.'), 'ns1.example.net.', 'hostmaster.example.net.', 2025031401, 3600, 600, 604800, 300, 3600, MOD(id, 13) <> 0, '{When}' FROM client");
        await P.Chip.ExecuteAsync(
            "INSERT INTO dns_record (zone_id, name, type, ttl, priority, data, active, updated_at) "
            + $"SELECT id, '@', 'A', CASE WHEN MOD(id, 2) = 0 THEN 300 END, NULL, CONCAT('192.0.2.', MOD(id, 250) + 1), TRUE, '{When}' FROM dns_zone");
        await P.Chip.ExecuteAsync(
            "INSERT INTO dns_record (zone_id, name, type, ttl, priority, data, active, updated_at) "
            + $"SELECT id, '@', 'MX', NULL, 10, CONCAT('mx.', origin), MOD(id, 17) <> 0, '{When}' FROM dns_zone");
        await P.Chip.ExecuteAsync(
            $"INSERT INTO mail_domain (client_id, domain, active, updated_at) SELECT id, CONCAT('mail.', login, '.example'), TRUE, '{When}' FROM client");
        await P.Chip.ExecuteAsync(
            "INSERT INTO mailbox (mail_domain_id, local_part, password_hash, quota_mb, forward_to, active, updated_at) "
            + $"SELECT id, 'info', '$6$salt$mailhash', MOD(id, 4) * 1024, CASE WHEN MOD(id, 2) = 0 THEN CONCAT('boss@', domain) END, TRUE, '{When}' FROM mail_domain");
        await P.Chip.ExecuteAsync(
            $"INSERT INTO mail_alias (mail_domain_id, source, destination, active, updated_at) SELECT id, 'sales', CONCAT('info@', domain), TRUE, '{When}' FROM mail_domain");
    }

    [Test]
    public async Task AFullSyncOfMoreRowsThanOneBulkStatementHoldsCopiesEveryRowWithItsParentsAndQueuesEveryObject()
    {
        await FillChipAsync();

        var before = DateTime.UtcNow.AddSeconds(-2);
        var run = await P.BridgeAsync("sync", "--format", "json");
        var after = DateTime.UtcNow.AddSeconds(2);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(run.Count("client", "insert"), Is.EqualTo(Clients));
            Assert.That(run.Count("site", "insert"), Is.EqualTo(Clients));
            Assert.That(run.Count("zone", "insert"), Is.EqualTo(Clients));
            Assert.That(run.Count("record", "insert"), Is.EqualTo(2 * Clients));
            Assert.That(run.Count("mailbox", "insert"), Is.EqualTo(Clients));
        });
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));

        // Every new parent learnt its standby id: one regeneration row for each, naming an id that is really that object's.
        foreach (var (type, table) in new[] { ("site", "site"), ("zone", "dns_zone"), ("mail", "mail_domain") })
        {
            var queued = await P.Dale.ScalarAsync<long>(
                $"SELECT COUNT(DISTINCT q.object_id) FROM regen_queue q JOIN {table} t ON t.id = q.object_id WHERE q.object_type = '{type}' AND q.action = 'write'");
            Assert.That(queued, Is.EqualTo(Clients), type);
        }

        // Parents (ids taken first) and children (bulk path) carry the same moment, in UTC, as the regeneration rows do.
        await AssertOneStampAsync(["client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias"], "updated_at", before, after);
        await AssertOneStampAsync(["regen_queue"], "queued_at", before, after);

        var second = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(second.Total("insert") + second.Total("update") + second.Total("delete"), Is.Zero, second.Stdout);
    }

    [Test]
    public async Task UpdatesOfEveryKindInOneRunArriveWholeWithNullsTurnedOnAndOff()
    {
        await FillChipAsync();
        var first = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());

        const string Later = "2025-03-15 10:00:00";
        await P.Chip.ExecuteAsync($"UPDATE client SET name = CONCAT(name, ' Ltd'), email = CONCAT('new-', email), active = NOT active, updated_at = '{Later}'");
        await P.Chip.ExecuteAsync(
            "UPDATE site SET https_port = CASE WHEN https_port IS NULL THEN 8443 END, ssl_cert_path = CASE WHEN ssl_cert_path IS NULL THEN '/etc/ssl/new.pem' END, ssl_key_path = CASE WHEN ssl_key_path IS NULL THEN '/etc/ssl/new.key' END, "
            + "php_version = CASE WHEN php_version IS NULL THEN '7.4' END, custom_directives = CASE WHEN custom_directives IS NULL THEN 'Options -Indexes' END, "
            + $"http_port = 8080, aliases = '', active = NOT active, updated_at = '{Later}'");
        await P.Chip.ExecuteAsync($"UPDATE dns_zone SET serial = CASE WHEN MOD(id, 2) = 0 THEN 4000000000 ELSE 2025031502 END, refresh = 7200, active = NOT active, updated_at = '{Later}'");
        await P.Chip.ExecuteAsync($"UPDATE dns_record SET ttl = CASE WHEN ttl IS NULL THEN 60 END, priority = CASE WHEN priority IS NOT NULL THEN 20 END, active = NOT active, updated_at = '{Later}'");
        await P.Chip.ExecuteAsync($"UPDATE mail_domain SET active = FALSE, updated_at = '{Later}'");
        await P.Chip.ExecuteAsync($"UPDATE mailbox SET quota_mb = quota_mb + 1, forward_to = CASE WHEN forward_to IS NULL THEN 'x@example.net' END, password_hash = '$6$salt$other', updated_at = '{Later}'");
        await P.Chip.ExecuteAsync($"UPDATE mail_alias SET destination = 'all@example.net', active = FALSE, updated_at = '{Later}'");

        var before = DateTime.UtcNow.AddSeconds(-2);
        var run = await P.BridgeAsync("sync", "--format", "json");
        var after = DateTime.UtcNow.AddSeconds(2);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Skipped(), Is.Empty);
        Assert.Multiple(() =>
        {
            foreach (var kind in new[] { "client", "site", "zone", "mail_domain", "mailbox", "alias" })
            {
                Assert.That(run.Count(kind, "update"), Is.EqualTo(Clients), kind);
            }

            Assert.That(run.Count("record", "update"), Is.EqualTo(2 * Clients));
            Assert.That(run.Total("insert") + run.Total("delete"), Is.Zero);
        });
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));

        // One updated_at for the whole run, the moment it applied (in UTC), on every table.
        await AssertOneStampAsync(["client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias"], "updated_at", before, after);
    }

    // Every row of the tables carries one and the same time in the column, between the two moments (UTC).
    private async Task AssertOneStampAsync(string[] tables, string column, DateTime before, DateTime after)
    {
        var stamps = new List<DateTime>();
        foreach (var table in tables)
        {
            var distinct = await P.Dale.QueryAsync<DateTime>($"SELECT DISTINCT {column} FROM {table}");
            Assert.That(distinct, Has.Count.EqualTo(1), table);
            stamps.Add(DateTime.SpecifyKind(distinct[0], DateTimeKind.Utc));
        }

        Assert.That(stamps.Distinct().ToList(), Has.Count.EqualTo(1), string.Join(", ", stamps.Select(s => s.ToString("O", CultureInfo.InvariantCulture))));
        Assert.That(stamps[0], Is.InRange(before, after));
    }

    [Test]
    public async Task ARefusedRowInsideABulkInsertAndInsideABulkUpdateIsTheOnlyOneSkipped()
    {
        await FillChipAsync();
        await P.Dale.ExecuteAsync("ALTER TABLE dns_record ADD CONSTRAINT test_refuses_record CHECK (data <> 'mx.c0500.example.')");
        await P.Dale.ExecuteAsync("ALTER TABLE mailbox ADD CONSTRAINT test_refuses_mailbox CHECK (quota_mb <> 777)");

        var first = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
        var code = DaleIsPostgres ? "23514" : "4025";
        var skipped = first.Skipped();
        Assert.That(skipped, Has.Count.EqualTo(1), string.Join("\n", skipped));
        Assert.That(skipped[0], Does.StartWith("record ").And.Contain($"the standby's database refused it: {code}"));
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM dns_record"), Is.EqualTo(2 * Clients - 1));

        await P.Chip.ExecuteAsync("UPDATE mailbox SET quota_mb = CASE WHEN mail_domain_id = (SELECT id FROM mail_domain WHERE domain = 'mail.c0700.example') THEN 777 ELSE 4096 END");
        var second = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Success), second.ToString());
        var again = second.Skipped().Where(s => s.StartsWith("mailbox ", StringComparison.Ordinal)).ToList();
        Assert.That(again, Has.Count.EqualTo(1), string.Join("\n", second.Skipped()));
        Assert.That(again[0], Does.Contain("c0700").And.Contain($"the standby's database refused it: {code}"));
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM mailbox WHERE quota_mb = 4096"), Is.EqualTo(Clients - 1));
    }

    // The old apply sent one UPDATE per row (in batches): 1,100 statements for 1,100 sites. Counted by the server: a
    // statement-level trigger on PostgreSQL, the global Com_update counters on MariaDB (which also count Bridge's few
    // updates of its own state).
    [Test]
    public async Task TheUpdatesOfATableAreOneStatementPerThousandRowsNotOnePerRow()
    {
        await FillChipAsync();
        var first = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
        await P.Chip.ExecuteAsync("UPDATE site SET document_root = CONCAT(document_root, '/htdocs')");
        if (DaleIsPostgres)
        {
            await P.Dale.ExecuteAsync("CREATE SCHEMA test_count; CREATE TABLE test_count.site_updates (n int NOT NULL); INSERT INTO test_count.site_updates VALUES (0)");
            await P.Dale.ExecuteAsync("CREATE FUNCTION test_count.count_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE test_count.site_updates SET n = n + 1; RETURN NULL; END $$");
            await P.Dale.ExecuteAsync("CREATE TRIGGER test_count_update AFTER UPDATE ON site FOR EACH STATEMENT EXECUTE FUNCTION test_count.count_update()");
        }

        var before = await UpdateStatementsAsync();
        var run = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Count("site", "update"), Is.EqualTo(Clients));
        var statements = await UpdateStatementsAsync() - before;
        Assert.That(statements, DaleIsPostgres ? Is.EqualTo(1) : Is.InRange(2, 20));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));
    }

    private async Task<long> UpdateStatementsAsync() => DaleIsPostgres
        ? await P.Dale.ScalarAsync<long>("SELECT n FROM test_count.site_updates")
        : await P.Dale.ScalarAsync<long>("SELECT CAST(SUM(VARIABLE_VALUE) AS SIGNED) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('COM_UPDATE', 'COM_UPDATE_MULTI')");

    // An update must not be an insert in disguise (MariaDB's INSERT ... ON DUPLICATE KEY UPDATE is one): a trigger of Blech's
    // (or of the site's own) on INSERT never sees it, and no id is taken.
    [Test]
    public async Task UpdatesFireNoInsertTriggerAndTakeNoNewIds()
    {
        await FillChipAsync();
        var first = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
        if (DaleIsPostgres)
        {
            await P.Dale.ExecuteAsync("CREATE FUNCTION test_no_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'insert into %', TG_TABLE_NAME; END $$");
            foreach (var table in new[] { "client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias" })
            {
                await P.Dale.ExecuteAsync($"CREATE TRIGGER test_no_insert BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION test_no_insert()");
            }
        }
        else
        {
            foreach (var table in new[] { "client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias" })
            {
                await P.Dale.ExecuteAsync($"CREATE TRIGGER test_no_insert_{table} BEFORE INSERT ON {table} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'insert into {table}'");
            }
        }

        var nextIds = await NextSiteIdAsync();
        await P.Chip.ExecuteAsync("UPDATE client SET name = CONCAT(name, ' GmbH')");
        await P.Chip.ExecuteAsync("UPDATE site SET document_root = CONCAT(document_root, '/public')");
        await P.Chip.ExecuteAsync("UPDATE dns_record SET ttl = 120");
        await P.Chip.ExecuteAsync("UPDATE dns_zone SET serial = 2025031601");
        await P.Chip.ExecuteAsync("UPDATE mailbox SET quota_mb = 1");
        await P.Chip.ExecuteAsync("UPDATE mail_alias SET destination = 'x@example.net'");

        var run = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Skipped(), Is.Empty);
        Assert.That(run.Count("site", "update"), Is.EqualTo(Clients));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));
        Assert.That(await NextSiteIdAsync(), Is.EqualTo(nextIds), "no id was used up");
    }

    // The id the next site would get, read without taking one.
    private async Task<long> NextSiteIdAsync() => DaleIsPostgres
        ? await P.Dale.ScalarAsync<long>("SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM site_id_seq")
        : await P.Dale.ScalarAsync<long>("SELECT AUTO_INCREMENT FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'site'");
}

[TestFixture]
public sealed class BulkApplyPostgresToPostgres() : BulkApplySuite(() => TestServers.PgChip, () => TestServers.PgDale);

[TestFixture]
public sealed class BulkApplyMariaDbToMariaDb() : BulkApplySuite(() => TestServers.MariaDbChip, () => TestServers.MariaDbDale);

[TestFixture]
public sealed class BulkApplyMariaDbToPostgres() : BulkApplySuite(() => TestServers.MariaDbChip, () => TestServers.PgDale);

[TestFixture]
public sealed class BulkApplyPostgresToMariaDb() : BulkApplySuite(() => TestServers.PgChip, () => TestServers.MariaDbDale);
