using System.Diagnostics;
using Bridge.Core;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// Hostile data on every engine pair (SQL-looking strings, control characters, IDN and emoji, values at the maximum length and
/// one over, keys the standby's collation folds, NUL bytes): the bad rows are skipped with their reasons and everything else
/// converges. And a sync killed (SIGKILL) at random moments never leaves the standby half-written.
/// </summary>
public abstract class HostileDataSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer) : PairSuite(chipServer, daleServer)
{
    private const string SqlText = "'; DROP TABLE client; --";

    // Four labels, 253 characters: the longest host name there is.
    private static readonly string LongestDomain = new string('a', 63) + "." + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 53) + ".example";

    private bool DaleIsMariaDb => P.DaleServer.Engine == BlechEngine.MariaDb;

    [Test]
    public async Task BadRowsAreSkippedWithTheirReasonsAndEverythingElseConverges()
    {
        var c = P.Chip;
        await c.AddClientAsync(new ClientSpec("sql", Name: SqlText, Email: "o'brien@example.org"));
        await c.AddClientAsync(new ClientSpec("uni", Name: "Ünïcødé 名前 😀"));
        await c.AddClientAsync(new ClientSpec("maxname", Name: new string('n', 255)));
        await c.AddClientAsync(new ClientSpec("x'; DROP TABLE client; --"));
        await c.AddClientAsync(new ClientSpec("ctl", Name: "bell\u0007name"));
        await c.AddSiteAsync(new SiteSpec("sql", "xn--bcher-kva.example", PairAddresses.V));
        await c.AddSiteAsync(new SiteSpec("sql", "bücher.example", PairAddresses.V));
        await c.AddSiteAsync(new SiteSpec("sql", LongestDomain, PairAddresses.V));
        await c.AddSiteAsync(new SiteSpec("sql", "sqlsite.example", PairAddresses.V, CustomDirectives: "# " + SqlText + "\nHeader set X-Emoji \"😀\""));
        await c.AddSiteAsync(new SiteSpec("sql", "max.example", PairAddresses.V, CustomDirectives: new string('#', 65_535)));
        await c.AddZoneAsync(new ZoneSpec("sql", "hostile.example."));
        await c.AddRecordAsync(new RecordSpec("hostile.example.", "www", "A", PairAddresses.V));
        await c.AddRecordAsync(new RecordSpec("hostile.example.", "emoji", "TXT", "hello 😀"));
        await c.AddRecordAsync(new RecordSpec("hostile.example.", "sql", "TXT", "v=spf1 -all; DROP TABLE dns_record; --"));
        await c.AddRecordAsync(new RecordSpec("hostile.example.", "bad\u0001name", "A", "192.0.2.5"));
        await c.AddMailDomainAsync(new MailDomainSpec("sql", "mail.example"));
        await c.AddMailboxAsync(new MailboxSpec("mail.example", "emoji😀"));
        await c.AddMailboxAsync(new MailboxSpec("mail.example", "o'brien"));

        var skippedPrefixes = new List<string>
        {
            "client x'; drop table client; --: login",
            "client ctl: name contains a line break or control character",
        };
        if (ChipIsPostgres)
        {
            // Values PostgreSQL holds that MariaDB cannot, or holds as one key.
            await c.AddSiteAsync(new SiteSpec("sql", "over.example", PairAddresses.V, CustomDirectives: new string('#', 65_536)));
            await c.AddClientAsync(new ClientSpec("jose"));
            await c.AddClientAsync(new ClientSpec("josé"));
            await c.AddMailboxAsync(new MailboxSpec("mail.example", "emoji😈"));
            await c.AddRecordAsync(new RecordSpec("hostile.example.", "big", "TXT", new string('k', 100_000)));
            skippedPrefixes.Add("record hostile.example. big.hostile.example. TXT");
            if (DaleIsMariaDb)
            {
                skippedPrefixes.Add("site over.example: custom_directives is 65,536 bytes long");
                skippedPrefixes.Add("client josé: 'josé' and 'jose' are one key");
                skippedPrefixes.Add("mailbox emoji😈@mail.example:");
            }
        }
        else
        {
            await c.AddClientAsync(new ClientSpec("nul", Name: "Nul\0Name"));
            await c.AddSiteAsync(new SiteSpec("sql", "nul.example", PairAddresses.V, CustomDirectives: "Header set X a\0b"));
            skippedPrefixes.Add("client nul: name contains a line break or control character");
            if (!DaleIsMariaDb)
            {
                skippedPrefixes.Add("site nul.example: custom_directives contains a NUL byte");
            }
        }

        var run = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var skipped = run.Json.GetProperty("skipped").EnumerateArray()
            .Select(s => $"{s.GetProperty("kind").GetString()} {s.GetProperty("key").GetString()}: {s.GetProperty("reason").GetString()}")
            .ToList();
        var listing = string.Join("\n", skipped.Select(s => s.Length > 200 ? s[..200] + "..." : s));
        foreach (var prefix in skippedPrefixes)
        {
            Assert.That(skipped, Has.Some.StartsWith(prefix), $"expected skipped: {prefix}\n{listing}");
        }

        Assert.That(skipped.Any(s => s.StartsWith("record hostile.example. ", StringComparison.Ordinal) && s.Contains("control character", StringComparison.Ordinal)), Is.True, listing);
        Assert.That(skipped.All(s => s.Split(": ", 2).Length == 2 && s.Split(": ", 2)[1].Length > 0), "every skipped row has a reason\n" + listing);
        Assert.That(run.Stdout + run.Stderr, Does.Not.Contain("$6$"), "no password hash in any output");

        // Everything else reached dale as it is on chip.
        Assert.That((await P.Dale.GetClientAsync("sql"))?.Name, Is.EqualTo(SqlText));
        Assert.That((await P.Dale.GetClientAsync("uni"))?.Name, Is.EqualTo("Ünïcødé 名前 😀"));
        Assert.That((await P.Dale.GetClientAsync("maxname"))?.Name, Has.Length.EqualTo(255));
        Assert.That(await P.Dale.GetSiteAsync("xn--bcher-kva.example"), Is.Not.Null);
        Assert.That(await P.Dale.GetSiteAsync(LongestDomain), Is.Not.Null);
        Assert.That((await P.Dale.GetSiteAsync("sqlsite.example"))?.CustomDirectives, Does.Contain(SqlText));
        Assert.That((await P.Dale.GetSiteAsync("max.example"))?.CustomDirectives, Has.Length.EqualTo(65_535));
        Assert.That(await P.Dale.GetMailboxAsync("mail.example", "emoji😀"), Is.Not.Null);
        Assert.That(await P.Dale.GetMailboxAsync("mail.example", "o'brien"), Is.Not.Null);
        Assert.That((await P.Dale.GetRecordsAsync("hostile.example.")).Select(r => r.Data), Does.Contain("hello 😀"));
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM client"), Is.GreaterThan(0), "no table was dropped");

        // Converged: the next dry run plans nothing, the next sync succeeds.
        var diff = await P.BridgeAsync("diff", "--format", "json");
        Assert.That(diff.ExitCode, Is.EqualTo(ExitCodes.Success), diff.ToString());
        Assert.That(diff.Total("insert") + diff.Total("update") + diff.Total("delete"), Is.EqualTo(0), diff.Stdout);
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
    }

    // The built bridge binary, killed with SIGKILL at a random moment of a sync, ten times (the first a compare of everything,
    // the others incremental): every time dale is either as it was or as chip is (one transaction), and a plain sync afterwards
    // converges. The moments are drawn from a twentieth to 1.3 times the time the binary's dry run of the first sync takes on
    // this machine (timed first), so that runs die mid-way (and a few finish) on a fast machine as on a slow one.
    [Test]
    public async Task ASyncKilledAtRandomMomentsLeavesNothingHalfWrittenAndTheNextSyncConverges()
    {
        var binary = CliBinary();
        await SampleData.FillAsync(P.Chip, clients: 8, sitesPerClient: 10);

        Process Start(params string[] args)
        {
            var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args.Concat(["--config", P.ConfigPath]))
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        var timer = Stopwatch.StartNew();
        using (var dryRun = Start("diff"))
        {
            await dryRun.WaitForExitAsync();
            Assert.That(dryRun.ExitCode, Is.EqualTo(ExitCodes.Success), "the timed dry run");
        }

        var whole = (int)Math.Max(100, timer.ElapsedMilliseconds);
        var random = TestContext.CurrentContext.Random;
        var killed = 0;
        for (var round = 0; round < 10; round++)
        {
            await P.Chip.AddSiteAsync(new SiteSpec("client00", $"round{round}.example", PairAddresses.V));
            await P.Chip.UpdateSiteAsync(SampleData.SiteDomain(round), s => s with { DocumentRoot = $"/srv/round{round}" });
            var before = await P.Dale.DumpAsync();
            var target = await P.Chip.DumpAsync();
            var delay = TimeSpan.FromMilliseconds(random.Next(whole / 20, whole * 13 / 10));
            using var process = Start("sync");
            if (!process.WaitForExit(delay))
            {
                process.Kill();
                killed++;
            }

            await process.WaitForExitAsync();
            var after = await P.Dale.DumpAsync();
            Assert.That(after == before || after == target, Is.True, $"round {round}: stopped after {delay.TotalMilliseconds:0} ms of {whole} ms, dale is half-written");

            var sync = await P.BridgeAsync("sync", "--wait", "30");
            Assert.That(sync.ExitCode, Is.EqualTo(ExitCodes.Success), $"round {round}: {sync}");
            var diff = await P.BridgeAsync("diff", "--format", "json");
            Assert.That(diff.Total("insert") + diff.Total("update") + diff.Total("delete"), Is.EqualTo(0), $"round {round}: {diff.Stdout}");
            Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()), $"round {round}");
        }

        TestContext.Out.WriteLine($"killed {killed} of 10 runs; the dry run took {whole} ms");
        Assert.That(killed, Is.GreaterThan(0), $"at least one run was killed mid-way (the dry run took {whole} ms)");
    }

    // src/Bridge.Cli/bin/Release/net*/blech-bridge, the built command.
    private static string CliBinary()
    {
        var bin = Path.Combine(Repository.Root, "src", "Bridge.Cli", "bin", "Release");
        var found = Directory.Exists(bin)
            ? Directory.GetDirectories(bin, "net*").Select(d => Path.Combine(d, "blech-bridge")).FirstOrDefault(File.Exists)
            : null;
        Assert.That(found, Is.Not.Null, $"the built blech-bridge binary under {bin}");
        return found!;
    }
}

[TestFixture]
public sealed class HostilePostgresToPostgres() : HostileDataSuite(() => TestServers.PgChip, () => TestServers.PgDale);

[TestFixture]
public sealed class HostileMariaDbToMariaDb() : HostileDataSuite(() => TestServers.MariaDbChip, () => TestServers.MariaDbDale);

[TestFixture]
public sealed class HostileMariaDbToPostgres() : HostileDataSuite(() => TestServers.MariaDbChip, () => TestServers.PgDale);

[TestFixture]
public sealed class HostilePostgresToMariaDb() : HostileDataSuite(() => TestServers.PgChip, () => TestServers.MariaDbDale);
