using System.Data.Common;
using Bridge.Core;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// Writes that the old no-op shortcut (counts, id sums, latest <c>updated_at</c>) missed: each is found by the next plain sync,
/// and shown by <c>diff --exit-code</c> and <c>status</c> first.
/// </summary>
public abstract class ChangeDetectionSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer) : PairSuite(chipServer, daleServer)
{
    [SetUp]
    public async Task FillAndSyncUntilNothingChangedAsync()
    {
        P.WriteConfig(c => c["guard"] = new Dictionary<string, object?> { ["maxDeleteShare"] = 0.5 });
        await SampleData.FillAsync(P.Chip, clients: 2, sitesPerClient: 3);
        await SyncAsync();
        var again = await P.BridgeAsync("sync");
        Assert.That(again.Stdout + again.Stderr, Does.Contain("nothing changed on either machine"), "the shortcut is in force before each case\n" + again);
    }

    private async Task<DbConnection> OpenChipAsync() => await OpenAsync(P.ChipServer);

    private static async Task<DbConnection> OpenAsync(BlechServer server)
    {
        var connection = Dialect(server).CreateConnection(server.ConnectionStringFor("blech"));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<long> ScalarAsync(DbConnection connection, DbTransaction? tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task SyncAsync()
    {
        var run = await P.BridgeAsync("sync");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
    }

    /// <summary>diff and status see something pending; the next plain sync brings dale in line with chip again.</summary>
    private async Task ExpectFoundAsync(string what)
    {
        var diff = await P.BridgeAsync("diff", "--exit-code");
        Assert.That(diff.ExitCode, Is.EqualTo(ExitCodes.Failure), $"diff must see {what}\n{diff}");
        var status = await P.BridgeAsync("status", "--format", "json");
        Assert.That(status.Json.GetProperty("pending").GetInt32(), Is.GreaterThan(0), $"status must count {what}\n{status}");
        await SyncAsync();
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()), what);
    }

    [Test]
    public async Task AnEditThatCommittedLastWithTheOlderTimestampIsFound()
    {
        var late = SampleData.SiteDomain(0);
        var early = SampleData.SiteDomain(1);
        await using var first = await OpenChipAsync();
        await using var second = await OpenChipAsync();

        // The first transaction takes its timestamp, then the second commits a newer one, then a sync runs, then the first commits.
        await using (var tx = await first.BeginTransactionAsync())
        {
            await ExecuteAsync(first, tx, $"UPDATE site SET document_root = '/srv/late', updated_at = '2020-01-01 00:00:00' WHERE domain = '{late}'");
            await ExecuteAsync(second, null, $"UPDATE site SET document_root = '/srv/early', updated_at = '2030-01-01 00:00:00' WHERE domain = '{early}'");
            await SyncAsync();
            await tx.CommitAsync();
        }

        await ExpectFoundAsync("the edit that committed last");
        Assert.That((await P.Dale.GetSiteAsync(late))!.DocumentRoot, Is.EqualTo("/srv/late"));
    }

    [Test]
    public async Task AWriteThatLeavesUpdatedAtAloneIsFoundOnEitherMachine()
    {
        await P.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/hand-fix' WHERE domain = '{SampleData.SiteDomain(2)}'");
        await ExpectFoundAsync("a hand fix on chip");

        await P.Dale.ExecuteAsync($"UPDATE site SET document_root = '/srv/behind-blech' WHERE domain = '{SampleData.SiteDomain(2)}'");
        await ExpectFoundAsync("a hand fix on dale");
        Assert.That((await P.Dale.GetSiteAsync(SampleData.SiteDomain(2)))!.DocumentRoot, Is.EqualTo("/srv/hand-fix"));
    }

    [Test]
    public async Task TwoRowsWrittenTogetherAndEditedTogetherAreFoundWhateverTheTransactionIds()
    {
        await EditTwoSitesTogetherAsync(P.Chip, P.ChipServer, "/srv/pair-chip");
        await ExpectFoundAsync("two sites edited in one transaction on chip");

        await EditTwoSitesTogetherAsync(P.Dale, P.DaleServer, "/srv/pair-dale");
        await ExpectFoundAsync("two sites edited in one transaction on dale");
    }

    /// <summary>
    /// Writes every site in one transaction, syncs, then edits two of them in one transaction. On PostgreSQL the two are chosen,
    /// and the edit retried, until the edit's transaction id differs from the first write's in just the bits in which the two
    /// sites' ids differ: a row hash of <c>id XOR xmin</c> alone (PostgreSQL's <c>hashint8extended</c> folds its 64 bits to
    /// 32 that way) then gives the two rows each other's old hash, and the table's XOR of hashes does not move.
    /// </summary>
    private async Task EditTwoSitesTogetherAsync(BlechInstance db, BlechServer server, string root)
    {
        if (server.Engine != BlechEngine.Postgres)
        {
            await db.ExecuteAsync($"UPDATE site SET document_root = '{root}' WHERE id IN (SELECT id FROM (SELECT id FROM site ORDER BY id LIMIT 2) two)");
            return;
        }

        const string Xid = "pg_current_xact_id()::text::bigint % 4294967296";
        await using var connection = await OpenAsync(server);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            long written;
            await using (var tx = await connection.BeginTransactionAsync())
            {
                await ExecuteAsync(connection, tx, "UPDATE site SET document_root = document_root");
                written = await ScalarAsync(connection, tx, $"SELECT {Xid}");
                await tx.CommitAsync();
            }

            if (written % 8 != 0)
            {
                continue;
            }

            await SyncAsync();
            var ids = (await db.QueryAsync<int>($"SELECT id FROM site WHERE xmin::text::bigint = {written} ORDER BY id")).ToList();
            await using var edit = await connection.BeginTransactionAsync();
            var xid = await ScalarAsync(connection, edit, $"SELECT {Xid}");
            var pair = ids.SelectMany(a => ids.Where(b => b > a && (a ^ b) == (xid ^ written)).Select(b => (A: a, B: b))).FirstOrDefault();
            if (xid - written >= 8 || pair == default)
            {
                await edit.RollbackAsync();
                continue;
            }

            await ExecuteAsync(connection, edit, $"UPDATE site SET document_root = '{root}' WHERE id IN ({pair.A}, {pair.B})");
            await edit.CommitAsync();
            var xmins = await db.QueryAsync<long>($"SELECT xmin::text::bigint FROM site WHERE id IN ({pair.A}, {pair.B})");
            Assert.That(xmins, Is.All.EqualTo(xid), "both sites were written by the edit's transaction");
            return;
        }

        Assert.Fail("no edit's transaction id fell where the test needs it in 50 attempts");
    }

    [Test]
    public async Task ADeleteAndInsertThatKeepTheCountTheIdsAndTheTimestampsIsFound()
    {
        var row = (await P.Chip.QueryAsync<(int Id, int DomainId, DateTime UpdatedAt)>("SELECT id, mail_domain_id, updated_at FROM mailbox ORDER BY id")).First();
        await using var chip = await OpenChipAsync();
        await using (var tx = await chip.BeginTransactionAsync())
        {
            await ExecuteAsync(chip, tx, $"DELETE FROM mailbox WHERE id = {row.Id}");
            await ExecuteAsync(chip, tx, $"INSERT INTO mailbox (id, mail_domain_id, local_part, password_hash, quota_mb, forward_to, active, updated_at) "
                + $"VALUES ({row.Id}, {row.DomainId}, 'replaced', '$6$rounds=5000$x$y', 0, NULL, {(P.ChipServer.Engine == BlechEngine.Postgres ? "true" : "1")}, '{row.UpdatedAt:yyyy-MM-dd HH:mm:ss.ffffff}')");
            await tx.CommitAsync();
        }

        await ExpectFoundAsync("a mailbox replaced under the same id");
    }
}

public sealed class DetectPostgresToPostgres() : ChangeDetectionSuite(() => TestServers.PgChip, () => TestServers.PgDale);

public sealed class DetectMariaDbToMariaDb() : ChangeDetectionSuite(() => TestServers.MariaDbChip, () => TestServers.MariaDbDale);

public sealed class DetectMariaDbToPostgres() : ChangeDetectionSuite(() => TestServers.MariaDbChip, () => TestServers.PgDale);

public sealed class DetectPostgresToMariaDb() : ChangeDetectionSuite(() => TestServers.PgChip, () => TestServers.MariaDbDale);
