using Bridge.DatasetGen;
using Bridge.Emulator;

namespace Bridge.DatasetGen.Tests;

/// The same seed must give the same Blech content on PostgreSQL and MariaDB, so chip and dale can start alike on any pair.
public sealed class CrossEngineTests
{
    [Test]
    public async Task TheSameSeedGivesIdenticalContentOnBothEnginesBeforeAndAfterAChange()
    {
        var pg = await Servers.CreateSmallAsync(BlechEngine.Postgres, seed: 7);
        var my = await Servers.CreateSmallAsync(BlechEngine.MariaDb, seed: 7);

        var pgDump = await Servers.DumpAsync(BlechEngine.Postgres, pg);
        Assert.That(pgDump, Has.Count.EqualTo(29_502));
        Assert.That(await Servers.DumpAsync(BlechEngine.MariaDb, my), Is.EqualTo(pgDump));

        // Blech's clock fixed, so updated_at, serials and queued_at agree as well.
        var now = new DateTime(2026, 2, 3, 4, 5, 6, DateTimeKind.Utc).AddTicks(1234560);
        await Changer.ChangeAsync(new ChangeOptions(BlechEngine.Postgres, pg) { Seed = 3, Now = now }, TestContext.Progress);
        await Changer.ChangeAsync(new ChangeOptions(BlechEngine.MariaDb, my) { Seed = 3, Now = now }, TestContext.Progress);
        var pgChanged = await Servers.DumpAsync(BlechEngine.Postgres, pg);
        Assert.That(pgChanged, Is.Not.EqualTo(pgDump));
        Assert.That(await Servers.DumpAsync(BlechEngine.MariaDb, my), Is.EqualTo(pgChanged));
    }
}
