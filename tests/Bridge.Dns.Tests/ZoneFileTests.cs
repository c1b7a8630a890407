using Bridge.Dns.Tests.Harness;

namespace Bridge.Dns.Tests;

public sealed class ZoneFileTests
{
    private static readonly string LongText = "v=DKIM1; k=rsa; p=" + new string('A', 300) + "é";

    [Test]
    public void TxtIsSplitIntoQuotedStringsOfAtMost255BytesWithoutSplittingACharacter()
    {
        var text = new string('a', 254) + "é" + "b";
        Assert.That(BlechZoneFiles.TxtData(text), Is.EqualTo($"\"{new string('a', 254)}\" \"éb\""));
    }

    [Test]
    public async Task ABlechZoneFilePassesNamedCheckzoneAndAPrimaryServesIt()
    {
        using var root = Sample.NewConfigRoot("chip");
        var acme = Sample.Acme(2025031401, Sample.ChipIp) with
        {
            Records =
            [
                .. Sample.Acme(2025031401, Sample.ChipIp).Records,
                new BlechRecord("@", "TXT", LongText),
                new BlechRecord("@", "CAA", "0 issue letsencrypt.org"),
                new BlechRecord("_sip._tcp", "SRV", "5 5060 sip.acme.example.", Priority: 10),
            ],
        };
        var other = Sample.Acme(7, Sample.DaleIp) with { Origin = "other.example." };
        var zonesConf = BlechZoneFiles.WriteAll(root.Path, [acme, other]);

        var check = await NamedCheck.CheckZoneAsync(acme.Origin, BlechZoneFiles.ZoneFilePath(root.Path, acme.Origin));
        Assert.That(check.Ok, Is.True, check.Output);
        Assert.That(check.Output, Does.Contain("loaded serial 2025031401"));
        var conf = await NamedCheck.CheckConfAsync(zonesConf);
        Assert.That(conf.Ok, Is.True, conf.Output);

        await using var primary = await NamedServer.StartPrimaryAsync(zonesConf, name: "chip");
        var txt = await Dig.QueryAsync(primary.Port, "acme.example.", "TXT");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Dig.SoaSerialAsync(primary.Port, "acme.example."), Is.EqualTo(2025031401), primary.Log);
            Assert.That(await Dig.SoaSerialAsync(primary.Port, "other.example."), Is.EqualTo(7), primary.Log);
            Assert.That(await Dig.QueryAsync(primary.Port, "www.acme.example.", "A"), Is.EqualTo(new[] { Sample.ChipIp }));
            Assert.That(await Dig.QueryAsync(primary.Port, "acme.example.", "MX"), Is.EqualTo(new[] { "10 mail.acme.example." }));
            Assert.That(await Dig.QueryAsync(primary.Port, "acme.example.", "CAA"), Is.EqualTo(new[] { "0 issue \"letsencrypt.org\"" }));
            Assert.That(await Dig.QueryAsync(primary.Port, "_sip._tcp.acme.example.", "SRV"), Is.EqualTo(new[] { "10 5 5060 sip.acme.example." }));
            // dig prints non-ASCII bytes as \DDD, so compare the chunking, which is the part Blech gets to decide.
            Assert.That(txt, Has.Count.EqualTo(1));
            Assert.That(txt[0], Does.StartWith("\"v=DKIM1; k=rsa; p=AAA").And.Contain("\" \"").And.EndWith("\\195\\169\""));
        }
    }

    [Test]
    public async Task AZoneWithoutNsRecordsIsRejectedByNamedCheckzoneAndByAPrimary()
    {
        using var root = Sample.NewConfigRoot("chip");
        var bare = new BlechZone(Sample.Origin, 1, [new BlechRecord("@", "A", Sample.ChipIp)]);
        var zonesConf = BlechZoneFiles.WriteAll(root.Path, [bare]);

        var check = await NamedCheck.CheckZoneAsync(bare.Origin, BlechZoneFiles.ZoneFilePath(root.Path, bare.Origin));
        Assert.That(check.Ok, Is.False, check.Output);
        Assert.That(check.Output, Does.Contain("has no NS records"));
        var e = await Assert.ThrowsAsync<NamedStartException>(() => NamedServer.StartPrimaryAsync(zonesConf, name: "chip"));
        Assert.That(e!.Message, Does.Contain("a zone did not load").And.Contain("has no NS records"));
    }
}
