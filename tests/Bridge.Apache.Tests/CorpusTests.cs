using System.Net;
using System.Text;
using NUnit.Framework;

namespace Bridge.Apache.Tests;

/// <summary>
/// The tricky-file corpus: each <c>Corpus/*.conf</c> has a checked-in <c>*.conf.expected</c>.
/// Files named <c>v6-*</c> rewrite 2001:db8::2 to 2001:db8::100, the others 192.0.2.2 to 192.0.2.100.
/// A vhost named kept.example stays on the from-address.
/// </summary>
[TestFixture]
public sealed class CorpusTests
{
    private static string CorpusDir => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static IEnumerable<TestCaseData> Cases() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.conf")
            .Order(StringComparer.Ordinal)
            .Select(p => new TestCaseData(Path.GetFileName(p)).SetArgDisplayNames(Path.GetFileName(p)));

    private static ApacheRewriter RewriterFor(string name) => name.StartsWith("v6-", StringComparison.Ordinal)
        ? new ApacheRewriter(TestFiles.D6, TestFiles.V6, KeepKept)
        : new ApacheRewriter(TestFiles.D, TestFiles.V, KeepKept);

    private static bool KeepKept(VirtualHostInfo info) => info.ServerName == "kept.example";

    [Test]
    public void CorpusIsPresent()
    {
        Assert.That(Directory.GetFiles(CorpusDir, "*.conf"), Has.Length.GreaterThanOrEqualTo(14));
        foreach (var file in Directory.GetFiles(CorpusDir, "*.conf"))
        {
            Assert.That(File.Exists(file + ".expected"), Is.True, $"{file} has no .expected");
        }

        Assert.That(File.ReadAllBytes(Path.Combine(CorpusDir, "crlf.conf")), Does.Contain((byte)'\r'), "CRLF corpus lost its CRs on the way");
    }

    [TestCaseSource(nameof(Cases))]
    public void RoundTripIsByteExact(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(CorpusDir, name));
        var text = TestFiles.Latin1.GetString(bytes);
        var document = ApacheDocument.Parse(text);

        Assert.That(TestFiles.Latin1.GetBytes(document.ToString()), Is.EqualTo(bytes));
        Assert.That(string.Concat(document.Lines.Select(l => l.Raw)), Is.EqualTo(text));
    }

    [TestCaseSource(nameof(Cases))]
    public void RewriteEqualsExpected(string name)
    {
        var input = TestFiles.Read(Path.Combine(CorpusDir, name));
        var expected = File.ReadAllBytes(Path.Combine(CorpusDir, name + ".expected"));

        var result = RewriterFor(name).Rewrite(input, name);

        Assert.That(TestFiles.Latin1.GetBytes(result.NewText), Is.EqualTo(expected), Diff(result));
        Assert.That(result.Changed, Is.EqualTo(!input.Equals(TestFiles.Latin1.GetString(expected), StringComparison.Ordinal)));
    }

    [TestCaseSource(nameof(Cases))]
    public void RewritingTwiceEqualsRewritingOnce(string name)
    {
        var input = TestFiles.Read(Path.Combine(CorpusDir, name));
        var rewriter = RewriterFor(name);

        var once = rewriter.Rewrite(input, name);
        var twice = rewriter.Rewrite(once.NewText, name);

        Assert.That(twice.NewText, Is.EqualTo(once.NewText));
        Assert.That(twice.Changes, Is.Empty);
        Assert.That(twice.Changed, Is.False);
    }

    // Rebuilds the output from the original and the reported token spans alone: if any byte outside
    // a changed token (or a removed line) had moved, the rebuilt text would differ from the output.
    [TestCaseSource(nameof(Cases))]
    public void OnlyChangedTokensMove(string name)
    {
        var input = TestFiles.Read(Path.Combine(CorpusDir, name));
        var rewriter = RewriterFor(name);
        var result = rewriter.Rewrite(input, name);

        var rebuilt = new StringBuilder();
        var position = 0;
        foreach (var change in result.Changes.OrderBy(c => c.Edit.Offset))
        {
            var edit = change.Edit;
            Assert.That(edit.Offset, Is.GreaterThanOrEqualTo(position), "edits overlap");
            var span = input.Substring(edit.Offset, edit.Length);
            if (change.Kind == ApacheChangeKind.AddressRewritten)
            {
                var seams = SeamsOf(span);
                Assert.That(RemoveSeams(span), Is.EqualTo(change.OldToken), "the edit covers more than the token");
                Assert.That(AddressOf(change.OldToken), Is.EqualTo(rewriter.From));
                Assert.That(change.NewToken, Is.EqualTo(Format(rewriter.To)));
                Assert.That(edit.Replacement, Is.EqualTo(change.NewToken + seams));
            }
            else
            {
                Assert.That(edit.Offset == 0 || input[edit.Offset - 1] == '\n', Is.True, "a removal starts mid-line");
                Assert.That(edit.Offset + edit.Length == input.Length || input[edit.Offset + edit.Length - 1] == '\n', Is.True, "a removal ends mid-line");
                Assert.That(edit.Replacement, Is.Empty);
            }

            rebuilt.Append(input, position, edit.Offset - position).Append(edit.Replacement);
            position = edit.Offset + edit.Length;
        }

        rebuilt.Append(input, position, input.Length - position);
        Assert.That(rebuilt.ToString(), Is.EqualTo(result.NewText));
    }

    [Test]
    public void CommentEndingInBackslashSwallowsTheNextLine()
    {
        var result = RewriterFor("x").Rewrite(TestFiles.Read(Path.Combine(CorpusDir, "comment-continuation.conf")));

        var lines = result.Changes.Select(c => c.Line).ToList();
        Assert.That(lines, Does.Not.Contain(2), "Listen on line 2 is part of the comment on line 1");
        Assert.That(lines, Does.Not.Contain(4), "the tag on line 4 is part of the comment on line 3");
        Assert.That(lines, Is.EquivalentTo(new[] { 5, 10, 13 }));
        Assert.That(result.Warnings.Single().Directive, Is.EqualTo("ServerAlias"));
    }

    [Test]
    public void WarningsNameTheDirectivesLeftAlone()
    {
        var site = RewriterFor("x").Rewrite(TestFiles.Read(Path.Combine(CorpusDir, "blech-site.conf")), "blech-site.conf");
        Assert.That(
            site.Warnings.Select(w => (w.Line, w.Directive, w.Kind)),
            Is.EqualTo(new[]
            {
                (4, "ServerAlias", ApacheWarningKind.Mention),
                (6, "ProxyPass", ApacheWarningKind.Mention),
                (7, "ProxyPassReverse", ApacheWarningKind.Mention),
                (9, "Require", ApacheWarningKind.Mention),
                (17, "Redirect", ApacheWarningKind.Mention),
            }));
        Assert.That(site.Warnings[3].Text, Is.EqualTo("Require ip 192.0.2.2 192.0.2.20"));
        Assert.That(site.Warnings.All(w => w.FilePath == "blech-site.conf"), Is.True);

        var variables = RewriterFor("x").Rewrite(TestFiles.Read(Path.Combine(CorpusDir, "variables.conf")));
        Assert.That(
            variables.Warnings.Select(w => (w.Line, w.Directive, w.Kind)),
            Is.EqualTo(new[]
            {
                (1, "Define", ApacheWarningKind.DefinesFromAddress),
                (3, "VirtualHost", ApacheWarningKind.UsesVariable),
                (4, "ServerName", ApacheWarningKind.UsesVariable),
                (6, "RewriteRule", ApacheWarningKind.Mention),
                (7, "RedirectMatch", ApacheWarningKind.Mention),
                (13, "ServerName", ApacheWarningKind.Mention),
            }));
    }

    [Test]
    public void PrefixesOfTheAddressAreNotMentions()
    {
        var result = RewriterFor("x").Rewrite(TestFiles.Read(Path.Combine(CorpusDir, "prefix.conf")));

        Assert.That(result.Changes.Select(c => (c.Line, c.OldToken)), Is.EqualTo(new[] { (2, "192.0.2.2"), (4, "192.0.2.2") }));
        Assert.That(result.Warnings.Select(w => w.Text), Is.EqualTo(new[] { "Require ip 192.0.2.2/32" }));
    }

    [Test]
    public void DuplicatesAreCollapsedOnlyWhereSafe()
    {
        var result = RewriterFor("x").Rewrite(TestFiles.Read(Path.Combine(CorpusDir, "duplicates.conf")));

        Assert.That(
            result.Changes.Where(c => c.Kind == ApacheChangeKind.DuplicateLineRemoved).Select(c => (c.Line, c.Directive)),
            Is.EqualTo(new[] { (2, "Listen"), (4, "NameVirtualHost"), (7, "Listen") }));
        Assert.That(result.Warnings.Single().Kind, Is.EqualTo(ApacheWarningKind.DuplicateKept));
        Assert.That(result.Warnings.Single().Line, Is.EqualTo(12));
    }

    [Test]
    public void KeptVirtualHostIsReported()
    {
        var seen = new List<VirtualHostInfo>();
        var rewriter = new ApacheRewriter(TestFiles.D, TestFiles.V, info =>
        {
            seen.Add(info);
            return info.ServerName == "kept.example";
        });

        var result = rewriter.Rewrite(TestFiles.Read(Path.Combine(CorpusDir, "kept.conf")), "/etc/apache2/sites-available/kept.conf");

        Assert.That(seen.Select(s => (s.ServerName, s.Line, s.FilePath)), Is.EqualTo(new[]
        {
            ((string?)"kept.example", 1, (string?)"/etc/apache2/sites-available/kept.conf"),
            ("moved.example", 5, "/etc/apache2/sites-available/kept.conf"),
        }));
        Assert.That(seen[0].ServerAliases, Is.EqualTo(new[] { "www.kept.example" }));
        Assert.That(seen[0].Addresses, Is.EqualTo(new[] { "192.0.2.2:80" }));
        Assert.That(result.Warnings.Single().Kind, Is.EqualTo(ApacheWarningKind.KeptOnFrom));
        Assert.That(result.Changes.Single().Line, Is.EqualTo(5));
    }

    private static string Diff(ApacheRewriteResult result) =>
        UnifiedDiff.Create(result.FilePath ?? "text", result.OriginalText, result.NewText);

    private static string Format(IPAddress a) => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString();

    private static IPAddress AddressOf(string token) => IPAddress.Parse(token.Trim('[', ']'));

    // A continuation seam is a backslash, an optional CR and an LF, plus any empty lines the
    // "backslash before an empty line" rule pulls in; none can occur inside an address otherwise.
    private static string RemoveSeams(string span) => new(span.Where(c => c is not ('\\' or '\r' or '\n')).ToArray());

    private static string SeamsOf(string span) => new(span.Where(c => c is '\\' or '\r' or '\n').ToArray());
}
