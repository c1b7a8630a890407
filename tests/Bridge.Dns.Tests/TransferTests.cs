using System.Diagnostics;
using Bridge.Dns.Tests.Harness;

namespace Bridge.Dns.Tests;

public sealed class TransferTests
{
    private const long Serial = 2025031401;

    // Long enough that only NOTIFY or rndc refresh can explain a prompt transfer.
    private static readonly TimeSpan NoPolling = TimeSpan.FromHours(1);

    [Test]
    public async Task ASerialBumpReachesTheSecondaryThroughNotify()
    {
        var primaryPort = LocalPorts.Allocate();
        var secondaryPort = LocalPorts.Allocate();
        var (primary, root) = await Sample.StartPrimaryAsync("chip", Sample.Acme(Serial, Sample.ChipIp), primaryPort, secondaryPort);
        using var _ = root;
        await using var __ = primary;
        await using var secondary = await NamedServer.StartSecondaryAsync(
            [Sample.Origin], "127.0.0.1", primaryPort, secondaryPort, NoPolling);
        Assert.That(await Dig.WaitForSerialAsync(secondary.Port, Sample.Origin, s => s == Serial, Sample.Prompt), Is.EqualTo(Serial), secondary.Log);

        var clock = Stopwatch.StartNew();
        BlechZoneFiles.Write(root.Path, Sample.Acme(Serial + 1, Sample.DaleIp));
        await primary.ReloadAsync();
        var followed = await Dig.WaitForSerialAsync(secondary.Port, Sample.Origin, s => s == Serial + 1, Sample.Prompt);

        TestContext.Out.WriteLine($"secondary followed the bump through NOTIFY in {clock.ElapsedMilliseconds} ms");
        Assert.That(followed, Is.EqualTo(Serial + 1), $"{primary.Log}\n---\n{secondary.Log}");
        Assert.That(await Dig.QueryAsync(secondary.Port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.DaleIp }));
    }

    [Test]
    public async Task WithoutNotifyTheSecondaryWaitsForRndcRefresh()
    {
        var (primary, root) = await Sample.StartPrimaryAsync("chip", Sample.Acme(Serial, Sample.ChipIp));
        using var _ = root;
        await using var __ = primary;
        await using var secondary = await NamedServer.StartSecondaryAsync(
            [Sample.Origin], "127.0.0.1", primary.Port, maxRefresh: NoPolling);
        Assert.That(await Dig.WaitForSerialAsync(secondary.Port, Sample.Origin, s => s == Serial, Sample.Prompt), Is.EqualTo(Serial), secondary.Log);

        BlechZoneFiles.Write(root.Path, Sample.Acme(Serial + 1, Sample.DaleIp));
        await primary.ReloadAsync();
        Assert.That(await Dig.WaitForSerialAsync(primary.Port, Sample.Origin, s => s == Serial + 1, Sample.Prompt), Is.EqualTo(Serial + 1), primary.Log);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That(await Dig.SoaSerialAsync(secondary.Port, Sample.Origin), Is.EqualTo(Serial), "nothing told the secondary yet");

        var clock = Stopwatch.StartNew();
        await secondary.RefreshAsync(Sample.Origin);
        var followed = await Dig.WaitForSerialAsync(secondary.Port, Sample.Origin, s => s == Serial + 1, Sample.Prompt);

        TestContext.Out.WriteLine($"secondary followed rndc refresh in {clock.ElapsedMilliseconds} ms");
        Assert.That(followed, Is.EqualTo(Serial + 1), secondary.Log);
        Assert.That(await Dig.QueryAsync(secondary.Port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.DaleIp }));
    }

    [Test]
    public async Task WithoutNotifyOrRefreshTheShortPollFindsTheBump()
    {
        var (primary, root) = await Sample.StartPrimaryAsync("chip", Sample.Acme(Serial, Sample.ChipIp));
        using var _ = root;
        await using var __ = primary;
        await using var secondary = await NamedServer.StartSecondaryAsync([Sample.Origin], "127.0.0.1", primary.Port);
        Assert.That(await Dig.WaitForSerialAsync(secondary.Port, Sample.Origin, s => s == Serial, Sample.Prompt), Is.EqualTo(Serial), secondary.Log);

        var clock = Stopwatch.StartNew();
        BlechZoneFiles.Write(root.Path, Sample.Acme(Serial + 1, Sample.DaleIp));
        await primary.ReloadAsync();
        var followed = await Dig.WaitForSerialAsync(secondary.Port, Sample.Origin, s => s == Serial + 1, Sample.Prompt);

        TestContext.Out.WriteLine($"secondary polling every {NamedServer.DefaultMaxRefresh.TotalSeconds} s followed in {clock.ElapsedMilliseconds} ms");
        Assert.That(followed, Is.EqualTo(Serial + 1), secondary.Log);
    }
}
