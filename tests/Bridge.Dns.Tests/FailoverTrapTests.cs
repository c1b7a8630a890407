using Bridge.Dns.Tests.Harness;

namespace Bridge.Dns.Tests;

/// V moving from chip to dale, simulated as chip's named stopping and dale's starting on the same port.
public sealed class FailoverTrapTests
{
    private const long N = 2025031400;

    [Test]
    public async Task ASecondaryIgnoresALowerSerialFromANewPrimaryOnTheSamePort()
    {
        await using var failover = await Failover.StartAsync(chipSerial: N + 1, daleSerial: N);

        var check = await failover.FirstCheckAgainstDaleAsync();
        Assert.That(check, Is.EqualTo(new SerialCheck(N, N + 1)), failover.Secondary.Log);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failover.Secondary.Log, Does.Contain($"serial number ({N}) received from primary 127.0.0.1#{failover.Dale.Port} < ours ({N + 1})"));
            Assert.That(await Dig.SoaSerialAsync(failover.Dale.Port, Sample.Origin), Is.EqualTo(N), "dale serves N");
            Assert.That(await Dig.QueryAsync(failover.Dale.Port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.DaleIp }));
            Assert.That(await Dig.SoaSerialAsync(failover.Secondary.Port, Sample.Origin), Is.EqualTo(N + 1), "the secondary keeps chip's N+1");
            Assert.That(await Dig.QueryAsync(failover.Secondary.Port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.ChipIp }), "and chip's content");
        }

        // What the bridge does about it: dale's serial moves past chip's, and the secondary follows.
        BlechZoneFiles.Write(failover.DaleRoot.Path, Sample.Acme(N + 2, Sample.DaleIp));
        await failover.Dale.ReloadAsync();
        await failover.Secondary.RefreshAsync(Sample.Origin);
        Assert.That(await Dig.WaitForSerialAsync(failover.Secondary.Port, Sample.Origin, s => s == N + 2, Sample.Prompt), Is.EqualTo(N + 2), failover.Secondary.Log);
        Assert.That(await Dig.QueryAsync(failover.Secondary.Port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.DaleIp }));
    }

    [Test]
    public async Task RetransferTakesTheNewPrimarysContentWhateverTheSerial()
    {
        await using var failover = await Failover.StartAsync(chipSerial: N + 1, daleSerial: N);

        await failover.Secondary.RetransferAsync(Sample.Origin);

        Assert.That(await Dig.WaitForSerialAsync(failover.Secondary.Port, Sample.Origin, s => s == N, Sample.Prompt), Is.EqualTo(N), failover.Secondary.Log);
        Assert.That(await Dig.QueryAsync(failover.Secondary.Port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.DaleIp }));
    }

    // RFC 1982: "newer" is modulo 2^32 and means less than 2^31 ahead; numerically larger is not enough.
    [TestCase(1L, 2147483654L, false, TestName = "A serial more than 2^31 ahead counts as older")]
    [TestCase(4294967290L, 5L, true, TestName = "A serial that wrapped past 2^32 counts as newer")]
    [TestCase(N, N, false, TestName = "An equal serial with different content is not transferred")]
    public async Task TheSecondaryComparesSerialsTheRfc1982Way(long chipSerial, long daleSerial, bool transferred)
    {
        await using var failover = await Failover.StartAsync(chipSerial, daleSerial);

        var check = await failover.FirstCheckAgainstDaleAsync();
        Assert.That(check, Is.EqualTo(new SerialCheck(daleSerial, chipSerial)), failover.Secondary.Log);

        var expected = transferred ? daleSerial : chipSerial;
        Assert.That(await Dig.WaitForSerialAsync(failover.Secondary.Port, Sample.Origin, s => s == expected, Sample.Prompt), Is.EqualTo(expected), failover.Secondary.Log);
        Assert.That(await Dig.SoaSerialAsync(failover.Secondary.Port, Sample.Origin), Is.EqualTo(expected), failover.Secondary.Log);
        Assert.That(await Dig.QueryAsync(failover.Secondary.Port, "www.acme.example.", "A"),
            Is.EqualTo(new[] { transferred ? Sample.DaleIp : Sample.ChipIp }));
    }

    /// chip primary at port V with a secondary in step, then chip stopped and dale started on V.
    private sealed class Failover : IAsyncDisposable
    {
        private readonly TempFolder _chipRoot;
        private readonly int _markBeforeDale;

        private Failover(NamedServer dale, TempFolder daleRoot, NamedServer secondary, TempFolder chipRoot, int markBeforeDale)
        {
            Dale = dale;
            DaleRoot = daleRoot;
            Secondary = secondary;
            _chipRoot = chipRoot;
            _markBeforeDale = markBeforeDale;
        }

        public NamedServer Dale { get; }

        public TempFolder DaleRoot { get; }

        public NamedServer Secondary { get; }

        public static async Task<Failover> StartAsync(long chipSerial, long daleSerial)
        {
            var v = LocalPorts.Allocate();
            var secondaryPort = LocalPorts.Allocate();
            var (chip, _chipRoot) = await Sample.StartPrimaryAsync("chip", Sample.Acme(chipSerial, Sample.ChipIp), v, secondaryPort);
            NamedServer? secondary = null;
            try
            {
                secondary = await NamedServer.StartSecondaryAsync([Sample.Origin], "127.0.0.1", v, secondaryPort);
                Assert.That(await Dig.WaitForSerialAsync(secondaryPort, Sample.Origin, s => s == chipSerial, Sample.Prompt), Is.EqualTo(chipSerial), secondary.Log);
                Assert.That(await Dig.QueryAsync(secondaryPort, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.ChipIp }));
            }
            catch
            {
                if (secondary is not null)
                {
                    await secondary.DisposeAsync();
                }

                await chip.DisposeAsync();
                _chipRoot.Dispose();
                throw;
            }

            await chip.DisposeAsync();
            var mark = secondary.LogLength;
            var (dale, daleRoot) = await Sample.StartPrimaryAsync("dale", Sample.Acme(daleSerial, Sample.DaleIp), v, secondaryPort);
            return new Failover(dale, daleRoot, secondary, _chipRoot, mark);
        }

        /// The secondary's first serial comparison since chip stopped, which is against dale: dale's NOTIFY on load, a
        /// poll or the rndc refresh sent here, whichever comes first (a later one may already see a transferred serial).
        public async Task<SerialCheck?> FirstCheckAgainstDaleAsync()
        {
            await Secondary.RefreshAsync(Sample.Origin);
            return await Secondary.WaitForSerialCheckAsync(Sample.Origin, _markBeforeDale, Sample.Prompt);
        }

        public async ValueTask DisposeAsync()
        {
            await Secondary.DisposeAsync();
            await Dale.DisposeAsync();
            DaleRoot.Dispose();
            _chipRoot.Dispose();
        }
    }
}
