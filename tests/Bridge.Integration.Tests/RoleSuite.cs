using Bridge.Core;
using Bridge.Core.Serials;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>Failover and failback on real databases, every engine pair: roles, serials that never go backwards, conflicts.</summary>
public abstract class RoleSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer)
{
    private Pair P { get; set; } = null!;

    private const string Zone = "site000.example.";

    [SetUp]
    public async Task CreatePairAsync()
    {
        P = await Pair.CreateAsync(chipServer, daleServer);
        P.WriteChipConfig();
        await SampleData.FillAsync(P.Chip, clients: 2, sitesPerClient: 2);
        await P.PushAsync();
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(P.Folder, recursive: true);

    private static void AssertNotBackwards(Dictionary<string, long> before, Dictionary<string, long> after, string machine)
    {
        foreach (var (zone, serial) in before)
        {
            if (after.TryGetValue(zone, out var now) && now != serial)
            {
                Assert.That(Serial.IsNewer(now, serial), $"{machine}: {zone} went from {serial} to {now}");
            }
        }
    }

    [Test]
    public async Task FailoverEditOnDaleFailbackAndSwitchBackKeepSerialsMovingForward()
    {
        var chipBefore = await Pair.SerialsAsync(P.Chip);

        // chip dies; keepalived promotes dale, which cannot reach chip.
        P.WriteConfig(peerConnectionString: Pair.Unreachable(P.ChipServer.ConnectionStringFor("blech")));
        var promote = await P.BridgeAsync("promote");
        Assert.That(promote.ExitCode, Is.EqualTo(ExitCodes.Success), promote.ToString());
        Assert.That(promote.Stdout, Does.Contain("promoted to active (epoch 1)").And.Contain("the peer did not answer"));
        var daleAfterPromote = await Pair.SerialsAsync(P.Dale);
        foreach (var (zone, serial) in chipBefore)
        {
            Assert.That(Serial.IsNewer(daleAfterPromote[zone], serial), $"{zone}: dale's {daleAfterPromote[zone]} must be newer than chip's {serial}");
        }

        // dale serves and is edited through Blech.
        await P.Dale.AddRecordAsync(new RecordSpec(Zone, "new", "A", "192.0.2.77"));
        var sync = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(sync.Json.GetProperty("note").GetString(), Does.Contain("active"), sync.ToString());

        // chip comes back as the standby and pulls what changed on dale.
        P.WriteConfig();
        Assert.That((await P.ChipBridgeAsync("demote")).ExitCode, Is.EqualTo(ExitCodes.Success));
        var chipSync = await P.ChipBridgeAsync("sync", "--format", "json");
        Assert.That(chipSync.ExitCode, Is.EqualTo(ExitCodes.Success), chipSync.ToString());
        Assert.That(await P.Chip.DumpAsync(), Is.EqualTo(await P.Dale.DumpAsync()));
        var chipAfterFailback = await Pair.SerialsAsync(P.Chip);
        AssertNotBackwards(chipBefore, chipAfterFailback, "chip");
        Assert.That(chipAfterFailback, Is.EqualTo(await Pair.SerialsAsync(P.Dale)));

        // V moves back: dale gives it up, chip takes it, dale pulls.
        Assert.That((await P.BridgeAsync("demote")).ExitCode, Is.EqualTo(ExitCodes.Success));
        var chipPromote = await P.ChipBridgeAsync("promote");
        Assert.That(chipPromote.Stdout, Does.Contain("epoch 4"), chipPromote.ToString());
        var daleBefore = await Pair.SerialsAsync(P.Dale);
        Assert.That((await P.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        AssertNotBackwards(daleBefore, await Pair.SerialsAsync(P.Dale), "dale");
        Assert.That(await Pair.SerialsAsync(P.Dale), Is.EqualTo(await Pair.SerialsAsync(P.Chip)));

        var status = await P.BridgeAsync("status", "--format", "json");
        Assert.That(status.ExitCode, Is.EqualTo(ExitCodes.Success), status.ToString());
        Assert.That(status.Json.GetProperty("local").GetProperty("role").GetString(), Is.EqualTo("standby"));
        Assert.That(status.Json.GetProperty("peer").GetProperty("role").GetString(), Is.EqualTo("active"));
        Assert.That(status.Json.GetProperty("serials").GetArrayLength(), Is.Zero);
        Assert.That(status.Json.GetProperty("pending").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task AnEditDaleNeverSawMakesTheFailbackRaiseTheSerialPastBoth()
    {
        // chip edits after the last sync, then dies before dale sees it.
        for (var i = 0; i < 3; i++)
        {
            await P.Chip.AddRecordAsync(new RecordSpec(Zone, $"unseen{i}", "TXT", "chip only"));
        }

        var chipServed = (await Pair.SerialsAsync(P.Chip))[Zone];

        P.WriteConfig(peerConnectionString: Pair.Unreachable(P.ChipServer.ConnectionStringFor("blech")));
        Assert.That((await P.BridgeAsync("promote")).ExitCode, Is.EqualTo(ExitCodes.Success));
        await P.Dale.AddRecordAsync(new RecordSpec(Zone, "dale", "TXT", "dale only"));
        var daleServed = (await Pair.SerialsAsync(P.Dale))[Zone];
        Assert.That(Serial.IsNewer(chipServed, daleServed) || chipServed == daleServed, $"the trap: dale {daleServed} is not newer than chip's unseen {chipServed}");

        // chip back as standby: a plain copy would take chip backwards; Bridge raises dale's serial past both first.
        P.WriteConfig();
        await P.ChipBridgeAsync("demote");
        var run = await P.ChipBridgeAsync("sync", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var raise = run.Json.GetProperty("serialRaises")[0];
        Assert.That(raise.GetProperty("zone").GetString(), Is.EqualTo(Zone));
        var chipNow = (await Pair.SerialsAsync(P.Chip))[Zone];
        var daleNow = (await Pair.SerialsAsync(P.Dale))[Zone];
        Assert.Multiple(() =>
        {
            Assert.That(chipNow, Is.EqualTo(daleNow), "after a sync the standby's serial equals the active's");
            Assert.That(Serial.IsNewer(chipNow, chipServed), $"chip {chipServed} -> {chipNow} must go forward");
            Assert.That(Serial.IsNewer(daleNow, daleServed), $"dale {daleServed} -> {daleNow} must go forward");
        });
        Assert.That(await P.Chip.DumpAsync(), Is.EqualTo(await P.Dale.DumpAsync()), "dale's content wins; chip's unseen edit is gone");
        Assert.That(run.Stdout, Does.Contain("\"conflicts\""), run.Stdout);
    }

    [Test]
    public async Task AnEditMadeOnTheStandbyIsReportedAsAConflictAndTheActiveWins()
    {
        var site = SampleData.SiteDomain(1);
        await P.Dale.UpdateSiteAsync(site, s => s with { DocumentRoot = "/srv/edited-on-dale" });
        await P.Dale.AddMailboxAsync(new MailboxSpec("mail00.example", "daleonly"));

        var run = await P.BridgeAsync("sync", "--format", "json", "--force");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var conflicts = run.Json.GetProperty("conflicts").EnumerateArray().ToList();
        Assert.That(conflicts.Select(c => $"{c.GetProperty("kind").GetString()} {c.GetProperty("key").GetString()} {c.GetProperty("action").GetString()}"),
            Is.EquivalentTo(new[] { $"site {site} update", "mailbox daleonly@mail00.example delete" }));
        var field = conflicts.Single(c => c.GetProperty("kind").GetString() == "site").GetProperty("fields")[0];
        Assert.That(field.GetProperty("standby").GetString(), Is.EqualTo("/srv/edited-on-dale"));
        Assert.That(field.GetProperty("active").GetString(), Is.EqualTo($"/var/www/{site}/web"));
        Assert.That(await P.Dale.DumpAsync(), Is.EqualTo(await P.Chip.DumpAsync()));

        var again = await P.BridgeAsync("sync", "--format", "json");
        Assert.That(again.Total("conflicts"), Is.Zero, "Bridge's own writes are not conflicts");
    }

    [Test]
    public async Task PromoteDoesNotWaitForTheRunLockOfASyncStuckOnADeadPeer()
    {
        // Found by the failover drill: chip died during dale's sync, which held the run lock while it waited on chip's
        // connection; promote waited the full 10 s for it before moving the vhosts, with V already on dale.
        await using var held = Bridge.Core.Files.FileLock.TryTake(Path.Combine(P.Folder, "dale.lock"));
        Assert.That(held, Is.Not.Null);
        P.WriteConfig(peerConnectionString: Pair.Unreachable(P.ChipServer.ConnectionStringFor("blech")));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var promote = await P.BridgeAsync("promote");
        Assert.That(promote.ExitCode, Is.EqualTo(ExitCodes.Success), promote.ToString());
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(8)), promote.ToString());
        Assert.That(promote.Stderr, Does.Contain("Going on without the run lock: the peer does not answer"));
    }

    [Test]
    public async Task StatusOnAFreshPairSaysWhichMachineToPromoteAndHowAndStopsSayingItOnceOneIsActive()
    {
        var fresh = await P.BridgeAsync("status");
        Assert.That(fresh.ExitCode, Is.EqualTo(ExitCodes.Success), fresh.ToString());
        Assert.That(fresh.Stdout, Does.Contain("Neither machine is active yet")
            .And.Contain($"not on this machine: run `blech-bridge promote --config FILE` on the machine that holds it"), fresh.ToString());

        Assert.That((await P.ChipBridgeAsync("promote")).ExitCode, Is.EqualTo(ExitCodes.Success));
        var after = await P.BridgeAsync("status");
        Assert.That(after.Stdout, Does.Not.Contain("Neither machine"), after.ToString());
    }

    [Test]
    public async Task StatusExits1WhenBothMachinesClaimToBeActive()
    {
        Assert.That((await P.BridgeAsync("promote")).ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That((await P.ChipBridgeAsync("promote")).ExitCode, Is.EqualTo(ExitCodes.Success));
        var status = await P.BridgeAsync("status");
        Assert.That(status.ExitCode, Is.EqualTo(ExitCodes.Failure), status.ToString());
        Assert.That(status.Stdout, Does.Contain("BOTH MACHINES CLAIM TO BE ACTIVE"));
        Assert.That(status.Stderr, Does.Contain("both machines claim to be active"));
    }
}

[TestFixture]
public sealed class RolesPostgresToPostgres() : RoleSuite(() => TestServers.PgChip, () => TestServers.PgDale);

[TestFixture]
public sealed class RolesMariaDbToMariaDb() : RoleSuite(() => TestServers.MariaDbChip, () => TestServers.MariaDbDale);

[TestFixture]
public sealed class RolesMariaDbToPostgres() : RoleSuite(() => TestServers.MariaDbChip, () => TestServers.PgDale);

[TestFixture]
public sealed class RolesPostgresToMariaDb() : RoleSuite(() => TestServers.PgChip, () => TestServers.MariaDbDale);
