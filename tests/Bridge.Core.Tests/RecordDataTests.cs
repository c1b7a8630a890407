using Bridge.Core.Normalize;

namespace Bridge.Core.Tests;

public sealed class RecordDataTests
{
    private const string Origin = "example.com.";

    [TestCase("A", "192.0.2.1", "192.0.2.1")]
    [TestCase("A", " 192.0.2.1", "192.0.2.1")]
    [TestCase("AAAA", "2001:DB8:0:0::1", "2001:db8::1")]
    [TestCase("AAAA", "2001:db8::1", "2001:db8::1")]
    [TestCase("CNAME", "www", "www.example.com.")]
    [TestCase("CNAME", "WWW.example.com.", "www.example.com.")]
    [TestCase("CNAME", "@", "example.com.")]
    [TestCase("CNAME", "host.example.net.", "host.example.net.")]
    [TestCase("NS", "ns1", "ns1.example.com.")]
    [TestCase("NS", "NS1.Example.NET.", "ns1.example.net.")]
    [TestCase("PTR", "host.example.com.", "host.example.com.")]
    [TestCase("MX", "mail", "mail.example.com.")]
    [TestCase("MX", "Mail.Example.Com.", "mail.example.com.")]
    [TestCase("SRV", "5 5060 sip", "5 5060 sip.example.com.")]
    [TestCase("SRV", "5  5060\tSIP.example.com.", "5 5060 sip.example.com.")]
    [TestCase("SRV", "0 0 .", "0 0 .")]
    [TestCase("SRV", "65535 65535 x", "65535 65535 x.example.com.")]
    [TestCase("CAA", "0 issue letsencrypt.org", "0 issue letsencrypt.org")]
    [TestCase("CAA", "0 ISSUE letsencrypt.org", "0 issue letsencrypt.org")]
    [TestCase("CAA", "128 iodef mailto:security@example.com", "128 iodef mailto:security@example.com")]
    [TestCase("CAA", "0 issue ca.example; account=Ab12", "0 issue ca.example; account=Ab12")]
    [TestCase("TXT", "v=spf1 mx -all", "v=spf1 mx -all")]
    public void NormalizesEveryType(string type, string data, string expected)
    {
        Assert.That(RecordData.TryNormalize(type, data, Origin, out var normalized, out var reason), Is.True, reason);
        Assert.That(normalized, Is.EqualTo(expected));
        Assert.That(reason, Is.Null);
    }

    [TestCase("AAAA", "2001:DB8:0:0::1", "2001:db8:0000::0001")]
    [TestCase("CNAME", "www", "WWW.example.com.")]
    [TestCase("MX", "@", "example.com.")]
    [TestCase("NS", "ns1.example.com", "NS1.EXAMPLE.COM.example.com.")]
    [TestCase("SRV", "10 443 web", "10  443 web.example.com.")]
    [TestCase("CAA", "0 issue ca.example", "0 Issue ca.example")]
    public void SpellingsOfTheSameDataCompareEqual(string type, string one, string other)
    {
        RecordData.TryNormalize(type, one, Origin, out var a, out _);
        RecordData.TryNormalize(type, other, Origin, out var b, out _);

        Assert.That(a, Is.Not.Null);
        Assert.That(b, Is.EqualTo(a));
    }

    [TestCase("A", "999.1.1.1", "'999.1.1.1' is not an IPv4 address")]
    [TestCase("A", "10.1", "not an IPv4 address")]
    [TestCase("A", "2001:db8::1", "not an IPv4 address")]
    [TestCase("A", "", "not an IPv4 address")]
    [TestCase("AAAA", "192.0.2.1", "not an IPv6 address")]
    [TestCase("AAAA", "fe80::1%eth0", "not an IPv6 address")]
    [TestCase("AAAA", "[2001:db8::1]:53", "not an IPv6 address")]
    [TestCase("A", "\n192.0.2.1", "line break")]
    [TestCase("A", "192.0.2.1\r\n", "line break")]
    [TestCase("CNAME", "bad host.example.com.", "CNAME target 'bad host.example.com.': host name contains a space")]
    [TestCase("CNAME", "a..b", "'..'")]
    [TestCase("CNAME", "*.example.com.", "'*'")]
    [TestCase("CNAME", "\ntarget.example.com.", "line break")]
    [TestCase("NS", "ns1/example", "NS target")]
    [TestCase("MX", "", "empty host name")]
    [TestCase("MX", "mail\nexample.com", "line break")]
    [TestCase("PTR", "host_(x)", "'('")]
    [TestCase("SRV", "5060 sip.example.com.", "not 'weight port target'")]
    [TestCase("SRV", "10 0 5060 sip.example.com.", "not 'weight port target'")]
    [TestCase("SRV", "5 70000 sip", "SRV port '70000' is out of range")]
    [TestCase("SRV", "5 -1 sip", "SRV port '-1' is out of range")]
    [TestCase("SRV", "x 5060 sip", "SRV weight 'x'")]
    [TestCase("SRV", "5 5060 bad/target", "SRV target 'bad/target'")]
    [TestCase("CAA", "0 issue", "not 'flags tag value'")]
    [TestCase("CAA", "256 issue ca.example", "CAA flags '256'")]
    [TestCase("CAA", "0 iss-ue ca.example", "CAA tag 'iss-ue'")]
    [TestCase("CAA", "0 issue ca.example\n", "line break")]
    [TestCase("TXT", "v=spf1\n-all", "TXT data 'v=spf1\\n-all' contains a line break")]
    [TestCase("TXT", "abc\u0000", "control character")]
    [TestCase("SPF", "v=spf1 -all", "record type 'SPF' is not one Blech stores")]
    [TestCase("a", "192.0.2.1", "record type 'a'")]
    public void RefusesDataThatWouldBreakAZoneFile(string type, string data, string expected)
    {
        Assert.That(RecordData.TryNormalize(type, data, Origin, out var normalized, out var reason), Is.False);
        Assert.That(normalized, Is.Null);
        Assert.That(reason, Does.Contain(expected));
    }

    [TestCase("with \"quotes\" inside")]
    [TestCase("back\\slash and \\\" escaped quote")]
    [TestCase("  leading and trailing blanks  ")]
    [TestCase("tab\tinside")]
    [TestCase("UPPER and lower")]
    [TestCase("")]
    [TestCase("non-ascii: grüße ✓")]
    public void TxtIsKeptByteExact(string data)
    {
        Assert.That(RecordData.TryNormalize("TXT", data, Origin, out var normalized, out var reason), Is.True, reason);
        Assert.That(normalized, Is.EqualTo(data));
    }

    [Test]
    public void A400ByteDkimKeyIsKeptWhole()
    {
        var key = "v=DKIM1; k=rsa; p=" + string.Concat(Enumerable.Range(0, 382).Select(i => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64]));
        Assert.That(key, Has.Length.EqualTo(400));

        Assert.That(RecordData.TryNormalize("TXT", key, Origin, out var normalized, out _), Is.True);
        Assert.That(normalized, Is.EqualTo(key));
    }

    [Test]
    public void TxtThatDiffersByOneQuoteIsDifferent()
    {
        RecordData.TryNormalize("TXT", "v=spf1 -all", Origin, out var plain, out _);
        RecordData.TryNormalize("TXT", "\"v=spf1 -all\"", Origin, out var quoted, out _);

        Assert.That(quoted, Is.Not.EqualTo(plain));
    }

    [Test]
    public void PrintableShowsControlCharactersAndClipsLongText()
    {
        Assert.That(RecordData.Printable("a\nb\rc\td\u0001"), Is.EqualTo("a\\nb\\rc\\td\\x01"));
        Assert.That(RecordData.Printable(new string('x', 100)), Is.EqualTo(new string('x', 77) + "..."));
        Assert.That(RecordData.Printable("plain"), Is.EqualTo("plain"));
    }
}
