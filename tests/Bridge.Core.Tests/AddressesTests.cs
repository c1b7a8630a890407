using System.Net;
using Bridge.Core.Normalize;

namespace Bridge.Core.Tests;

public sealed class AddressesTests
{
    [TestCase("192.0.2.1", "192.0.2.1")]
    [TestCase("0.0.0.0", "0.0.0.0")]
    [TestCase("255.255.255.255", "255.255.255.255")]
    [TestCase(" 192.0.2.1 ", "192.0.2.1")]
    [TestCase("2001:db8::1", "2001:db8::1")]
    [TestCase("2001:DB8:0:0::1", "2001:db8::1")]
    [TestCase("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [TestCase("0:0:0:0:0:0:0:1", "::1")]
    [TestCase("FE80::A", "fe80::a")]
    [TestCase("::ffff:192.0.2.1", "::ffff:192.0.2.1")]
    public void CanonicalGivesOneSpelling(string text, string expected) =>
        Assert.That(Addresses.Canonical(text), Is.EqualTo(expected));

    [TestCase("999.1.1.1")]
    [TestCase("256.0.0.1")]
    [TestCase("10.1")]
    [TestCase("10.1.1")]
    [TestCase("1.2.3.4.5")]
    [TestCase("0x7f.0.0.1")]
    [TestCase("1.2.3.-4")]
    [TestCase("+1.2.3.4")]
    [TestCase("1.2..4")]
    [TestCase("1.2.3.4 5")]
    [TestCase("１.2.3.4")]
    [TestCase("2130706433")]
    [TestCase("01.2.3.4")]
    [TestCase("010.0.0.1")]
    [TestCase("fe80::1%eth0")]
    [TestCase("fe80::1%25eth0")]
    [TestCase("[2001:db8::1]")]
    [TestCase("[2001:db8::1]:80")]
    [TestCase("2001:db8::/32")]
    [TestCase("1::2::3")]
    [TestCase("2001:db8::g")]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("localhost")]
    public void TryParseRefuses(string text)
    {
        Assert.That(Addresses.TryParse(text, out var address), Is.False);
        Assert.That(address, Is.Null);
        Assert.That(Addresses.Canonical(text), Is.Null);
    }

    [Test]
    public void LeadingZeroRefusedButZeroItselfAccepted()
    {
        // "010" is 8 to inet_aton and an error to BIND; a bare "0" is neither.
        Assert.That(Addresses.Canonical("10.0.0.0"), Is.EqualTo("10.0.0.0"));
        Assert.That(Addresses.Canonical("10.00.0.1"), Is.Null);
    }

    [Test]
    public void BuildMapsServiceAndBothMainIpsToTheServiceAddress()
    {
        var map = Net.Policy.Build(Net.V, Net.D);

        Assert.Multiple(() =>
        {
            Assert.That(map.ServiceAddress.ToString(), Is.EqualTo(Net.V));
            Assert.That(map.Map(Net.V), Is.EqualTo(Net.V));
            Assert.That(map.Map(Net.D), Is.EqualTo(Net.V), "standby's main_ip");
            Assert.That(map.Map(Net.C), Is.EqualTo(Net.V), "configured peer address");
            Assert.That(map.Map(Net.Other), Is.Null, "unknown address stays unmapped");
        });
    }

    [Test]
    public void BuildUsesThePeersMainIpWhenItIsNotV()
    {
        // After a failover dale is the peer: its Blech main_ip is D, chip's is V.
        var policy = new AddressPolicy(IPAddress.Parse(Net.V), []);
        var map = policy.Build(Net.D, Net.C);

        Assert.That(map.Map(Net.D), Is.EqualTo(Net.V));
        Assert.That(map.Map(Net.C), Is.EqualTo(Net.V));
        Assert.That(map.Map(Net.Other), Is.Null);
    }

    [Test]
    public void ConfiguredEntriesOverrideTheDefaults()
    {
        var policy = new AddressPolicy(
            IPAddress.Parse(Net.V),
            [
                new(IPAddress.Parse(Net.Other), IPAddress.Parse("203.0.113.9")),
                new(IPAddress.Parse(Net.D), IPAddress.Parse("203.0.113.4")),
            ]);
        var map = policy.Build(Net.V, Net.D);

        Assert.That(map.Map(Net.Other), Is.EqualTo("203.0.113.9"));
        Assert.That(map.Map(Net.D), Is.EqualTo("203.0.113.4"), "configured entry wins over the standby's main_ip");
        Assert.That(map.Map(Net.V), Is.EqualTo(Net.V));
    }

    [Test]
    public void BuildCanonicalizesIpv6AndIgnoresAnUnparseableMainIp()
    {
        var policy = new AddressPolicy(IPAddress.Parse("2001:db8::10"), []);
        var map = policy.Build("2001:DB8:0:0::3", "not an address");

        Assert.That(map.Map("2001:db8::3"), Is.EqualTo("2001:db8::10"));
        Assert.That(map.Map("2001:db8::10"), Is.EqualTo("2001:db8::10"));
        Assert.That(map.Map("not an address"), Is.Null);
    }
}
