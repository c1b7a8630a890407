using Bridge.Dns.Tests.Harness;

namespace Bridge.Dns.Tests;

public sealed class RestartTests
{
    [Test]
    public async Task APrimaryStartsOnThePortAnotherJustReleased()
    {
        var (chip, chipRoot) = await Sample.StartPrimaryAsync("chip", Sample.Acme(10, Sample.ChipIp));
        using var _ = chipRoot;
        var port = chip.Port;
        Assert.That(await Dig.SoaSerialAsync(port, Sample.Origin), Is.EqualTo(10), chip.Log);
        await chip.DisposeAsync();
        Assert.That(chip.HasExited, Is.True);

        var (dale, daleRoot) = await Sample.StartPrimaryAsync("dale", Sample.Acme(11, Sample.DaleIp), port);
        using var __ = daleRoot;
        await using var ___ = dale;

        Assert.That(dale.Port, Is.EqualTo(port));
        Assert.That(await Dig.SoaSerialAsync(port, Sample.Origin), Is.EqualTo(11), dale.Log);
        Assert.That(await Dig.QueryAsync(port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.DaleIp }));
    }

    [Test]
    public async Task APrimaryStartedWhileTheOldOneStillHoldsThePortWaitsForIt()
    {
        var (chip, chipRoot) = await Sample.StartPrimaryAsync("chip", Sample.Acme(10, Sample.ChipIp));
        using var _ = chipRoot;
        await using var __ = chip;
        var stopLater = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await chip.StopAsync();
        });

        var (dale, daleRoot) = await Sample.StartPrimaryAsync("dale", Sample.Acme(11, Sample.DaleIp), chip.Port);
        using var ___ = daleRoot;
        await using var ____ = dale;
        await stopLater;

        TestContext.Out.WriteLine($"dale started after {dale.StartAttempts} attempts");
        Assert.That(dale.StartAttempts, Is.GreaterThan(1), "chip held the port when dale first tried");
        Assert.That(await Dig.SoaSerialAsync(dale.Port, Sample.Origin), Is.EqualTo(11), dale.Log);
        Assert.That(await Dig.QueryAsync(dale.Port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.DaleIp }));
    }

    [Test]
    public async Task AKilledPrimaryReleasesItsPortToo()
    {
        var (chip, chipRoot) = await Sample.StartPrimaryAsync("chip", Sample.Acme(10, Sample.ChipIp));
        using var _ = chipRoot;
        await using var __ = chip;
        await chip.KillAsync();
        Assert.That(await Dig.SoaSerialAsync(chip.Port, Sample.Origin), Is.Null, "nobody answers on V between the machines");

        using var daleRoot = Sample.NewConfigRoot("dale");
        var zoneFile = BlechZoneFiles.Write(daleRoot.Path, Sample.Acme(11, Sample.DaleIp));
        await using var dale = await NamedServer.StartPrimaryAsync([new PrimaryZone(Sample.Origin, zoneFile)], chip.Port, name: "dale");
        Assert.That(await Dig.SoaSerialAsync(dale.Port, Sample.Origin), Is.EqualTo(11), dale.Log);
    }
}
