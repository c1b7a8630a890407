using NUnit.Framework;

namespace Bridge.Apache.Tests;

[TestFixture]
public sealed class DiffAndVhostMapTests
{
    [Test]
    public void UnifiedDiffMatchesGnuDiff()
    {
        using var dir = new TempDir();
        var random = new Random(20251125);
        for (var round = 0; round < 40; round++)
        {
            var oldLines = Enumerable.Range(0, random.Next(0, 40)).Select(i => $"line {i}\n").ToList();
            var newLines = oldLines.ToList();
            for (var edits = random.Next(1, 5); edits > 0; edits--)
            {
                var at = random.Next(0, newLines.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when at < newLines.Count:
                        newLines.RemoveAt(at);
                        break;
                    case 1 when at < newLines.Count:
                        newLines[at] = newLines[at].Replace("line", "LINE", StringComparison.Ordinal);
                        break;
                    default:
                        newLines.Insert(at, $"new {round}\r\n");
                        break;
                }
            }

            var oldText = string.Concat(oldLines);
            var newText = string.Concat(newLines);
            if (random.Next(4) == 0 && newText.Length > 0)
            {
                newText = newText[..^1];
            }

            TestFiles.Write(dir["old"], oldText);
            TestFiles.Write(dir["new"], newText);
            var expected = TestFiles.Run("diff", "-u", dir["old"], dir["new"]);
            var actual = UnifiedDiff.Create("/etc/x.conf", oldText, newText);

            Assert.That(Body(actual), Is.EqualTo(Body(expected)), $"round {round}");
            if (oldText != newText)
            {
                Assert.That(actual, Does.StartWith("--- a/etc/x.conf\n+++ b/etc/x.conf\n@@ "));
            }
            else
            {
                Assert.That(actual, Is.Empty);
            }
        }
    }

    [Test]
    public void ParsesApacheDumpOutput()
    {
        const string output = """
            VirtualHost configuration:
            [2001:db8::2]:443      a6.example (/tmp/ap1/sites-enabled/a.conf:5)
            192.0.2.2:80           is a NameVirtualHost
                     default server a.example (/tmp/ap1/sites-enabled/a.conf:1)
                     port 80 namevhost a.example (/tmp/ap1/sites-enabled/a.conf:1)
                             alias www.a.example
                     port 80 namevhost b.example (/tmp/ap1/sites-enabled/b.conf:1)
            192.0.2.20:80          c.example (/tmp/ap1/sites-enabled/b.conf:4)
            *:81                   b.example (/tmp/ap1/sites-enabled/b.conf:1)
            ServerRoot: "/tmp/ap1"
            Main DocumentRoot: "/var/www/html"
            Mutex default: dir="/var/run/apache2/" mechanism=default
            PidFile: "/tmp/ap1/apache2.pid"
            Define: DUMP_VHOSTS
            User: name="#-1" id=4294967295
            """;

        var map = ApacheVhostMap.Parse(output);

        Assert.That(map.Entries.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "[2001:db8::2]:443 a6.example", "192.0.2.2:80 a.example", "192.0.2.2:80 b.example",
            "192.0.2.20:80 c.example", "*:81 b.example",
        }));
    }

    [Test]
    public void VhostMapsMayDifferOnlyByTheRewrittenAddress()
    {
        var before = ApacheVhostMap.Parse("""
            192.0.2.2:80           is a NameVirtualHost
                     port 80 namevhost a.example (/x/a.conf:1)
                     port 80 namevhost kept.example (/x/k.conf:1)
            *:81                   b.example (/x/b.conf:1)
            """);
        var moved = ApacheVhostMap.Parse("""
            192.0.2.100:80         a.example (/x/a.conf:1)
            192.0.2.2:80           kept.example (/x/k.conf:1)
            *:81                   b.example (/x/b.conf:2)
            """);
        var lost = ApacheVhostMap.Parse("""
            192.0.2.100:80         a.example (/x/a.conf:1)
            *:81                   b.example (/x/b.conf:1)
            """);
        var renamed = ApacheVhostMap.Parse("""
            192.0.2.100:80         is a NameVirtualHost
                     port 80 namevhost a.example (/x/a.conf:1)
                     port 80 namevhost kept.example (/x/k.conf:1)
            *:82                   b.example (/x/b.conf:1)
            """);

        Assert.That(ApacheVhostMap.Difference(before, moved, TestFiles.D, TestFiles.V), Is.Null);
        Assert.That(ApacheVhostMap.Difference(before, lost, TestFiles.D, TestFiles.V), Does.Contain("kept.example"));
        Assert.That(ApacheVhostMap.Difference(before, renamed, TestFiles.D, TestFiles.V), Does.Contain("*:81 b.example"));
    }

    // Hunks only: GNU diff's header carries file names and dates.
    private static string Body(string diff) =>
        string.Join('\n', diff.Split('\n').Where(l => !l.StartsWith("--- ", StringComparison.Ordinal) && !l.StartsWith("+++ ", StringComparison.Ordinal)));

    [Test]
    public void VhostMapKeepsTheAliasesOfNameBasedVhostsAndMarksLoneOnes()
    {
        var map = ApacheVhostMap.Parse("""
            VirtualHost configuration:
            192.0.2.100:80         is a NameVirtualHost
                     default server a.example (/tmp/ax/apache2.conf:10)
                     port 80 namevhost a.example (/tmp/ax/apache2.conf:10)
                             alias www.a.example
                             wild alias *.a.example
                     port 80 namevhost b.example (/tmp/ax/apache2.conf:15)
            192.0.2.100:443        c.example (/tmp/ax/apache2.conf:19)
            ServerRoot: "/tmp/ax"
            """);
        Assert.That(map.Entries.Select(e => (e.ToString(), string.Join(",", e.Aliases), e.Lone)), Is.EqualTo(new[]
        {
            ("192.0.2.100:80 a.example", "www.a.example,*.a.example", false),
            ("192.0.2.100:80 b.example", "", false),
            ("192.0.2.100:443 c.example", "", true),
        }));
    }
}
