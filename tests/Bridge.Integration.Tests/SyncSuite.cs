using Bridge.Core;
using Bridge.Data.Run;
using Bridge.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using Bridge.Core.Normalize;
using System.Net;

namespace Bridge.Integration.Tests;

/// <summary>
/// The sync core against real databases, written once and run for every engine pair (chip's engine → dale's engine).
/// Every test starts from two freshly created Blech databases.
/// </summary>
public abstract class SyncSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer) : PairSuite(chipServer, daleServer)
{
    private const int Sites = 30;

    private async Task FillAndPushAsync()
    {
        await SampleData.FillAsync(P.Chip, clients: 6, sitesPerClient: Sites / 6);
        await P.PushAsync();
    }

    [Test]
    public async Task FirstSyncIntoAPushFilledStandbyConvergesAndTheSecondIsANoOp()
    {
        await FillAndPushAsync();
        Assert.That(await P.Dale.DumpAsync(), Is.Not.EqualTo(await P.Chip.DumpAsync()), "the push alone leaves dale different (no zones, sites on D)");

        var first = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(first.Count("zone", "insert"), Is.EqualTo(Sites));
            Assert.That(first.Count("site", "update"), Is.EqualTo(Sites), "the push put every site on D");
            Assert.That(first.Count("site", "insert"), Is.Zero);
            Assert.That(first.Count("client", "insert"), Is.Zero);
            Assert.That(first.Json.GetProperty("registeredAddresses")[0].GetString(), Is.EqualTo(PairAddresses.V));
        });
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));

        var second = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Success), second.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(second.Total("insert") + second.Total("update") + second.Total("delete"), Is.Zero, second.Stdout);
            Assert.That(second.Total("reverted"), Is.Zero);
        });

        var diff = await P.BridgeAsync("diff", "--exit-code");
        Assert.That(diff.ExitCode, Is.EqualTo(ExitCodes.Success), diff.ToString());
        Assert.That(diff.Stdout, Does.Contain("no changes"));
    }

    [Test]
    public async Task ARunAskedForByManyLongAdminLoginsIsAppliedAndRecorded()
    {
        // One resync answers every click of a batch; their logins together outgrew requested_by's 255 characters, and the
        // whole run failed, unrecorded.
        await FillAndPushAsync();
        var admins = string.Join(',', Enumerable.Range(0, 12).Select(i => $"admin{i:00}.{new string('x', 40)}@example.org"));
        var run = await P.BridgeAsync("sync", "--requested-by", admins);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var recorded = await P.Dale.ScalarAsync<string>("SELECT requested_by FROM bridge.run WHERE command = 'sync'");
        Assert.That(recorded, Does.StartWith("admin00.").And.EndWith("more)"));
        Assert.That(recorded!.Length, Is.LessThanOrEqualTo(255));
    }

    [Test]
    public async Task DiffChangesNothingAndReportsPendingChangesWithExitCode1()
    {
        await FillAndPushAsync();
        var before = await P.Dale.DumpAsync();
        var queueBefore = (await P.Dale.GetQueueAsync()).Count;

        var diff = await P.BridgeAsync("diff", "--exit-code", "--all");
        Assert.That(diff.ExitCode, Is.EqualTo(ExitCodes.Failure), diff.ToString());
        Assert.That(diff.Stdout, Does.Contain("+ zone site000.example."));
        Assert.That(diff.Stdout, Does.Contain($"~ site site000.example: ip_address: '{PairAddresses.D}' -> '{PairAddresses.V}'"));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(before));
        Assert.That((await P.Dale.GetQueueAsync()).Count, Is.EqualTo(queueBefore));
        Assert.That(await P.Dale.GetIpAddressesAsync(), Does.Not.Contain(PairAddresses.V), "diff must not register V");
    }

    [Test]
    public async Task EditsDeletesAndRenamesOnChipReachDale()
    {
        await FillAndPushAsync();
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));

        var site1 = SampleData.SiteDomain(1);
        await P.Chip.UpdateSiteAsync(site1, s => s with { Aliases = $"new.{site1} www.{site1}", DocumentRoot = "/srv/moved", HttpsPort = 8443, SslCertPath = "/c", SslKeyPath = "/k" });
        await P.Chip.DeleteSiteAsync(SampleData.SiteDomain(2));
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "renamed002.example", PairAddresses.V));
        await P.Chip.UpdateRecordAsync(new RecordSpec(SampleData.SiteDomain(4) + ".", "@", "TXT", "v=spf1 a mx -all"), r => r with { Data = "v=spf1 -all" });
        await P.Chip.UpdateRecordAsync(new RecordSpec(SampleData.SiteDomain(4) + ".", "www", "A", PairAddresses.V), r => r with { Ttl = 60 });
        await P.Chip.DeleteZoneAsync(SampleData.SiteDomain(3) + ".");
        await P.Chip.DeleteMailboxAsync("mail00.example", "user3");
        await P.Chip.UpdateMailboxAsync("mail01.example", "user0", m => m with { PasswordHash = "$6$rounds=5000$new$changedsecret" });
        await P.Chip.AddClientAsync(new ClientSpec("newcomer", "New Customer", "new@example.org"));
        await P.Chip.AddSiteAsync(new SiteSpec("newcomer", "newcomer.example", PairAddresses.V));
        await P.Chip.UpdateAliasAsync("mail02.example", "postmaster", a => a with { Destination = "user1@mail02.example" });

        var run = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(run.Count("site", "insert"), Is.EqualTo(2));
            Assert.That(run.Count("site", "update"), Is.EqualTo(1));
            Assert.That(run.Count("site", "delete"), Is.EqualTo(1));
            Assert.That(run.Count("zone", "delete"), Is.EqualTo(1));
            Assert.That(run.Count("client", "insert"), Is.EqualTo(1));
            Assert.That(run.Count("mailbox", "delete"), Is.EqualTo(1));
            Assert.That(run.Count("mailbox", "update"), Is.EqualTo(1));
            Assert.That(run.Count("alias", "update"), Is.EqualTo(1));
            Assert.That(run.Stdout, Does.Not.Contain("changedsecret"), "password hashes never appear in reports");
        });
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));

        var again = await P.BridgeAsync("diff", "--exit-code");
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.ToString());
    }

    [Test]
    public async Task BlechsPushUndoingAddressesIsPutBackAndCountedAsReverts()
    {
        await FillAndPushAsync();
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        await P.PushAsync();
        Assert.That((await P.Dale.GetSitesAsync()).Select(s => s.IpAddress).Distinct(), Is.EqualTo(new[] { PairAddresses.D }), "the push sets dale's address");

        var run = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(run.Total("reverted"), Is.EqualTo(Sites));
            Assert.That(run.Count("site", "update"), Is.Zero, "reverts are counted apart from real changes");
            Assert.That(run.Json.GetProperty("reverted")[0].GetProperty("from").GetString(), Is.EqualTo(PairAddresses.D));
        });
        Assert.That((await P.Dale.GetSitesAsync()).Select(s => s.IpAddress).Distinct(), Is.EqualTo(new[] { PairAddresses.V }));
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM bridge.revert WHERE kind = 'site'"), Is.EqualTo(Sites), "reverts are logged in Bridge's state");

        var quiet = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(quiet.Total("reverted"), Is.Zero, quiet.ToString());
    }

    [Test]
    public async Task RegenerationOnDaleAfterASyncWritesVhostsOnV()
    {
        await FillAndPushAsync();
        var root = Path.Combine(P.Folder, "generated");

        // Control: what Blech alone gives dale.
        await P.Dale.RegenerateAsync(root);
        var before = await File.ReadAllTextAsync(Path.Combine(root, "apache", "sites", SampleData.SiteDomain(0) + ".conf"));
        Assert.That(before, Does.Contain($"<VirtualHost {PairAddresses.D}:80>"));

        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        var regen = await P.Dale.RegenerateAsync(root);
        Assert.That(regen.RepairedSites, Is.Empty, "V is registered, so the repair rule leaves the sites alone");
        var files = Directory.GetFiles(Path.Combine(root, "apache", "sites"), "*.conf");
        Assert.That(files, Has.Length.EqualTo(Sites));
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.That(text, Does.Contain($"<VirtualHost {PairAddresses.V}:80>"), file);
            Assert.That(text, Does.Not.Contain(PairAddresses.D + ":"), file);
        }

        Assert.That(File.Exists(Path.Combine(root, "bind", "zones", SampleData.SiteDomain(0) + ".zone")), "zones reach dale's BIND tree");
        Assert.That((await P.Dale.GetSitesAsync()).Select(s => s.IpAddress).Distinct(), Is.EqualTo(new[] { PairAddresses.V }));
    }

    [Test]
    public async Task TheGuardRefusesALargeDeleteUnlessForced()
    {
        await FillAndPushAsync();
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        for (var n = 0; n < 10; n++)
        {
            await P.Chip.DeleteSiteAsync(SampleData.SiteDomain(n));
        }

        // Clients, sites and mail are written before the plan is whole (and the guard has looked at it): a refusal takes them back.
        await P.Chip.AddClientAsync(new ClientSpec("newcomer"));
        await P.Chip.AddSiteAsync(new SiteSpec("newcomer", "newcomer.example", PairAddresses.V));
        await P.Chip.AddMailDomainAsync(new MailDomainSpec("newcomer", "newcomer.example"));
        await P.Chip.UpdateSiteAsync(SampleData.SiteDomain(10), s => s with { DocumentRoot = "/srv/moved" });

        var before = await P.Dale.DumpAsync();
        var refused = await P.BridgeAsync("sync");
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Refused), refused.ToString());
        Assert.That(refused.Stderr, Does.Contain($"would delete 10 of the standby's {Sites} site objects"));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(before), "a refused run changes nothing");

        var forced = await P.BridgeAsync("sync", "--force");
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.ToString());
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));
    }

    [Test]
    public async Task AnEmptyPeerNeverEmptiesTheStandbyEvenWithForce()
    {
        await FillAndPushAsync();
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        await P.ChipServer.CreateAsync("chip", PairAddresses.V);
        var before = await P.Dale.DumpAsync();

        var run = await P.BridgeAsync("sync", "--force");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Refused), run.ToString());
        Assert.That(run.Stderr, Does.Contain("refusing to empty the standby"));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task AnUnreachablePeerFailsWithOneLineAndNoSecret()
    {
        await FillAndPushAsync();
        var before = await P.Dale.DumpAsync();
        var password = Environment.GetEnvironmentVariable("BRIDGE_TEST_PASSWORD") ?? "devpass";
        var closed = Pair.Unreachable(P.ChipServer.ConnectionStringFor("blech"));
        P.WriteConfig(c => c["retry"] = new Dictionary<string, object?> { ["maxAttempts"] = 1, ["baseDelaySeconds"] = 0.05, ["totalTimeoutSeconds"] = 20 }, peerConnectionString: closed);

        var run = await P.BridgeAsync("sync");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        var last = run.Stderr.TrimEnd().Split('\n')[^1];
        Assert.That(last, Does.StartWith("blech-bridge sync: peer database:"));
        Assert.That(run.Stderr + run.Stdout, Does.Not.Contain(password));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task BadRowsOnChipAreSkippedAndReportedAndEverythingElseSyncs()
    {
        await SampleData.FillAsync(P.Chip, clients: 2, sitesPerClient: 5);
        var zone = SampleData.SiteDomain(1) + ".";
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "bad site.example", PairAddresses.V));
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "evil/path.example", PairAddresses.V));
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "dots..example", PairAddresses.V));
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "line\nbreak.example", PairAddresses.V));
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "elsewhere.example", "203.0.113.9"));
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "noaddress.example", "not-an-address"));
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "port.example", PairAddresses.V, HttpPort: 70000));
        await P.Chip.AddRecordAsync(new RecordSpec(zone, "bad", "A", "999.1.1.1"));
        await P.Chip.AddRecordAsync(new RecordSpec(zone, "@", "CNAME", "elsewhere.example."));
        await P.Chip.AddRecordAsync(new RecordSpec(zone, "www", "CNAME", "elsewhere.example."));
        await P.Chip.AddRecordAsync(new RecordSpec(zone, "mx2", "MX", "mx.example."));
        await P.Chip.AddRecordAsync(new RecordSpec(zone, "_x._tcp", "SRV", "5 70000 sip", Priority: 1));

        var run = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var skipped = run.Json.GetProperty("skipped").EnumerateArray()
            .Select(s => $"{s.GetProperty("kind").GetString()} {s.GetProperty("key").GetString()}: {s.GetProperty("reason").GetString()}")
            .ToList();
        var expected = new[]
        {
            "site bad site.example: domain 'bad site.example': host name contains a space",
            "site evil/path.example: domain 'evil/path.example': host name contains '/'",
            "site dots..example: domain 'dots..example': host name contains '..'",
            "site line\nbreak.example: domain 'line\\nbreak.example': host name contains a newline",
            "site elsewhere.example: ip_address 203.0.113.9 is not in addressMap",
            "site noaddress.example: ip_address 'not-an-address' is not an IP address",
            "site port.example: http_port 70000 is out of range",
            $"record {zone} bad.{zone} A 999.1.1.1: A data '999.1.1.1' is not an IPv4 address",
            $"record {zone} {zone} CNAME elsewhere.example.: CNAME at the zone apex",
            $"record {zone} www.{zone} CNAME elsewhere.example.: CNAME beside other data",
            $"record {zone} mx2.{zone} MX mx.example.: MX has no priority",
            $"record {zone} _x._tcp.{zone} SRV 5 70000 sip: SRV port '70000' is out of range",
        };
        Assert.That(skipped, Has.Count.EqualTo(expected.Length), string.Join("\n", skipped));
        foreach (var e in expected)
        {
            Assert.That(skipped, Has.Some.StartsWith(e), $"expected a skipped entry starting with: {e}");
        }

        var chipLines = (await P.Chip.DumpAsync()).Split('\n').ToHashSet();
        var daleLines = (await P.Dale.DumpAsync()).Split('\n');
        Assert.That(daleLines.Where(l => !chipLines.Contains(l)), Is.Empty, "dale holds nothing chip does not");
        Assert.That(chipLines.Count(l => !daleLines.Contains(l)), Is.EqualTo(expected.Length), "every good row reached dale");
        Assert.That(string.Join("\n", daleLines), Does.Not.Contain("999.1.1.1").And.Not.Contain("elsewhere.example"));
    }

    [Test]
    public async Task AConnectionKilledInTheMiddleOfAnApplyLeavesTheStandbyExactlyAsItWas()
    {
        await FillAndPushAsync();
        var before = await P.Dale.DumpAsync();
        var ipsBefore = await P.Dale.GetIpAddressesAsync();
        var queueBefore = (await P.Dale.GetQueueAsync()).Count;

        var steps = new List<string>();
        var runner = Runner(retries: 0, async (progress, ct) =>
        {
            steps.Add(progress.Step);
            if (progress.Step == "dns_zone insert")
            {
                await KillAsync(progress.ServerProcessId);
            }
        });
        var outcome = await runner.RunAsync(Request(), CancellationToken.None);

        // Killed after writes of both parts of the apply: the sites (written while the zones are still being normalized) and the zones.
        Assert.That(steps, Does.Contain("site update").And.Contain("dns_zone insert"), "the apply got past the first writes before the kill");
        Assert.That(steps, Does.Not.Contain("dns_record insert"));
        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Failure), outcome.Error);
        Assert.That(outcome.Error, Does.StartWith("local database:"));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(before));
        Assert.That(await P.Dale.GetIpAddressesAsync(), Is.EqualTo(ipsBefore));
        Assert.That((await P.Dale.GetQueueAsync()).Count, Is.EqualTo(queueBefore));
    }

    [Test]
    public async Task ThePeerLostWhileItsZonesAreReadTakesBackWhatTheStandbyWroteMeanwhile()
    {
        // chip's dns_zone is locked: the sync reads chip's clients, sites and mail, starts writing them to dale, and waits on
        // the zones. Then chip's session ends, as when chip goes down in the middle of the read.
        await FillAndPushAsync();
        var before = await P.Dale.DumpAsync();
        var chipDialect = Dialect(P.ChipServer);
        await using var holder = chipDialect.CreateConnection(P.ChipServer.ConnectionStringFor("blech") + ";Pooling=false");
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, hold, ChipIsPostgres ? "LOCK TABLE dns_zone IN ACCESS EXCLUSIVE MODE" : "LOCK TABLES dns_zone WRITE");
        var steps = new List<string>();
        var ended = new List<long>();
        SyncOutcome outcome;
        try
        {
            var runner = Runner(retries: 0, async (progress, ct) =>
            {
                steps.Add(progress.Step);
                if (ended.Count == 0)
                {
                    ended.AddRange(await EndWaitingChipSessionsAsync(holder));
                }
            });
            // A sync that wrote nothing before the whole read would wait on the lock: given up after a minute.
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            outcome = await runner.RunAsync(Request(), limit.Token);
        }
        finally
        {
            await ExecuteAsync(holder, hold, ChipIsPostgres ? "ROLLBACK" : "UNLOCK TABLES");
        }

        Assert.That(ended, Has.Count.EqualTo(1), "chip's session was waiting on the zones while dale was written");
        Assert.That(steps, Is.Not.Empty, "dale was written before chip's session ended");
        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Failure), outcome.Error);
        Assert.That(outcome.Failure!.Side, Is.EqualTo("peer"), outcome.Error);
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(before), "what was written of clients, sites and mail is rolled back");

        var again = await Runner(retries: 0, (_, _) => Task.CompletedTask).RunAsync(Request(), CancellationToken.None);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));
    }

    // Ends the sessions on chip's database that wait for the lock the holder keeps (within 10 s of the first waiting).
    private async Task<List<long>> EndWaitingChipSessionsAsync(System.Data.Common.DbConnection holder)
    {
        await using var admin = Dialect(P.ChipServer).CreateConnection(P.ChipServer.ConnectionStringFor("blech") + ";Pooling=false");
        await admin.OpenAsync();
        var waiting = ChipIsPostgres
            ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND state LIKE 'Waiting for table metadata lock%'";
        var ids = new List<long>();
        for (var tries = 0; ids.Count == 0 && tries < 200; tries++)
        {
            await using (var list = admin.CreateCommand())
            {
                list.CommandText = waiting;
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    ids.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            if (ids.Count == 0)
            {
                await Task.Delay(50);
            }
        }

        foreach (var id in ids)
        {
            await ExecuteAsync(admin, null, ChipIsPostgres ? $"SELECT pg_terminate_backend({id})" : $"KILL CONNECTION {id}");
        }

        return ids;
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Test]
    public async Task AConnectionKilledOnceIsRetriedAndTheRunConverges()
    {
        await FillAndPushAsync();
        var killed = 0;
        var runner = Runner(retries: 3, async (progress, ct) =>
        {
            if (progress.Step is "site update" or "update" && Interlocked.Exchange(ref killed, 1) == 0)
            {
                await KillAsync(progress.ServerProcessId);
            }
        });
        var outcome = await runner.RunAsync(Request(), CancellationToken.None);
        Assert.That(killed, Is.EqualTo(1));
        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Success), outcome.Error);
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));
    }

    [Test]
    public async Task CheckOnAFreshPairSaysTheFirstSyncRegistersVAndPasses()
    {
        await FillAndPushAsync();
        P.WriteConfig(c => c["apache"] = new Dictionary<string, object?> { ["enabled"] = false });
        var before = await P.BridgeAsync("check");
        Assert.That(before.ExitCode, Is.EqualTo(ExitCodes.Success), before.ToString());
        Assert.That(before.Stdout, Does.Contain($"ok   local").And.Contain($"service address {PairAddresses.V} is not in ip_address yet: the first sync registers it"));
        Assert.That(before.Stdout, Does.Contain("ok   peer").And.Contain("every table and column"));
        Assert.That(before.Stdout, Does.Not.Contain("FAIL"));

        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        var after = await P.BridgeAsync("check");
        Assert.That(after.ExitCode, Is.EqualTo(ExitCodes.Success), after.ToString());
        Assert.That(after.Stdout, Does.Contain($"service address {PairAddresses.V} is registered"));
    }

    [Test]
    public async Task CheckFailsNamingApacheRootWhenTheGeneratedTreeIsMissing()
    {
        await FillAndPushAsync();
        P.WriteConfig(c => c["apache"] = new Dictionary<string, object?> { ["root"] = Path.Combine(P.Folder, "no-such-tree") });
        var check = await P.BridgeAsync("check");
        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Failure), check.ToString());
        Assert.That(check.Stdout, Does.Contain("FAIL apache: ").And.Contain("no-such-tree does not exist").And.Contain("apache.root"));

        var sync = await P.BridgeAsync("sync");
        Assert.That(sync.ExitCode, Is.EqualTo(ExitCodes.Success), sync.ToString());
        Assert.That(sync.Stdout + sync.Stderr, Does.Not.Contain("no-such-tree"), "a sync does not repeat it on every run");
    }

    [Test]
    public async Task ARunThatFindsTheDatabaseLockTakenExits4AndChangesNothing()
    {
        await FillAndPushAsync();
        var before = await P.Dale.DumpAsync();
        var dialect = Dialect(P.DaleServer);
        await using (var holder = dialect.CreateConnection(P.DaleServer.ConnectionStringFor("blech")))
        {
            await holder.OpenAsync();
            await using (var take = holder.CreateCommand())
            {
                take.CommandText = dialect.TryLockSql;
                Assert.That(Convert.ToInt64(await take.ExecuteScalarAsync() is bool b ? (b ? 1 : 0) : 1, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(1));
            }

            var locked = await P.BridgeAsync("sync");
            Assert.That(locked.ExitCode, Is.EqualTo(ExitCodes.Locked), locked.ToString());
            Assert.That(locked.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "one log line");
            Assert.That(locked.Stderr, Does.Contain("holds the lock on the local database"));
            Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(before));
            await using var release = holder.CreateCommand();
            release.CommandText = dialect.UnlockSql;
            await release.ExecuteScalarAsync();
        }

        // The holder has let go.
        var run = await P.BridgeAsync("sync");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM bridge.run WHERE outcome = 'locked'"), Is.EqualTo(0), "no state existed yet when the locked run ended");
    }

    [Test]
    public async Task ARunWaitsForTheFileLockOrExits4()
    {
        await FillAndPushAsync();
        var lockFile = Path.Combine(P.Folder, "dale.lock");
        var holder = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var locked = await P.BridgeAsync("sync");
        Assert.That(locked.ExitCode, Is.EqualTo(ExitCodes.Locked), locked.ToString());
        Assert.That(locked.Stderr, Does.Contain($"another Bridge run on this machine holds {lockFile}"));

        var waiting = P.BridgeAsync("sync", "--wait", "20");
        await Task.Delay(1500);
        Assert.That(waiting.IsCompleted, Is.False, "it waits while the lock is held");
        await holder.DisposeAsync();
        var run = await waiting;
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));
    }

    [Test]
    public async Task TwoSyncsAtOnceNeverInterleave()
    {
        await FillAndPushAsync();
        var results = await Task.WhenAll(P.BridgeAsync("sync"), P.BridgeAsync("sync"));
        Assert.That(results.Select(r => r.ExitCode), Is.SubsetOf(new[] { ExitCodes.Success, ExitCodes.Locked }), string.Join("\n", results.Select(r => r.ToString())));
        Assert.That(results.Count(r => r.ExitCode == ExitCodes.Success), Is.GreaterThanOrEqualTo(1));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM regen_queue WHERE object_type = 'zone'"), Is.EqualTo(Sites), "one sync's worth of zone regenerations, not two");
    }

    [Test]
    public async Task AMachinePromotedWhileASyncIsStartingGetsNothingPulledIntoIt()
    {
        // As in the failover drill: a sync on dale starts as the standby, waits on chip, and dale is promoted meanwhile. The
        // promote here runs just as the sync starts reading chip, after the sync read dale's role.
        await FillAndPushAsync();
        var dale = new Side("local", Dialect(P.DaleServer), P.DaleServer.ConnectionStringFor("blech"));
        var chip = new Side("peer", Dialect(P.ChipServer), P.ChipServer.ConnectionStringFor("blech"));
        var roles = new Roles(dale, chip, NullLogger.Instance);
        var promoted = 0;
        var request = Request() with
        {
            OnPeerRead = () =>
            {
                if (Interlocked.Increment(ref promoted) == 1)
                {
                    roles.PromoteAsync(IPAddress.Parse(PairAddresses.V), "test", CancellationToken.None, peerKnownDown: true).GetAwaiter().GetResult();
                }
            },
        };

        var outcome = await Runner(retries: 3, (_, _) => Task.CompletedTask).RunAsync(request, CancellationToken.None);
        var zones = await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM dns_zone");

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Success), outcome.Error);
        Assert.That(promoted, Is.EqualTo(1), "the promote ran once, as the sync started reading chip");
        Assert.That(outcome.Report!.ActiveHere, Is.True, "the run took the active machine's path");
        Assert.That(zones, Is.Zero, "no zone pulled from chip into the promoted dale (Blech's push copies none)");
    }

    private SyncRunner Runner(int retries, Func<Bridge.Data.Apply.ApplyProgress, CancellationToken, Task> onProgress)
    {
        var secrets = new Secrets();
        return new SyncRunner(
            new Side("peer", Dialect(P.ChipServer), P.ChipServer.ConnectionStringFor("blech")),
            new Side("local", Dialect(P.DaleServer), P.DaleServer.ConnectionStringFor("blech")),
            new RetryOptions { MaxRetryAttempts = retries, BaseDelay = TimeSpan.FromMilliseconds(50), TotalTimeout = TimeSpan.FromSeconds(60) },
            secrets, NullLogger.Instance, onProgress);
    }

    private static SyncRequest Request() =>
        new(new AddressPolicy(IPAddress.Parse(PairAddresses.V), [], IPAddress.Parse(PairAddresses.C), IPAddress.Parse(PairAddresses.D)));

    private async Task KillAsync(int pid)
    {
        var admin = P.DaleServer.Open("dale");
        if (P.DaleServer.Engine == BlechEngine.Postgres)
        {
            await admin.ScalarAsync<bool>("SELECT pg_terminate_backend(@pid)", new { pid });
        }
        else
        {
            await admin.ExecuteAsync($"KILL CONNECTION {pid}");
        }
    }
}

[TestFixture]
public sealed class PostgresToPostgres() : SyncSuite(() => TestServers.PgChip, () => TestServers.PgDale);

[TestFixture]
public sealed class MariaDbToMariaDb() : SyncSuite(() => TestServers.MariaDbChip, () => TestServers.MariaDbDale);

[TestFixture]
public sealed class MariaDbToPostgres() : SyncSuite(() => TestServers.MariaDbChip, () => TestServers.PgDale);

[TestFixture]
public sealed class PostgresToMariaDb() : SyncSuite(() => TestServers.PgChip, () => TestServers.MariaDbDale);
