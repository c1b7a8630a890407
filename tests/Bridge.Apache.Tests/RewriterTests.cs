using System.Net;
using NUnit.Framework;

namespace Bridge.Apache.Tests;

[TestFixture]
public sealed class RewriterTests
{
    private static readonly ApacheRewriter V4 = new(TestFiles.D, TestFiles.V);
    private static readonly ApacheRewriter V6 = new(TestFiles.D6, TestFiles.V6);

    [TestCase("<VirtualHost 192.0.2.2>", "<VirtualHost 192.0.2.100>")]
    [TestCase("<VirtualHost 192.0.2.2:80>", "<VirtualHost 192.0.2.100:80>")]
    [TestCase("<VirtualHost 192.0.2.2:*>", "<VirtualHost 192.0.2.100:*>")]
    [TestCase("<VirtualHost \"192.0.2.2:80\">", "<VirtualHost \"192.0.2.100:80\">")]
    [TestCase("<VirtualHost 192.0.2.20:80 192.0.2.2:80 192.0.2.21:80>", "<VirtualHost 192.0.2.20:80 192.0.2.100:80 192.0.2.21:80>")]
    [TestCase("<VirtualHost 192.0.2.20:80>", "<VirtualHost 192.0.2.20:80>")]
    [TestCase("<VirtualHost 10.192.0.2.2:80>", "<VirtualHost 10.192.0.2.2:80>")]
    [TestCase("Listen 192.0.2.2:443 https", "Listen 192.0.2.100:443 https")]
    [TestCase("Listen 443", "Listen 443")]
    [TestCase("NameVirtualHost 192.0.2.2:80", "NameVirtualHost 192.0.2.100:80")]
    [TestCase("NameVirtualHost 192.0.2.2", "NameVirtualHost 192.0.2.100")]
    [TestCase("ServerName 192.0.2.2", "ServerName 192.0.2.2")]
    public void RewritesOnlyWholeBindingTokens(string input, string expected)
    {
        Assert.That(V4.Rewrite(input + "\n").NewText, Is.EqualTo(expected + "\n"));
    }

    [TestCase("Listen [2001:DB8:0::2]:443", "Listen [2001:db8::100]:443")]
    [TestCase("<VirtualHost 2001:db8::2>", "<VirtualHost [2001:db8::100]>")]
    [TestCase("<VirtualHost [2001:0db8:0000:0000:0000:0000:0000:0002]:80>", "<VirtualHost [2001:db8::100]:80>")]
    [TestCase("<VirtualHost [2001:db8::20]:443>", "<VirtualHost [2001:db8::20]:443>")]
    [TestCase("<VirtualHost [2001:db8::2:0]:443>", "<VirtualHost [2001:db8::2:0]:443>")]
    public void ComparesIPv6Canonically(string input, string expected)
    {
        Assert.That(V6.Rewrite(input).NewText, Is.EqualTo(expected));
    }

    [Test]
    public void ChangesCarryFileLineTokensAndDirective()
    {
        var result = V4.Rewrite("# x\n<virtualhost \"192.0.2.2:80\">\n</virtualhost>\nLISTEN 192.0.2.2:80\n", "/a.conf");

        Assert.That(result.Changes.Select(c => (c.FilePath, c.Line, c.OldToken, c.NewToken, c.Directive)), Is.EqualTo(new[]
        {
            ((string?)"/a.conf", 2, "192.0.2.2", "192.0.2.100", "VirtualHost"),
            ("/a.conf", 4, "192.0.2.2", "192.0.2.100", "Listen"),
        }));
        Assert.That(result.Changed, Is.True);
    }

    [Test]
    public void MixedFamiliesAreWrittenInTheirOwnForm()
    {
        var toV6 = new ApacheRewriter(TestFiles.D, TestFiles.V6);

        Assert.That(toV6.Rewrite("<VirtualHost 192.0.2.2:80>").NewText, Is.EqualTo("<VirtualHost [2001:db8::100]:80>"));
    }

    [Test]
    public void MentionsInUrlsAndAccessRulesAreWarnings()
    {
        const string text = """
            ProxyPass / http://192.0.2.2:8080/
            Require ip 192.0.2.2
            Allow from 192.0.2.2
            Redirect / http://192.0.2.2/
            RewriteCond %{HTTP_HOST} ^192\.0\.2\.2$
            Header set X "192.0.2.20"
            ServerAlias 192.0.2.2.nip.io
            """;

        var result = V4.Rewrite(text);

        Assert.That(result.Changed, Is.False);
        Assert.That(result.Warnings.Select(w => w.Directive), Is.EqualTo(new[] { "ProxyPass", "Require", "Allow", "Redirect" }));
    }

    [Test]
    public void MovingAListenAwayFromAKeptVhostIsAWarning()
    {
        var rewriter = new ApacheRewriter(TestFiles.D, TestFiles.V, info => info.ServerName == "kept.example");
        const string text = "Listen 192.0.2.2:80\nListen 192.0.2.2:8080\n<VirtualHost 192.0.2.2:80>\n    ServerName kept.example\n</VirtualHost>\n";

        var result = rewriter.Rewrite(text);

        Assert.That(result.NewText, Does.StartWith("Listen 192.0.2.100:80\nListen 192.0.2.100:8080\n<VirtualHost 192.0.2.2:80>"));
        Assert.That(result.Warnings.Select(w => (w.Line, w.Kind)), Is.EqualTo(new[]
        {
            (1, ApacheWarningKind.KeptVhostLosesListen),
            (3, ApacheWarningKind.KeptOnFrom),
        }));
        Assert.That(result.Warnings[0].Message, Does.Contain("kept.example"));
    }

    [Test]
    public void SameAddressesAreRejected()
    {
        Assert.That(() => new ApacheRewriter(IPAddress.Parse("192.0.2.2"), IPAddress.Parse("192.0.2.2")), Throws.ArgumentException);
    }

    [Test]
    public void NothingToDoLeavesTextAlone()
    {
        const string text = "Listen 80\r\n<VirtualHost *:80>\r\n</VirtualHost>";
        var result = V4.Rewrite(text);

        Assert.That(result.NewText, Is.SameAs(text).Or.EqualTo(text));
        Assert.That(result.Changes, Is.Empty);
        Assert.That(result.Warnings, Is.Empty);
        Assert.That(result.Changed, Is.False);
    }
}
