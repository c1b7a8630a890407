using Bridge.Dns.Tests.Harness;

namespace Bridge.Dns.Tests;

public sealed class ToolTests
{
    [Test]
    public void TheBindProgramsAreInstalled()
    {
        // Each throws BindToolMissingException naming the Debian package, which fails the test.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.Exists(BindTools.Named), "named");
            Assert.That(File.Exists(BindTools.Rndc), "rndc");
            Assert.That(File.Exists(BindTools.Dig), "dig");
            Assert.That(File.Exists(BindTools.NamedCheckZone), "named-checkzone");
            Assert.That(File.Exists(BindTools.NamedCheckConf), "named-checkconf");
        }
    }

    [Test]
    public void AMissingProgramFailsWithThePackageToInstall()
    {
        var e = Assert.Throws<BindToolMissingException>(() => BindTools.Find("named-not-installed-anywhere", "bind9"));
        Assert.That(e!.Message, Does.StartWith("named-not-installed-anywhere was not found")
            .And.Contain("install the Debian package bind9 (apt-get install -y bind9 bind9-dnsutils"));
    }

    [Test]
    public void TheAllocatorNeverHandsOutTheSamePortTwiceAndEachIsFree()
    {
        var ports = Enumerable.Range(0, 20).Select(_ => LocalPorts.Allocate()).ToList();
        Assert.That(ports, Is.Unique);
        Assert.That(ports.All(LocalPorts.IsFree), Is.True, string.Join(", ", ports));
    }

    [Test]
    public async Task DigAgainstAPortWithNoServerGivesNoSerialRatherThanAnError()
    {
        var port = LocalPorts.Allocate();
        Assert.That(await Dig.SoaSerialAsync(port, Sample.Origin), Is.Null);
    }
}
