using System.Text.RegularExpressions;
using Bridge.Core;
using Bridge.Core.Incremental;
using Bridge.Core.Model;
using Bridge.Data.Schema;
using Bridge.Data.State;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// A sync after the first reads only the rows whose hashes moved since the last sync (and what places them), converges as a
/// whole read would, and compares everything again on <c>resync</c> and when the last full compare is older than configured, so
/// that a wrong pair in Bridge's state cannot hide a difference for long.
/// </summary>
public abstract partial class IncrementalSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer) : PairSuite(chipServer, daleServer)
{
    [SetUp]
    public async Task FillAndCompareEverythingOnceAsync()
    {
        P.WriteConfig(c => c["guard"] = new Dictionary<string, object?> { ["maxDeleteShare"] = 0.5 });
        await SampleData.FillAsync(P.Chip, clients: 6, sitesPerClient: 5);
        var first = await SyncAsync();
        Assert.That(first.Stderr, Does.Contain("Comparing everything: no record of a compare of everything yet"), first.ToString());
    }

    [GeneratedRegex("reading ([0-9]+) of ([0-9]+)")]
    private static partial Regex ReadingPattern();

    private async Task<CliResult> SyncAsync(string command = "sync")
    {
        var run = await P.BridgeAsync(command);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        return run;
    }

    // How many rows an incremental sync read, of how many; fails when the sync compared everything.
    private static (int Read, int Total) Reading(CliResult run)
    {
        var match = ReadingPattern().Match(run.Stderr);
        Assert.That(match.Success, Is.True, "an incremental sync says how many rows it read\n" + run);
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task ExpectEqualAsync(string what) => Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()), what);

    [Test]
    public async Task ASyncReadsOnlyWhatChangedOnEitherMachineAndWhatPlacesItAndConverges()
    {
        await P.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/moved' WHERE domain = '{SampleData.SiteDomain(7)}'");
        await P.Chip.AddRecordAsync(new RecordSpec(SampleData.SiteDomain(12) + ".", "new", "A", PairAddresses.V));
        await P.Chip.ExecuteAsync("DELETE FROM mail_alias WHERE source = 'postmaster' AND mail_domain_id = (SELECT id FROM mail_domain WHERE domain = 'mail03.example')");
        await P.Dale.ExecuteAsync("UPDATE mailbox SET quota_mb = 7 WHERE local_part = 'user2' AND mail_domain_id = (SELECT id FROM mail_domain WHERE domain = 'mail04.example')");

        var run = await SyncAsync();

        var (read, total) = Reading(run);
        Assert.That(total, Is.GreaterThan(600), "both machines' rows");
        // The changed rows and the other rows of their pairs; their parents (with six clients and six mail domains, the few
        // parents touched are over a quarter of their kind, which is then read whole); the records under the zone whose serial
        // Blech's edit moved.
        Assert.That(read, Is.InRange(4, 60), run.ToString());
        Assert.That(read, Is.LessThan(total / 10), run.ToString());
        await ExpectEqualAsync("an incremental sync converges");
        var again = await SyncAsync();
        Assert.That(again.Stdout + again.Stderr, Does.Contain("nothing changed on either machine"), again.ToString());
    }

    [Test]
    public async Task RenamedParentsTakeTheirChildrenAlong()
    {
        // A record's key is read through its zone's origin, a site's client through the client's login: neither child row changes.
        await P.Chip.ExecuteAsync($"UPDATE dns_zone SET origin = 'renamed.example.' WHERE origin = '{SampleData.SiteDomain(3)}.'");
        await P.Chip.ExecuteAsync("UPDATE client SET login = 'client02renamed' WHERE login = 'client02'");

        var run = await SyncAsync();

        Assert.That(Reading(run).Read, Is.GreaterThan(10), "the children of both");
        await ExpectEqualAsync("renamed parents");
    }

    [Test]
    public async Task AWrongPairInTheStateIsPutRightByTheNextFullCompare()
    {
        // A difference the pairs cannot see: dale's row changes and its stored hash is made to match, as a bug in the scheme would.
        var domain = SampleData.SiteDomain(4);
        await P.Dale.ExecuteAsync($"UPDATE site SET document_root = '/srv/hidden' WHERE domain = '{domain}'");
        await HidePairAsync("site", domain);
        var blind = await SyncAsync();
        Assert.That((await P.Dale.GetSiteAsync(domain))!.DocumentRoot, Is.EqualTo("/srv/hidden"), "the premise: the pairs hide it\n" + blind);

        await P.Dale.ExecuteAsync(P.DaleServer.Engine == BlechEngine.Postgres
            ? "UPDATE bridge.row_pair_origin SET compared_at = compared_at - interval '2 days'"
            : "UPDATE bridge.row_pair_origin SET compared_at = compared_at - INTERVAL 2 DAY");
        var aged = await SyncAsync();

        Assert.That(aged.Stderr, Does.Contain("Comparing everything: the last compare of everything is older than 24 h"), aged.ToString());
        await ExpectEqualAsync("a full compare once the last one is a day old");

        await P.Dale.ExecuteAsync($"UPDATE site SET document_root = '/srv/hidden-again' WHERE domain = '{domain}'");
        await HidePairAsync("site", domain);
        var resync = await SyncAsync("resync");

        Assert.That(resync.Stderr, Does.Contain("Comparing everything: a resync compares everything"), resync.ToString());
        await ExpectEqualAsync("resync compares everything");
    }

    [Test]
    public async Task ACompareOfEverythingDatedInTheFutureIsNotTrusted()
    {
        // A run under a clock a year fast (a machine that booted before NTP set it right) left that date; the clock was then put
        // right. Trusted, the pairs would go unchecked for a year, and a difference they cannot see with them.
        var domain = SampleData.SiteDomain(4);
        await P.Dale.ExecuteAsync($"UPDATE site SET document_root = '/srv/hidden' WHERE domain = '{domain}'");
        await HidePairAsync("site", domain);
        await P.Dale.ExecuteAsync(P.DaleServer.Engine == BlechEngine.Postgres
            ? "UPDATE bridge.row_pair_origin SET compared_at = compared_at + interval '365 days'"
            : "UPDATE bridge.row_pair_origin SET compared_at = compared_at + INTERVAL 365 DAY");

        var run = await SyncAsync();

        Assert.That(run.Stderr, Does.Match("Comparing everything: the last compare of everything is dated [0-9-]+ [0-9:]+Z, later than this machine's clock"), run.ToString());
        await ExpectEqualAsync("a full compare when the last one is dated in the future");
        var again = await SyncAsync();
        Assert.That(again.Stdout + again.Stderr, Does.Contain("nothing changed on either machine"), "the date the compare left is trusted\n" + again);
    }

    [Test]
    public async Task PairsInTheFormerOneRowAPairFormAreDroppedAndEverythingComparedOnce()
    {
        // A state written by a Bridge of state version 5: one row per pair in bridge.row_pair. The upgrade drops them and the
        // next sync compares everything, then pairs again.
        var dialect = Dialect(P.DaleServer);
        await P.Dale.ExecuteAsync("DROP TABLE bridge.row_pair_part");
        await P.Dale.ExecuteAsync(dialect.StateMigrations[4]);
        await P.Dale.ExecuteAsync("INSERT INTO bridge.row_pair (kind, peer_id, peer_hash, local_id, local_hash) VALUES (1, 1, 1, 1, 1)");
        await P.Dale.ExecuteAsync("UPDATE bridge.schema_version SET version = 5");
        await P.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/upgraded' WHERE domain = '{SampleData.SiteDomain(2)}'");

        var upgraded = await SyncAsync();

        Assert.That(upgraded.Stderr, Does.Contain("Comparing everything: no record of a compare of everything yet"), upgraded.ToString());
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT MAX(version) FROM bridge.schema_version"), Is.EqualTo(Dialect(P.DaleServer).StateMigrations.Count));
        await ExpectEqualAsync("the sync after the upgrade");
        await P.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/upgraded-again' WHERE domain = '{SampleData.SiteDomain(2)}'");
        Assert.That(Reading(await SyncAsync()).Read, Is.InRange(1, 20), "incremental again");
        await ExpectEqualAsync("the next sync");
    }

    [Test]
    public async Task AStoredPairPartThatIsNotWholePairsIsNotTrusted()
    {
        // A part cut short (a hand edit, a restore gone wrong): no stored pair is trusted, the sync compares everything.
        await P.Dale.ExecuteAsync(P.DaleServer.Engine == BlechEngine.Postgres
            ? "UPDATE bridge.row_pair_part SET pairs = substring(pairs from 1 for 23) WHERE kind = 1"
            : "UPDATE bridge.row_pair_part SET pairs = SUBSTRING(pairs, 1, 23) WHERE kind = 1");
        await P.Chip.ExecuteAsync($"UPDATE site SET php_version = '8.2' WHERE domain = '{SampleData.SiteDomain(5)}'");

        var run = await SyncAsync();

        Assert.That(run.Stderr, Does.Contain("Comparing everything: no record of a compare of everything yet"), run.ToString());
        await ExpectEqualAsync("a sync that did not trust the pairs");
        await P.Chip.ExecuteAsync($"UPDATE site SET php_version = '8.4' WHERE domain = '{SampleData.SiteDomain(5)}'");
        Assert.That(Reading(await SyncAsync()).Read, Is.InRange(1, 20), "the pairs written whole again");
    }

    [Test]
    public async Task AStoredPairPartLongerThanBridgeWritesIsReadWhole()
    {
        // Bridge writes at most 4,096 pairs a part (96 KiB), and reads the parts through a buffer of that size; a part made
        // longer by hand (its pairs repeated: every id still in its range) takes a bigger one, and its first pairs are the ones
        // kept. The sync that follows reads incrementally, so the long part was read whole and trusted.
        await P.Dale.ExecuteAsync(P.DaleServer.Engine == BlechEngine.Postgres
            ? "UPDATE bridge.row_pair_part SET pairs = decode(repeat(encode(pairs, 'hex'), 5000), 'hex') WHERE kind = 1"
            : "UPDATE bridge.row_pair_part SET pairs = REPEAT(pairs, 5000) WHERE kind = 1");
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT MIN(LENGTH(pairs)) FROM bridge.row_pair_part WHERE kind = 1"), Is.GreaterThan(4096 * 24));
        await P.Chip.ExecuteAsync($"UPDATE site SET php_version = '8.2' WHERE domain = '{SampleData.SiteDomain(5)}'");

        var run = await SyncAsync();

        Assert.That(Reading(run).Read, Is.InRange(1, 20), run.ToString());
        await ExpectEqualAsync("a sync over a part longer than Bridge writes");
    }

    [Test]
    public async Task AFullCompareAgeOfZeroComparesEverythingOnEverySync()
    {
        P.WriteConfig(c =>
        {
            c["guard"] = new Dictionary<string, object?> { ["maxDeleteShare"] = 0.5 };
            c["sync"] = new Dictionary<string, object?> { ["fullCompareEverySeconds"] = 0 };
        });
        await P.Chip.ExecuteAsync($"UPDATE site SET php_version = '8.3' WHERE domain = '{SampleData.SiteDomain(1)}'");

        var run = await SyncAsync();

        Assert.That(run.Stderr, Does.Contain("Comparing everything: the last compare of everything is older than 0 h"), run.ToString());
        await ExpectEqualAsync("a sync that compares everything");
    }

    [Test]
    public async Task TheFingerprintSummedFromAListingIsTheOneTheServerComputes()
    {
        // A sync stores the active machine's fingerprint from the listing it already holds, not from a second scan; the no-op
        // shortcut compares it later with the server's own. They must agree to the bit, and both must move with any write.
        var dialect = Dialect(P.ChipServer);
        async Task<(string FromListing, string FromServer)> BothAsync()
        {
            await using var connection = dialect.CreateConnection(P.ChipServer.ConnectionStringFor("blech"));
            await connection.OpenAsync();
            await using var tx = await dialect.BeginSnapshotAsync(connection, default);
            var listing = await Bridge.Data.Read.RowListing.ReadAsync(connection, tx, dialect, default);
            return (await Bridge.Data.Read.Fingerprint.FromListingAsync(connection, tx, dialect, listing, default),
                await Bridge.Data.Read.Fingerprint.ReadAsync(connection, tx, dialect, default));
        }

        var before = await BothAsync();
        Assert.That(before.FromListing, Is.EqualTo(before.FromServer));
        Assert.That(before.FromServer, Does.Contain("dns_record:"), "per table");

        // A write that keeps the row count and touches no timestamp.
        await P.Chip.ExecuteAsync("UPDATE dns_record SET ttl = 4242 WHERE id = (SELECT id FROM (SELECT MIN(id) AS id FROM dns_record) r)");
        await P.Chip.ExecuteAsync("DELETE FROM mail_alias WHERE id = (SELECT id FROM (SELECT MAX(id) AS id FROM mail_alias) m)");
        var after = await BothAsync();
        Assert.That(after.FromListing, Is.EqualTo(after.FromServer));
        Assert.That(after.FromServer, Is.Not.EqualTo(before.FromServer));
    }

    [Test]
    public async Task TheListingReadWithTheRowsIsTheOneAListingOfItsOwnGives()
    {
        // A run that compares everything lists the active machine's rows in the statements that read them; its pairs and its
        // fingerprint come from that listing, so it must equal a listing of its own, row for row.
        await P.Chip.ExecuteAsync("UPDATE dns_record SET ttl = 4242 WHERE id = (SELECT id FROM (SELECT MIN(id) AS id FROM dns_record) r)");
        var dialect = Dialect(P.ChipServer);
        await using var connection = dialect.CreateConnection(P.ChipServer.ConnectionStringFor("blech"));
        await connection.OpenAsync();
        await using var tx = await dialect.BeginSnapshotAsync(connection, default);
        var own = await Bridge.Data.Read.RowListing.ReadAsync(connection, tx, dialect, default);
        var (snapshot, listed) = await Bridge.Data.Read.SnapshotReader.ReadListedAsync(connection, tx, dialect, default);
        var plain = await Bridge.Data.Read.SnapshotReader.ReadAsync(connection, tx, default);

        foreach (var kind in ObjectKinds.All)
        {
            Assert.That(own[kind], Is.Not.Empty, kind.ToString());
            Assert.That(listed[kind], Is.EquivalentTo(own[kind]), kind.ToString());
        }

        Assert.That(snapshot.TotalObjects, Is.EqualTo(plain.TotalObjects));
        Assert.That(snapshot.Records.Select(r => (r.Id, r.Ttl, r.Data)), Is.EqualTo(plain.Records.Select(r => (r.Id, r.Ttl, r.Data))));
    }

    [Test]
    public async Task ARunReadsByIdsExactlyTheRowsOfThoseIdsInIdOrderPastAThousandIds()
    {
        // An incremental sync reads and lists the rows of the ids its change set names, in the statements the engine's dialect
        // makes (PostgreSQL: one, the ids as an array; MariaDB: a thousand literal ids a statement). Every second row of each
        // kind, and 2,500 ids that hold no row, spread over the ranges: the rows read are those ids' rows, in id order.
        var dialect = Dialect(P.ChipServer);
        await using var connection = dialect.CreateConnection(P.ChipServer.ConnectionStringFor("blech"));
        await connection.OpenAsync();
        await using var tx = await dialect.BeginSnapshotAsync(connection, default);
        var whole = await Bridge.Data.Read.RowListing.ReadAsync(connection, tx, dialect, default);
        var ids = ObjectKinds.All.ToDictionary(k => k, k =>
        {
            var some = whole[k].Keys.Order().Where((_, i) => i % 2 == 0).ToHashSet();
            some.UnionWith(Enumerable.Range(1, 2500).Select(i => -i * 7));
            some.UnionWith(Enumerable.Range(1, 2500).Select(i => 1_000_000 + (i * 3)));
            return (HashSet<int>?)some;
        });

        var listed = await Bridge.Data.Read.RowListing.ReadAsync(connection, tx, dialect, default, ids);
        var read = await Bridge.Data.Read.SnapshotReader.ReadAsync(connection, tx, default, only: (dialect, ids));
        var all = await Bridge.Data.Read.SnapshotReader.ReadAsync(connection, tx, default);

        foreach (var kind in ObjectKinds.All)
        {
            var expected = whole[kind].Where(r => ids[kind]!.Contains(r.Key)).ToDictionary();
            Assert.That(expected, Is.Not.Empty, kind.ToString());
            Assert.That(listed[kind], Is.EquivalentTo(expected), kind.ToString());
        }

        static IEnumerable<int> Ids(BlechSnapshot s, ObjectKind kind) => kind switch
        {
            ObjectKind.Client => s.Clients.Select(r => r.Id),
            ObjectKind.Site => s.Sites.Select(r => r.Id),
            ObjectKind.Zone => s.Zones.Select(r => r.Id),
            ObjectKind.Record => s.Records.Select(r => r.Id),
            ObjectKind.MailDomain => s.MailDomains.Select(r => r.Id),
            ObjectKind.Mailbox => s.Mailboxes.Select(r => r.Id),
            _ => s.Aliases.Select(r => r.Id),
        };

        foreach (var kind in ObjectKinds.All)
        {
            Assert.That(Ids(read, kind), Is.EqualTo(Ids(all, kind).Where(id => ids[kind]!.Contains(id))), kind + ": those rows, in id order");
        }

        Assert.That(read.Records.Select(r => (r.Id, r.Ttl, r.Data)), Is.EqualTo(all.Records.Where(r => ids[ObjectKind.Record]!.Contains(r.Id)).Select(r => (r.Id, r.Ttl, r.Data))));
    }

    [Test]
    public async Task ASyncWritesOnlyItsChangesBesideThePartsAndTheyAddUpToWhatAResyncWrites()
    {
        var parts = await PartsAsync();
        await P.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/delta' WHERE domain = '{SampleData.SiteDomain(7)}'");
        await P.Chip.AddRecordAsync(new RecordSpec(SampleData.SiteDomain(12) + ".", "delta", "A", PairAddresses.V));
        await P.Dale.ExecuteAsync("DELETE FROM mail_alias WHERE source = 'postmaster' AND mail_domain_id = (SELECT id FROM mail_domain WHERE domain = 'mail03.example')");
        Reading(await SyncAsync());
        await P.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/delta-again' WHERE domain = '{SampleData.SiteDomain(7)}'");
        await P.Chip.ExecuteAsync($"DELETE FROM dns_record WHERE name = 'delta'");
        Reading(await SyncAsync());
        await ExpectEqualAsync("two incremental syncs");

        Assert.That(await PartsAsync(), Is.EqualTo(parts), "no part written again");
        Assert.That(await P.Dale.ScalarAsync<long>($"SELECT COUNT(*) FROM bridge.row_pair_delta WHERE kind = {(int)ObjectKind.Site}"), Is.EqualTo(1));
        var incremental = await StoredPairsAsync();

        var resync = await SyncAsync("resync");
        Assert.That(resync.Stderr, Does.Contain("Comparing everything"), resync.ToString());
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM bridge.row_pair_delta"), Is.Zero, "a compare of everything writes the parts whole");
        foreach (var kind in ObjectKinds.All)
        {
            Assert.That(incremental.Pairs[kind], Is.EquivalentTo((await StoredPairsAsync()).Pairs[kind]), kind.ToString());
        }
    }

    [Test]
    public async Task ChangesPastTheirShareAreFoldedIntoTheParts()
    {
        // Bridge folds a kind's changes into its parts once they pass an eighth of them; here the limit is set to none.
        var stored = await StoredPairsAsync();
        var site = stored.Pairs[ObjectKind.Site][0];
        await WritePairsAsync(new PairStore(Dialect(P.DaleServer)) { CompactAbove = 0 }, stored, ObjectKind.Site, [site with { LocalHash = 42 }]);

        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM bridge.row_pair_delta"), Is.Zero);
        var folded = await StoredPairsAsync();
        Assert.That(folded.Pairs[ObjectKind.Site], Is.EquivalentTo(stored.Pairs[ObjectKind.Site].Select(p => p.PeerId == site.PeerId ? p with { LocalHash = 42 } : p)));
        Assert.That(folded.Pairs[ObjectKind.Zone], Is.EquivalentTo(stored.Pairs[ObjectKind.Zone]));
    }

    [Test]
    public async Task StoredChangesThatAreNotWholeIdsAreNotTrusted()
    {
        await P.Chip.ExecuteAsync($"UPDATE site SET php_version = '8.2' WHERE domain = '{SampleData.SiteDomain(5)}'");
        Reading(await SyncAsync());
        await P.Dale.ExecuteAsync(P.DaleServer.Engine == BlechEngine.Postgres
            ? "UPDATE bridge.row_pair_delta SET gone = substring(gone from 1 for 3)"
            : "UPDATE bridge.row_pair_delta SET gone = SUBSTRING(gone, 1, 3)");
        await P.Chip.ExecuteAsync($"UPDATE site SET php_version = '8.4' WHERE domain = '{SampleData.SiteDomain(5)}'");

        var run = await SyncAsync();

        Assert.That(run.Stderr, Does.Contain("Comparing everything: no record of a compare of everything yet"), run.ToString());
        await ExpectEqualAsync("a sync that did not trust the stored changes");
    }

    [Test]
    public async Task HashesOfAnotherHashFunctionMakeTheNextSyncCompareEverythingOnce()
    {
        // As after an upgrade that changed how a server hashes its rows (MariaDB: MD5, then SHA-1): no stored hash matches.
        var stored = await StoredPairsAsync();
        await using (var connection = await DaleAsync())
        {
            await using var tx = await connection.BeginTransactionAsync();
            await new PairStore(Dialect(P.DaleServer)).WriteAsync(connection, tx, stored,
                ObjectKinds.All.ToDictionary(k => k, _ => (List<int>?)null),
                ObjectKinds.All.ToDictionary(k => k, k => stored.Pairs[k].Select(p => p with { PeerHash = ~p.PeerHash, LocalHash = ~p.LocalHash }).ToList()),
                stored.ComparedAt, stored.Context, CancellationToken.None);
            await tx.CommitAsync();
        }

        await P.Chip.ExecuteAsync($"UPDATE site SET php_version = '8.1' WHERE domain = '{SampleData.SiteDomain(3)}'");
        var run = await SyncAsync();

        Assert.That(run.Stderr, Does.Match("Comparing everything: [0-9]+ of [0-9]+ rows to read"), run.ToString());
        await ExpectEqualAsync("the sync that found no stored hash matching");
        await P.Chip.ExecuteAsync($"UPDATE site SET php_version = '8.3' WHERE domain = '{SampleData.SiteDomain(3)}'");
        Assert.That(Reading(await SyncAsync()).Read, Is.InRange(1, 20), "incremental again");
        await ExpectEqualAsync("the next sync");
    }

    [Test]
    public async Task ADiffBeforeTheFirstSyncOfThisVersionReadsTheFormerStateAndTheSyncUpgradesIt()
    {
        // A state of version 6 (the pairs in parts only), as an older Bridge left it; the new Bridge's first run is a diff (the
        // daily report), which writes nothing and so does not upgrade the state.
        await P.Dale.ExecuteAsync("DROP TABLE bridge.row_pair_delta");
        await P.Dale.ExecuteAsync("UPDATE bridge.schema_version SET version = 6");
        await P.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/before-upgrade' WHERE domain = '{SampleData.SiteDomain(6)}'");

        var diff = await P.BridgeAsync("diff", "--exit-code");

        Assert.That(diff.ExitCode, Is.EqualTo(ExitCodes.Failure), "one change pending\n" + diff);
        Assert.That(Reading(diff).Read, Is.InRange(1, 20), "read incrementally from the former state's pairs");
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT MAX(version) FROM bridge.schema_version"), Is.EqualTo(6), "a diff upgrades nothing");
        Assert.That(Reading(await SyncAsync()).Read, Is.InRange(1, 20), "the sync upgrades the state and reads incrementally too");
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT MAX(version) FROM bridge.schema_version"), Is.EqualTo(Dialect(P.DaleServer).StateMigrations.Count));
        await ExpectEqualAsync("the sync after the upgrade");
    }

    [Test]
    public async Task ASyncWritesTheAddressesOfTheSitesItChangedOnly()
    {
        var before = await SiteAddressRowsAsync();
        Assert.That(before, Has.Count.EqualTo(30), "the premise: every site's address is stored");
        await P.Chip.AddSiteAsync(new SiteSpec("client01", "added.example", PairAddresses.V));
        await P.Chip.DeleteSiteAsync(SampleData.SiteDomain(2));

        Reading(await SyncAsync());

        var after = await SiteAddressRowsAsync();
        Assert.That(after.Keys, Is.EquivalentTo(before.Keys.Where(d => d != SampleData.SiteDomain(2)).Append("added.example")));
        Assert.That(after.Where(a => a.Key != "added.example"), Is.EquivalentTo(before.Where(b => b.Key != SampleData.SiteDomain(2))),
            "the other sites' rows are left as they were written");
        Assert.That(after["added.example"].Address, Is.EqualTo(PairAddresses.V));
    }

    private async Task<Dictionary<string, (string Address, DateTime WrittenAt)>> SiteAddressRowsAsync()
    {
        await using var connection = await DaleAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT domain, address, written_at FROM bridge.site_address";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, (string, DateTime)>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = (reader.GetString(1), reader.GetDateTime(2));
        }

        return rows;
    }

    private async Task<PairState> StoredPairsAsync()
    {
        await using var connection = await DaleAsync();
        var stored = await PairStore.ReadAsync(connection, null, CancellationToken.None);
        Assert.That(stored, Is.Not.Null, "the stored pairs");
        return stored!;
    }

    private async Task<List<string>> PartsAsync()
    {
        await using var connection = await DaleAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, part, pairs FROM bridge.row_pair_part ORDER BY kind, part";
        await using var reader = await command.ExecuteReaderAsync();
        var parts = new List<string>();
        while (await reader.ReadAsync())
        {
            parts.Add($"{reader.GetInt32(0)}/{reader.GetInt32(1)}: {Convert.ToHexString((byte[])reader.GetValue(2))}");
        }

        Assert.That(parts, Is.Not.Empty);
        return parts;
    }

    // Sets the stored standby hash of the site's pair to the hash its row has now, so that the pair claims it is unchanged.
    private async Task HidePairAsync(string table, string domain)
    {
        var dialect = Dialect(P.DaleServer);
        var description = BlechTables.Synced.Single(t => t.Name == table);
        long id, hash;
        await using (var connection = await DaleAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"{Bridge.Data.Read.RowListing.Select(dialect, description)} WHERE id = (SELECT id FROM {table} WHERE domain = '{domain}')";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.That(await reader.ReadAsync(), Is.True);
            (id, hash) = (reader.GetInt32(0), reader.GetInt64(2));
        }

        var stored = await StoredPairsAsync();
        var kind = description.Kind!.Value;
        var pair = stored.Pairs[kind].Single(p => p.LocalId == id);
        await WritePairsAsync(new PairStore(dialect), stored, kind, [pair with { LocalHash = hash }]);
    }

    private async Task<System.Data.Common.DbConnection> DaleAsync()
    {
        var connection = Dialect(P.DaleServer).CreateConnection(P.DaleServer.ConnectionStringFor("blech"));
        await connection.OpenAsync();
        return connection;
    }

    // Writes the stored pairs as a sync that replaced the pairs of one kind's peer ids with <paramref name="replaced"/> would.
    private async Task WritePairsAsync(PairStore store, PairState stored, ObjectKind kind, List<RowPair> replaced)
    {
        await using var connection = await DaleAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await store.WriteAsync(connection, tx, stored,
            ObjectKinds.All.ToDictionary(k => k, k => (List<int>?)(k == kind ? replaced.Select(p => p.PeerId).ToList() : [])),
            ObjectKinds.All.ToDictionary(k => k, k => k == kind ? replaced : []),
            stored.ComparedAt, stored.Context, CancellationToken.None);
        await tx.CommitAsync();
    }
}

public sealed class IncrementalPostgresToPostgres() : IncrementalSuite(() => TestServers.PgChip, () => TestServers.PgDale);

public sealed class IncrementalMariaDbToMariaDb() : IncrementalSuite(() => TestServers.MariaDbChip, () => TestServers.MariaDbDale);

public sealed class IncrementalMariaDbToPostgres() : IncrementalSuite(() => TestServers.MariaDbChip, () => TestServers.PgDale);

public sealed class IncrementalPostgresToMariaDb() : IncrementalSuite(() => TestServers.PgChip, () => TestServers.MariaDbDale);

/// <summary>The packed form of the stored pairs, without a database.</summary>
public sealed class PackedPairsTests
{
    [Test]
    public void PackedPairsReadBackAsWrittenAndAForeignPartIsRefused()
    {
        RowPair[] pairs = [new(4096, long.MinValue, 7, -1), new(4097, 42, int.MaxValue, long.MaxValue), new(8191, 0, 1, 2)];
        var bytes = PairStore.Pack(pairs);
        Assert.That(bytes, Has.Length.EqualTo(72));

        var read = new List<RowPair>();
        Assert.That(PairStore.TryUnpack(bytes, 1, read), Is.True);
        Assert.That(read, Is.EqualTo(pairs));
        Assert.That(PairStore.TryUnpack(bytes, 0, []), Is.False, "ids outside the part");
        Assert.That(PairStore.TryUnpack(bytes.AsSpan(0, 71), 1, []), Is.False, "not whole pairs");
    }
}
