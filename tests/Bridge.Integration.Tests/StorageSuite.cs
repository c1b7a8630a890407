using Bridge.Core;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// Rows that chip's engine holds but dale's cannot (lengths, NUL, collation), and values that would break dale's regenerated
/// configuration: each is skipped with its reason, and everything else reaches dale. Before, one such row failed every sync.
/// </summary>
public abstract class StorageSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer)
{
    protected Pair _pair = null!;

    protected bool ChipIsPostgres => _pair.ChipServer.Engine == BlechEngine.Postgres;

    protected bool DaleIsMariaDb => _pair.DaleServer.Engine == BlechEngine.MariaDb;

    [SetUp]
    public async Task CreatePairAsync()
    {
        _pair = await Pair.CreateAsync(chipServer, daleServer);
        await _pair.Chip.AddClientAsync(new ClientSpec("acme"));
        await _pair.Chip.AddSiteAsync(new SiteSpec("acme", "good.example", PairAddresses.V));
        await _pair.Chip.AddMailDomainAsync(new MailDomainSpec("acme", "mail.example"));
        await _pair.Chip.AddZoneAsync(new ZoneSpec("acme", "good.example."));
        await _pair.Chip.AddRecordAsync(new RecordSpec("good.example.", "www", "A", PairAddresses.V));
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_pair.Folder, recursive: true);

    protected async Task<List<string>> SyncAndExpectSkippedAsync(params string[] expected)
    {
        var run = await _pair.BridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var skipped = run.Json.GetProperty("skipped").EnumerateArray()
            .Select(s => $"{s.GetProperty("kind").GetString()} {s.GetProperty("key").GetString()}: {s.GetProperty("reason").GetString()}")
            .ToList();
        Assert.That(skipped, Has.Count.EqualTo(expected.Length), string.Join("\n", skipped));
        foreach (var e in expected)
        {
            Assert.That(skipped, Has.Some.StartsWith(e), $"expected a skipped entry starting with: {e}\n{string.Join("\n", skipped)}");
        }

        Assert.That(await _pair.Dale.GetSiteAsync("good.example"), Is.Not.Null, "the rest is applied");
        Assert.That((await _pair.Dale.GetRecordsAsync("good.example.")).Select(r => r.Name), Does.Contain("www"));

        var again = await _pair.BridgeAsync("sync", "--format", "json");
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), "and the next sync is not blocked either\n" + again);
        return skipped;
    }

    [Test]
    public async Task TextLongerThanTheStandbysColumnIsSkipped()
    {
        if (!ChipIsPostgres)
        {
            // MariaDB's own TEXT holds no more than dale's: chip cannot hold such a row in the first place.
            await _pair.Chip.AddSiteAsync(new SiteSpec("acme", "fits.example", PairAddresses.V, CustomDirectives: new string('#', 60_000)));
            await SyncAndExpectSkippedAsync();
            return;
        }

        await _pair.Chip.AddSiteAsync(new SiteSpec("acme", "big.example", PairAddresses.V, CustomDirectives: "# " + new string('x', 1_000_000)));
        await SyncAndExpectSkippedAsync(DaleIsMariaDb ? ["site big.example: custom_directives is 1,000,002 bytes long; MariaDB (utf8mb4_general_ci) holds 65,535"] : []);
    }

    [Test]
    public async Task ValuesThatWouldBreakTheStandbysRegeneratedConfigurationAreSkipped()
    {
        await _pair.Chip.AddSiteAsync(new SiteSpec("acme", "dots.example", PairAddresses.V, DocumentRoot: "/var/www/../../../etc"));
        await _pair.Chip.AddSiteAsync(new SiteSpec("acme", "slash.example", PairAddresses.V, DocumentRoot: "/var/www/slash\\"));
        await _pair.Chip.AddSiteAsync(new SiteSpec("acme", "php.example", PairAddresses.V, PhpVersion: "8.2\nX"));
        await _pair.Chip.AddClientAsync(new ClientSpec("header", Email: "a@example.com\r\nBcc: all@example.net"));
        var expected = new List<string>
        {
            "site dots.example: document_root '/var/www/../../../etc' contains a '.' or '..' segment",
            "site slash.example: document_root '/var/www/slash\\' contains a backslash",
            "site php.example: php_version '8.2\\nX' is not a version",
            "client header: email 'a@example.com\\r\\nBcc: all@example.net' is not one email address",
        };
        if (ChipIsPostgres)
        {
            await _pair.Chip.AddRecordAsync(new RecordSpec("good.example.", "big", "TXT", new string('k', 100_000)));
            expected.Add("record good.example. big.good.example. TXT");
        }

        var skipped = await SyncAndExpectSkippedAsync([.. expected]);
        if (ChipIsPostgres)
        {
            Assert.That(skipped.Single(s => s.StartsWith("record", StringComparison.Ordinal)), Does.EndWith("TXT data of 100,000 bytes is more than one DNS record holds (65,535 bytes on the wire); named would refuse the whole zone"));
        }
    }
}

/// <summary>chip on PostgreSQL holds keys that MariaDB's collation calls equal.</summary>
public abstract class FromPostgresStorageSuite(Func<BlechServer> daleServer) : StorageSuite(() => TestServers.PgChip, daleServer)
{
    [Test]
    public async Task KeysTheStandbysCollationHoldsEqualAreSkippedAfterTheFirst()
    {
        await _pair.Chip.AddClientAsync(new ClientSpec("jose"));
        await _pair.Chip.AddClientAsync(new ClientSpec("josé"));
        await _pair.Chip.AddMailboxAsync(new MailboxSpec("mail.example", "emoji😀"));
        await _pair.Chip.AddMailboxAsync(new MailboxSpec("mail.example", "emoji😈"));
        var skipped = await SyncAndExpectSkippedAsync(DaleIsMariaDb
            ? ["client josé: 'josé' and 'jose' are one key to the standby's MariaDB", "mailbox emoji😈@mail.example: 'emoji😈@mail.example' and 'emoji😀@mail.example' are one key"]
            : []);
        if (!DaleIsMariaDb)
        {
            Assert.That(await _pair.Dale.GetClientAsync("josé"), Is.Not.Null);
        }

        Assert.That(skipped.All(s => !s.Contains("$6$", StringComparison.Ordinal)), "no hash in a reason");
    }
}

/// <summary>chip on MariaDB holds NUL bytes that PostgreSQL cannot.</summary>
public abstract class FromMariaDbStorageSuite(Func<BlechServer> daleServer) : StorageSuite(() => TestServers.MariaDbChip, daleServer)
{
    [Test]
    public async Task ANULByteIsSkippedOnAPostgreSQLStandby()
    {
        await _pair.Chip.AddClientAsync(new ClientSpec("nul", Name: "Nul\0Name"));
        await _pair.Chip.AddSiteAsync(new SiteSpec("acme", "nul.example", PairAddresses.V, CustomDirectives: "Header set X a\0b"));
        await SyncAndExpectSkippedAsync(DaleIsMariaDb ? ["client nul: name contains a line break or control character"]
            : ["client nul: name contains a line break or control character", "site nul.example: custom_directives contains a NUL byte, which PostgreSQL cannot store"]);
    }
}

public sealed class StoragePostgresToPostgres() : FromPostgresStorageSuite(() => TestServers.PgDale);

public sealed class StorageMariaDbToMariaDb() : FromMariaDbStorageSuite(() => TestServers.MariaDbDale);

public sealed class StorageMariaDbToPostgres() : FromMariaDbStorageSuite(() => TestServers.PgDale);

public sealed class StoragePostgresToMariaDb() : FromPostgresStorageSuite(() => TestServers.MariaDbDale);
