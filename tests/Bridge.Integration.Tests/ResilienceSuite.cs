using System.Net;
using Bridge.Core;
using Bridge.Core.Normalize;
using Bridge.Data.Run;
using Bridge.Emulator;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Integration.Tests;

/// <summary>
/// Issue 12 on every engine pair: a row the standby's database refuses never blocks the rest; every failed run is in the run
/// log; the database lock survives a restart of the standby's server; failback keeps what the other machine never received.
/// </summary>
public abstract class ResilienceSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer) : PairSuite(chipServer, daleServer)
{
    // A constraint that the pre-apply checks cannot know about: the standby's database refuses the row when it is written.
    [Test]
    public async Task RowsTheStandbysDatabaseRefusesAreSkippedWithTheirChildrenAndTheRestIsApplied()
    {
        await P.Chip.AddClientAsync(new ClientSpec("acme"));
        await P.Chip.AddClientAsync(new ClientSpec("refused", PasswordHash: "$6$rounds=5000$secret$hashthatmustnotshow"));
        await P.Chip.AddSiteAsync(new SiteSpec("acme", "good.example", PairAddresses.V));
        await P.Chip.AddSiteAsync(new SiteSpec("refused", "child.example", PairAddresses.V));

        // A zone and its record under the refused client: written after the client's kinds, they still go with it.
        await P.Chip.AddZoneAsync(new ZoneSpec("refused", "child.example."));
        await P.Chip.AddRecordAsync(new RecordSpec("child.example.", "www", "A", PairAddresses.V));
        await P.Chip.AddSiteAsync(new SiteSpec("acme", "nope.example", PairAddresses.V));
        await P.Chip.AddSiteAsync(new SiteSpec("acme", "other.example", PairAddresses.V));
        await P.Chip.AddMailDomainAsync(new MailDomainSpec("acme", "mail.example"));
        await P.Chip.AddMailboxAsync(new MailboxSpec("mail.example", "info"));
        await P.Dale.ExecuteAsync("ALTER TABLE client ADD CONSTRAINT test_refuses_client CHECK (login <> 'refused' AND name <> 'Refused Name')");
        await P.Dale.ExecuteAsync("ALTER TABLE site ADD CONSTRAINT test_refuses_site CHECK (domain <> 'nope.example' AND document_root <> '/srv/refused')");

        var run = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var code = DaleIsPostgres ? "23514" : "4025";
        var skipped = run.Skipped();
        Assert.That(skipped, Has.Count.EqualTo(5), string.Join("\n", skipped));
        Assert.That(skipped, Has.Some.StartsWith($"client refused: the standby's database refused it: {code}"));
        Assert.That(skipped, Has.Some.StartsWith($"site nope.example: the standby's database refused it: {code}"));
        Assert.That(skipped, Has.Some.EqualTo("site child.example: its client refused was refused by the standby's database"));
        Assert.That(skipped, Has.Some.EqualTo("zone child.example.: its client refused was refused by the standby's database"));
        Assert.That(skipped, Has.Some.EqualTo($"record child.example. www.child.example. A {PairAddresses.V}: its zone child.example. was refused by the standby's database"));
        Assert.That(run.Stdout + run.Stderr, Does.Not.Contain("hashthatmustnotshow"));

        // What was refused is not counted among the changes written, whichever part of the apply it was in.
        Assert.That((run.Count("client", "insert"), run.Count("site", "insert"), run.Count("zone", "insert"), run.Count("record", "insert")), Is.EqualTo((1, 2, 0, 0)));
        Assert.That(await P.Dale.GetSiteAsync("good.example"), Is.Not.Null, "the rest is applied");
        Assert.That(await P.Dale.GetMailboxAsync("mail.example", "info"), Is.Not.Null);
        Assert.That(await P.Dale.GetClientAsync("refused"), Is.Null);
        Assert.That(await P.Dale.GetSiteAsync("nope.example"), Is.Null);

        // Updates it refuses: skipped, and a new site beside them still arrives, as does the update of a site whose client's
        // update was refused (the client is there all the same).
        await P.Chip.UpdateSiteAsync("good.example", s => s with { DocumentRoot = "/srv/refused" });
        await P.Chip.UpdateClientAsync("acme", c => c with { Name = "Refused Name" });
        await P.Chip.UpdateSiteAsync("other.example", s => s with { DocumentRoot = "/srv/fine" });
        await P.Chip.AddSiteAsync(new SiteSpec("acme", "later.example", PairAddresses.V));
        var again = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.ToString());
        Assert.That(again.Skipped(), Has.Some.StartsWith($"site good.example: the standby's database refused it: {code}"));
        Assert.That(again.Skipped(), Has.Some.StartsWith($"client acme: the standby's database refused it: {code}"));
        Assert.That((await P.Dale.GetSiteAsync("other.example"))?.DocumentRoot, Is.EqualTo("/srv/fine"));
        Assert.That(await P.Dale.GetSiteAsync("later.example"), Is.Not.Null);
        Assert.That((await P.Dale.GetSiteAsync("good.example"))!.DocumentRoot, Is.Not.EqualTo("/srv/refused"));
        Assert.That(await P.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM bridge.run WHERE outcome = 'ok'"), Is.EqualTo(2));
    }

    // The search for refused rows is bounded: past the limit the run fails as a whole, nothing applied, and says why.
    [Test]
    public async Task MoreRefusedRowsThanTheLimitFailTheRunAndApplyNothing()
    {
        await P.Chip.AddClientAsync(new ClientSpec("acme"));
        foreach (var n in Enumerable.Range(1, 3))
        {
            await P.Chip.AddSiteAsync(new SiteSpec("acme", $"refused{n}.example", PairAddresses.V));
        }

        await P.Chip.AddSiteAsync(new SiteSpec("acme", "good.example", PairAddresses.V));
        await P.Dale.ExecuteAsync("ALTER TABLE site ADD CONSTRAINT test_refuses_site CHECK (domain NOT LIKE 'refused%')");
        var before = await P.Dale.DumpAsync();
        var runner = new SyncRunner(
            new Side("peer", Dialect(P.ChipServer), P.ChipServer.ConnectionStringFor("blech")),
            new Side("local", Dialect(P.DaleServer), P.DaleServer.ConnectionStringFor("blech")),
            new RetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(50), TotalTimeout = TimeSpan.FromSeconds(60) },
            new Secrets(), NullLogger.Instance) { MaxRefused = 2 };

        var outcome = await runner.RunAsync(Request(), CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(outcome.Error, Does.Contain("the standby's database refused more than 2 rows; nothing applied. First: site refused1.example"));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(before), "all or nothing");
        Assert.That(await P.Dale.ScalarAsync<string>("SELECT outcome FROM bridge.run ORDER BY id DESC LIMIT 1"), Is.EqualTo("failed"));
    }

    [Test]
    public async Task EveryFailedRunIsRecordedWithItsReason()
    {
        await SampleData.FillAsync(P.Chip, clients: 2, sitesPerClient: 3);
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));

        // The lock file cannot be taken (its path is a directory).
        P.WriteConfig(c => c["lockFile"] = P.Folder);
        var lockFailed = await P.BridgeAsync("sync", "--requested-by", "lock-test");
        Assert.That(lockFailed.ExitCode, Is.EqualTo(ExitCodes.Failure), lockFailed.ToString());

        // The peer does not answer.
        P.WriteConfig(peerConnectionString: Pair.Unreachable(P.ChipServer.ConnectionStringFor("blech")));
        var unreachable = await P.BridgeAsync("sync", "--requested-by", "peer-test");
        Assert.That(unreachable.ExitCode, Is.EqualTo(ExitCodes.Failure), unreachable.ToString());

        // The guard refuses.
        P.WriteConfig();
        foreach (var site in (await P.Chip.GetSitesAsync()).Take(3))
        {
            await P.Chip.DeleteSiteAsync(site.Domain);
        }

        var refused = await P.BridgeAsync("sync", "--requested-by", "guard-test");
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Refused), refused.ToString());

        var runs = (await P.Dale.QueryAsync<(string RequestedBy, string Outcome, string? Error)>(
            "SELECT requested_by, outcome, error FROM bridge.run ORDER BY id")).ToList();
        var text = string.Join("\n", runs);
        Assert.That(runs.Any(r => r.RequestedBy == "lock-test" && r.Outcome == "failed" && (r.Error ?? "").Contains("cannot take the run lock", StringComparison.Ordinal)), Is.True, text);
        Assert.That(runs.Any(r => r.RequestedBy == "peer-test" && r.Outcome == "failed" && (r.Error ?? "").Contains("peer database", StringComparison.Ordinal)), Is.True, text);
        Assert.That(runs.Any(r => r.RequestedBy == "guard-test" && r.Outcome == "refused" && (r.Error ?? "").Contains("would delete", StringComparison.Ordinal)), Is.True, text);
        Assert.That(text, Does.Not.Contain(Environment.GetEnvironmentVariable("BRIDGE_TEST_PASSWORD") ?? "devpassword123"));
    }

    // A restart of the standby's server ends every session: the apply's, and the one that held the run lock. The retried attempt
    // takes the lock again at once, so a second Bridge started while the first waits to retry is refused, not admitted.
    [Test]
    public Task AfterEverySessionOnTheStandbyEndsMidRunTheRetryHoldsTheLockAndASecondRunIsRefused() =>
        TheRetryHoldsTheLockAcrossAsync(() => EndEverySessionAsync());

    [Test]
    public Task AfterTheStandbysServerRestartsMidRunTheRetryHoldsTheLockAndASecondRunIsRefused() =>
        TheRetryHoldsTheLockAcrossAsync(() => TestServerRestart.RestartAsync(P.DaleServer));

    // The first run loses its session (and the lock with it) at its first write; a second Bridge started while the first one
    // retries must find the lock taken again, and the first run must still converge.
    private async Task TheRetryHoldsTheLockAcrossAsync(Func<Task> loseTheSession)
    {
        await SampleData.FillAsync(P.Chip, clients: 3, sitesPerClient: 3);
        var local = new Side("local", Dialect(P.DaleServer), P.DaleServer.ConnectionStringFor("blech"));
        var (runLock, heldBy) = await RunLock.TryAcquireAsync(Path.Combine(P.Folder, "first.lock"), local, TimeSpan.Zero, CancellationToken.None);
        Assert.That(runLock, Is.Not.Null, heldBy);
        await using var held = runLock;

        var restarted = new TaskCompletionSource();
        var secondDone = new TaskCompletionSource();
        int? firstPid = null;
        var waited = false;
        var runner = new SyncRunner(
            new Side("peer", Dialect(P.ChipServer), P.ChipServer.ConnectionStringFor("blech")), local,
            new RetryOptions { MaxRetryAttempts = 6, BaseDelay = TimeSpan.FromMilliseconds(200), TotalTimeout = TimeSpan.FromSeconds(120) },
            new Secrets(), NullLogger.Instance, async (progress, ct) =>
            {
                if (firstPid is null)
                {
                    firstPid = progress.ServerProcessId;
                    await loseTheSession();
                    restarted.SetResult();
                }
                else if (progress.ServerProcessId != firstPid && !waited)
                {
                    waited = true;
                    await Task.WhenAny(secondDone.Task, Task.Delay(TimeSpan.FromSeconds(30), ct));
                }
            })
        { Lock = runLock };

        var first = runner.RunAsync(Request(), CancellationToken.None);
        await restarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var relocked = await WaitAsync(LockIsHeldAsync, TimeSpan.FromSeconds(10));
        var second = await P.BridgeAsync("sync");
        secondDone.SetResult();
        var outcome = await first;

        Assert.That(relocked, Is.True, "the first run takes the lock again after the restart");
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Locked), second.ToString());
        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Success), outcome.Error);
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));
    }

    [Test]
    public async Task TheFirstRunAfterTheStandbysServerRestartsDoesNotFailOnADeadPooledConnection()
    {
        await SampleData.FillAsync(P.Chip, clients: 2, sitesPerClient: 2);
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        await P.Chip.AddSiteAsync(new SiteSpec("client00", "after-restart.example", PairAddresses.V));

        // No retries: the run itself must not meet a dead connection.
        P.WriteConfig(c => c["retry"] = new Dictionary<string, object?> { ["maxAttempts"] = 0, ["totalTimeoutSeconds"] = 60 });
        await EndEverySessionAsync(clearPools: false);
        var run = await P.BridgeAsync("sync");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());

        // The test's own pooled connections died too (when the run is a separate process, it never met them).
        Dialect(P.DaleServer).ClearPools();
        Assert.That(await P.Dale.GetSiteAsync("after-restart.example"), Is.Not.Null);
    }

    // chip holds a row Bridge skips when copying chip to dale; V moves to dale; chip, now the standby, pulls from dale. dale never
    // had the row, so its absence there is no deletion: chip keeps it and says why, and the guard is not tripped.
    [Test]
    public async Task FailbackKeepsWhatTheOtherMachineNeverReceived()
    {
        await P.Chip.AddClientAsync(new ClientSpec("acme"));
        foreach (var n in Enumerable.Range(1, 4))
        {
            await P.Chip.AddSiteAsync(new SiteSpec("acme", $"good{n}.example", PairAddresses.V));
        }

        await P.Chip.AddSiteAsync(new SiteSpec("acme", "dots.example", PairAddresses.V, DocumentRoot: "/var/www/../../../etc"));
        var toDale = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(toDale.ExitCode, Is.EqualTo(ExitCodes.Success), toDale.ToString());
        Assert.That(toDale.Skipped(), Has.Some.StartsWith("site dots.example:"));
        Assert.That(await P.Dale.GetSiteAsync("dots.example"), Is.Null);

        P.WriteChipConfig();
        Assert.That((await P.ChipBridgeAsync("demote")).ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That((await P.BridgeAsync("promote")).ExitCode, Is.EqualTo(ExitCodes.Success));

        var back = await P.ChipBridgeAsync("sync", "--format", "json");
        Assert.That(back.ExitCode, Is.EqualTo(ExitCodes.Success), back.ToString());
        Assert.That(back.Count("site", "delete"), Is.EqualTo(0), back.ToString());
        var kept = back.Json.GetProperty("kept").EnumerateArray().ToList();
        Assert.That(kept, Has.Count.EqualTo(1), back.ToString());
        Assert.That(kept[0].GetProperty("key").GetString(), Is.EqualTo("dots.example"));
        Assert.That(kept[0].GetProperty("reason").GetString(), Does.StartWith("never copied to dale, reason: document_root"));
        Assert.That(await P.Chip.GetSiteAsync("dots.example"), Is.Not.Null, "the row is still on chip");

        // A full compare (no shortcut) lists it again, in text.
        var text = await P.ChipBridgeAsync("resync");
        Assert.That(text.ExitCode, Is.EqualTo(ExitCodes.Success), text.ToString());
        Assert.That(text.Stdout, Does.Contain("kept site dots.example: never copied to dale, reason: "), text.ToString());
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    private async Task<bool> LockIsHeldAsync()
    {
        var probe = P.DaleServer.Open("dale");
        try
        {
            return DaleIsPostgres
                ? await probe.ScalarAsync<long>("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") > 0
                : await probe.ScalarAsync<long>("SELECT IS_USED_LOCK(CONCAT('bridge_run:', DATABASE())) IS NOT NULL") > 0;
        }
        catch (System.Data.Common.DbException)
        {
            // The probe's pooled connection died with the restart (the in-process run shares the pool): ask again on a new one.
            Dialect(P.DaleServer).ClearPools();
            return false;
        }
    }

    // What a restart of dale's server does to Bridge: every session on dale's Blech database ends, the run lock with it.
    private async Task EndEverySessionAsync(bool clearPools = true)
    {
        var dialect = Dialect(P.DaleServer);
        await using (var admin = dialect.CreateConnection(P.DaleServer.ConnectionStringFor("blech") + ";Pooling=false"))
        {
            await admin.OpenAsync();
            await using var list = admin.CreateCommand();
            list.CommandText = DaleIsPostgres
                ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()";
            var ids = new List<long>();
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ids.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            foreach (var id in ids)
            {
                await using var kill = admin.CreateCommand();
                kill.CommandText = DaleIsPostgres ? $"SELECT pg_terminate_backend({id})" : $"KILL CONNECTION {id}";
                try
                {
                    await kill.ExecuteNonQueryAsync();
                }
                catch (System.Data.Common.DbException)
                {
                    // Gone already.
                }
            }
        }

        if (clearPools)
        {
            // The test's own pooled connections died too; Bridge's must find out for itself.
            dialect.ClearPools();
        }
    }

    private static SyncRequest Request() =>
        new(new AddressPolicy(IPAddress.Parse(PairAddresses.V), [], IPAddress.Parse(PairAddresses.C), IPAddress.Parse(PairAddresses.D)));

}

[TestFixture]
public sealed class ResiliencePostgresToPostgres() : ResilienceSuite(() => TestServers.PgChip, () => TestServers.PgDale);

[TestFixture]
public sealed class ResilienceMariaDbToMariaDb() : ResilienceSuite(() => TestServers.MariaDbChip, () => TestServers.MariaDbDale);

[TestFixture]
public sealed class ResilienceMariaDbToPostgres() : ResilienceSuite(() => TestServers.MariaDbChip, () => TestServers.PgDale);

[TestFixture]
public sealed class ResiliencePostgresToMariaDb() : ResilienceSuite(() => TestServers.PgChip, () => TestServers.MariaDbDale);
