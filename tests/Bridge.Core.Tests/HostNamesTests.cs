using Bridge.Core.Normalize;

namespace Bridge.Core.Tests;

public sealed class HostNamesTests
{
    [TestCase("example.com", "example.com.")]
    [TestCase("example.com.", "example.com.")]
    [TestCase("Example.COM", "example.com.")]
    [TestCase(" EXAMPLE.com. ", "example.com.")]
    [TestCase("xn--bcher-kva.example", "xn--bcher-kva.example.")]
    public void OriginIsLowerCaseAndAbsolute(string origin, string expected) =>
        Assert.That(HostNames.Origin(origin), Is.EqualTo(expected));

    [TestCase("example.com", "example.com")]
    [TestCase("Example.COM.", "example.com")]
    [TestCase("  www.Example.com ", "www.example.com")]
    [TestCase("example.com..", "example.com")]
    public void DomainIsLowerCaseWithoutTrailingDot(string domain, string expected) =>
        Assert.That(HostNames.Domain(domain), Is.EqualTo(expected));

    [TestCase("@", "example.com.")]
    [TestCase("", "example.com.")]
    [TestCase(" @ ", "example.com.")]
    [TestCase("www", "www.example.com.")]
    [TestCase("WWW", "www.example.com.")]
    [TestCase("www.example.com.", "www.example.com.")]
    [TestCase("WWW.Example.Com.", "www.example.com.")]
    [TestCase("_dmarc", "_dmarc.example.com.")]
    [TestCase("*.dev", "*.dev.example.com.")]
    [TestCase("mail.example.net.", "mail.example.net.")]
    public void AbsoluteMakesEverySpellingOfAHostTheSame(string name, string expected) =>
        Assert.That(HostNames.Absolute(name, "example.com."), Is.EqualTo(expected));

    [TestCase("www.example.com\n", "newline")]
    [TestCase("www\nexample.com", "newline")]
    [TestCase("www.example.com\r", "carriage return")]
    [TestCase("www\texample", "tab")]
    [TestCase("www example.com", "space")]
    [TestCase("www/example.com", "'/'")]
    [TestCase("../etc/passwd", "'/'")]
    [TestCase("www..example.com", "'..'")]
    [TestCase("www\u0001example.com", "control character")]
    [TestCase("www\u007fexample.com", "control character")]
    [TestCase("", "empty")]
    [TestCase(".", "only a dot")]
    [TestCase(".example.com", "empty label")]
    [TestCase("ex%ample.com", "'%'")]
    [TestCase("example.com:80", "':'")]
    [TestCase("exämple.com", "'ä'")]
    [TestCase("\"example.com", "'\"'")]
    [TestCase("*.example.com", "'*'")]
    public void IsValidRefusesBadNamesWithAReasonNamingTheProblem(string name, string expected)
    {
        var ok = HostNames.IsValid(name, allowWildcard: false, out var reason);

        Assert.That(ok, Is.False);
        Assert.That(reason, Does.Contain(expected));
    }

    [Test]
    public void IsValidRefusesALabelLongerThan63()
    {
        var name = new string('a', 64) + ".example.com";

        Assert.That(HostNames.IsValid(name, allowWildcard: false, out var reason), Is.False);
        Assert.That(reason, Does.Contain("longer than 63"));
        Assert.That(HostNames.IsValid(new string('a', 63) + ".example.com", allowWildcard: false, out _), Is.True);
    }

    [Test]
    public void IsValidRefusesANameLongerThan253()
    {
        var label = new string('a', 60);
        var name = string.Join('.', label, label, label, label, "example"); // 4 * 61 + 7 = 251 characters
        Assert.That(HostNames.IsValid(name, allowWildcard: false, out _), Is.True);
        Assert.That(HostNames.IsValid(name + "." + "ab" + ".", allowWildcard: false, out _), Is.False, "254 characters plus the root dot");
        Assert.That(HostNames.IsValid("abc." + name, allowWildcard: false, out var reason), Is.False);
        Assert.That(reason, Does.Contain("253"));
    }

    [TestCase("example.com", false)]
    [TestCase("example.com.", false)]
    [TestCase("Example.COM", false)]
    [TestCase("_dmarc", false)]
    [TestCase("_sip._tcp.example.com.", false)]
    [TestCase("selector1._domainkey", false)]
    [TestCase("xn--bcher-kva.example", false)]
    [TestCase("a-b-c.example", false)]
    [TestCase("1.2.3.4.in-addr.arpa.", false)]
    [TestCase("*", true)]
    [TestCase("*.example.com", true)]
    [TestCase("*.dev", true)]
    public void IsValidAcceptsGoodNames(string name, bool allowWildcard)
    {
        Assert.That(HostNames.IsValid(name, allowWildcard, out var reason), Is.True, reason);
        Assert.That(reason, Is.Null);
    }

    [TestCase("www.*.example.com")]
    [TestCase("*foo.example.com")]
    [TestCase("**.example.com")]
    public void WildcardOnlyAsTheWholeFirstLabel(string name) =>
        Assert.That(HostNames.IsValid(name, allowWildcard: true, out _), Is.False);
}
