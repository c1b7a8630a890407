using System.Text;
using NUnit.Framework;

namespace Bridge.Apache.Tests;

[TestFixture]
public sealed class ReaderTests
{
    [Test]
    public void ContinuationJoinsBeforeCommentsAreConsidered()
    {
        var document = ApacheDocument.Parse("# note \\\nListen 192.0.2.2:80\nListen 81\n");

        Assert.That(document.Lines, Has.Count.EqualTo(2));
        Assert.That(document.Lines[0].Kind, Is.EqualTo(ApacheLineKind.Comment));
        Assert.That(document.Lines[0].Text, Is.EqualTo("# note Listen 192.0.2.2:80"));
        Assert.That(document.Lines[0].PhysicalLineCount, Is.EqualTo(2));
        Assert.That(document.Lines[1].LineNumber, Is.EqualTo(3));
        Assert.That(document.Lines[1].Is("listen"), Is.True);
    }

    [Test]
    public void HashAfterTheFirstWordIsAnArgument()
    {
        var line = ApacheDocument.Parse("ServerAlias a.example # b.example\n").Lines.Single();

        Assert.That(line.Kind, Is.EqualTo(ApacheLineKind.Directive));
        Assert.That(line.Arguments.Select(a => a.Value), Is.EqualTo(new[] { "a.example", "#", "b.example" }));
    }

    [Test]
    public void IndentedHashIsAComment()
    {
        Assert.That(ApacheDocument.Parse(" \t# Listen 80").Lines.Single().Kind, Is.EqualTo(ApacheLineKind.Comment));
    }

    [Test]
    public void BackslashFollowedBySpaceDoesNotContinue()
    {
        var document = ApacheDocument.Parse("Listen 80 \\ \nListen 81\n");

        Assert.That(document.Lines, Has.Count.EqualTo(2));
        Assert.That(document.Lines[0].Arguments.Select(a => a.Value), Is.EqualTo(new[] { "80", "\\" }));
    }

    [Test]
    public void ContinuationWorksWithCrlf()
    {
        var document = ApacheDocument.Parse("<VirtualHost 192.0.2.2:80 \\\r\n  *:80>\r\n</VirtualHost>\r\n");

        Assert.That(document.Lines[0].Kind, Is.EqualTo(ApacheLineKind.SectionOpen));
        Assert.That(document.Lines[0].Arguments.Select(a => a.Value), Is.EqualTo(new[] { "192.0.2.2:80", "*:80" }));
        Assert.That(document.Lines[0].Raw, Is.EqualTo("<VirtualHost 192.0.2.2:80 \\\r\n  *:80>\r\n"));
        Assert.That(document.Lines[1].Kind, Is.EqualTo(ApacheLineKind.SectionClose));
        Assert.That(document.Lines[1].Is("VIRTUALHOST"), Is.True);
    }

    [Test]
    public void QuotesAndEscapesFollowGetwordConf()
    {
        var line = ApacheDocument.Parse("Header set \"a \\\"b\\\" \\\\ c\" 'it\\'s' plain\\\\x \"unterminated \\n").Lines.Single();

        Assert.That(line.Arguments.Select(a => a.Value), Is.EqualTo(new[] { "set", "a \"b\" \\ c", "it's", "plain\\x", "unterminated \\n" }));
        Assert.That(line.Arguments.Select(a => a.Quote), Is.EqualTo(new char?[] { null, '"', '\'', null, '"' }));
        Assert.That(line.Arguments[1].RawText, Is.EqualTo("\"a \\\"b\\\" \\\\ c\""));
    }

    [Test]
    public void SectionArgumentsStopAtTheLastGreaterThan()
    {
        var line = ApacheDocument.Parse("<VirtualHost \"192.0.2.2:80\" *:80 >\n").Lines.Single();

        Assert.That(line.Name, Is.EqualTo("VirtualHost"));
        Assert.That(line.Arguments.Select(a => a.Value), Is.EqualTo(new[] { "192.0.2.2:80", "*:80" }));
    }

    [Test]
    public void EmptyLineAfterDoubleBackslashContinuesAsInHttpd()
    {
        // httpd looks for the backslash in the whole buffer, so the first of two backslashes
        // also continues the line when the next physical line is empty.
        var document = ApacheDocument.Parse("Listen 80 \\\\\n\nhttp\nListen 81\n");

        Assert.That(document.Lines[0].Text, Is.EqualTo("Listen 80 http"));
        Assert.That(document.Lines[0].PhysicalLineCount, Is.EqualTo(3));
        Assert.That(document.Lines[1].LineNumber, Is.EqualTo(4));
    }

    [Test]
    public void RandomInputsRoundTripAndMatchHttpdLineReading()
    {
        string[] fragments =
        [
            "Listen", "<VirtualHost", "</VirtualHost>", ">", " ", " ", "\t", "\n", "\n", "\r\n", "\r", "\\", "\\\n", "\\\r\n",
            "#", "\"", "'", "192.0.2.2", "192.0.2.100", "192.0.2.20", ":80", ":*", "[2001:db8::2]", "NameVirtualHost",
            "ServerName", "x", "${A}", "Define A 192.0.2.2\n", "\u00e9",
        ];
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var rewriter = new ApacheRewriter(TestFiles.D, TestFiles.V);
        for (var round = 0; round < 5000; round++)
        {
            var builder = new StringBuilder();
            var count = random.Next(0, 40);
            for (var k = 0; k < count; k++)
            {
                builder.Append(fragments[random.Next(fragments.Length)]);
            }

            var text = builder.ToString();
            var document = ApacheDocument.Parse(text);
            var message = $"seed {seed}, round {round}, input {Escape(text)}";
            Assert.That(document.ToString(), Is.EqualTo(text), message);
            Assert.That(string.Concat(document.Lines.Select(l => l.Raw)), Is.EqualTo(text), message);
            Assert.That(
                document.Lines.Select(l => l.Text).Where(t => t.Length > 0),
                Is.EqualTo(HttpdLines(text).Where(t => t.Length > 0)),
                message);

            var once = rewriter.Rewrite(text);
            var twice = rewriter.Rewrite(once.NewText);
            Assert.That(twice.NewText, Is.EqualTo(once.NewText), message);
            Assert.That(twice.Changes.Where(c => c.Kind == ApacheChangeKind.AddressRewritten), Is.Empty, message);
        }
    }

    // A literal transcription of httpd 2.4's ap_cfg_getline_core and cfg_trim_line, as the oracle.
    private static List<string> HttpdLines(string text)
    {
        var result = new List<string>();
        var pos = 0;
        while (true)
        {
            var buf = new StringBuilder();
            var cbuf = 0;
            while (true)
            {
                if (pos >= text.Length)
                {
                    if (cbuf != 0)
                    {
                        buf.Length = cbuf;
                        break;
                    }

                    return result;
                }

                var lf = text.IndexOf('\n', pos);
                var chunk = lf < 0 ? text[pos..] : text[pos..(lf + 1)];
                pos += chunk.Length;
                buf.Length = cbuf;
                buf.Append(chunk);
                var cp = buf.Length;
                if (cp > 0 && buf[cp - 1] == '\n')
                {
                    cp--;
                    if (cp > 0 && buf[cp - 1] == '\r')
                    {
                        cp--;
                    }

                    if (cp > 0 && buf[cp - 1] == '\\')
                    {
                        cp--;
                        cbuf = cp;
                        continue;
                    }
                }

                break;
            }

            result.Add(buf.ToString().Trim(' ', '\t', '\n', '\v', '\f', '\r'));
        }
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\r", "\\r").Replace("\n", "\\n");
}
