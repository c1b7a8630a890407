using Bridge.Emulator;
using static Bridge.Emulator.Tests.Support;

namespace Bridge.Emulator.Tests;

[TestFixture]
public sealed class PostgresToMariaDbTests() : CrossEngineTests(TestServers.PgChip, TestServers.MariaDbDale);

[TestFixture]
public sealed class MariaDbToPostgresTests() : CrossEngineTests(TestServers.MariaDbChip, TestServers.PgDale);

/// _chip and _dale on different engines: the emulator must behave the same on both.
public abstract class CrossEngineTests(BlechServer chipServer, BlechServer daleServer)
{
    private BlechInstance _chip = null!;
    private BlechInstance _dale = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _chip = await CreateAsync(chipServer, "chip", ChipIp);
        _dale = await CreateAsync(daleServer, "dale", DaleIp);
        Assert.That(_chip.Engine, Is.Not.EqualTo(_dale.Engine));
    }

    [Test]
    public async Task IdenticalEditsGiveEqualDumps()
    {
        await FillAsync(_chip);
        await FillAsync(_dale);
        var chipDump = await _chip.DumpAsync();
        Assert.That(chipDump.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(14), chipDump);
        Assert.That(await _dale.DumpAsync(), Is.EqualTo(chipDump));
    }

    [Test]
    public async Task IdenticalEditsGenerateIdenticalFiles()
    {
        await FillAsync(_chip);
        await FillAsync(_dale);
        await _dale.AddIpAddressAsync(ChipIp);
        var chipRoot = NewFolder();
        var daleRoot = NewFolder();
        try
        {
            var chipResult = await _chip.RegenerateAsync(chipRoot);
            var daleResult = await _dale.RegenerateAsync(daleRoot);
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
        await FillAsync(_chip);
        await _chip.PushToAsync(_dale);
        await _chip.PushToAsync(_dale);

        var expected = (await _chip.DumpAsync())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("zone ", StringComparison.Ordinal) && !l.StartsWith("record ", StringComparison.Ordinal))
            .Select(l => l.Replace($"ip={ChipIp}", $"ip={DaleIp}", StringComparison.Ordinal));
        Assert.That((await _dale.DumpAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(expected));
    }
}
