using Bridge.Emulator;
using static Bridge.Emulator.Tests.Support;

namespace Bridge.Emulator.Tests;

[TestFixture]
public sealed class PostgresToMariaDbTests() : CrossEngineTests(TestServers.PgChip, TestServers.MariaDbDale);

[TestFixture]
public sealed class MariaDbToPostgresTests() : CrossEngineTests(TestServers.MariaDbChip, TestServers.PgDale);

/// chip and dale on different engines: the emulator must behave the same on both.
public abstract class CrossEngineTests(BlechServer chipServer, BlechServer daleServer)
{
    private BlechInstance chip = null!;
    private BlechInstance dale = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        chip = await CreateAsync(chipServer, "chip", ChipIp);
        dale = await CreateAsync(daleServer, "dale", DaleIp);
        Assert.That(chip.Engine, Is.Not.EqualTo(dale.Engine));
    }

    [Test]
    public async Task IdenticalEditsGiveEqualDumps()
    {
        await FillAsync(chip);
        await FillAsync(dale);
        var chipDump = await chip.DumpAsync();
        Assert.That(chipDump.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(14), chipDump);
        Assert.That(await dale.DumpAsync(), Is.EqualTo(chipDump));
    }

    [Test]
    public async Task IdenticalEditsGenerateIdenticalFiles()
    {
        await FillAsync(chip);
        await FillAsync(dale);
        await dale.AddIpAddressAsync(ChipIp);
        var chipRoot = NewFolder();
        var daleRoot = NewFolder();
        try
        {
            var chipResult = await chip.RegenerateAsync(chipRoot);
            var daleResult = await dale.RegenerateAsync(daleRoot);
            Assert.That(daleResult.Written, Is.EqualTo(chipResult.Written));
            foreach (var file in chipResult.Written.Where(f => f != "bind/zones.conf"))
            {
                Assert.That(
                    File.ReadAllText(Path.Combine(daleRoot, file)).Replace(DaleIp, ChipIp, StringComparison.Ordinal),
                    Is.EqualTo(File.ReadAllText(Path.Combine(chipRoot, file))),
                    file);
            }
        }
        finally
        {
            Directory.Delete(chipRoot, recursive: true);
            Directory.Delete(daleRoot, recursive: true);
        }
    }

    [Test]
    public async Task APushAcrossEnginesCopiesEverythingButDnsAndAddresses()
    {
        await FillAsync(chip);
        await chip.PushToAsync(dale);
        await chip.PushToAsync(dale);

        var expected = (await chip.DumpAsync())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("zone ", StringComparison.Ordinal) && !l.StartsWith("record ", StringComparison.Ordinal))
            .Select(l => l.Replace($"ip={ChipIp}", $"ip={DaleIp}", StringComparison.Ordinal));
        Assert.That((await dale.DumpAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(expected));
    }
}
