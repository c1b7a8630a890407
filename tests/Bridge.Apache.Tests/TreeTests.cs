using NUnit.Framework;

namespace Bridge.Apache.Tests;

[TestFixture]
public sealed class TreeTests
{
    [TestCase("apache/")]
    [TestCase("")]
    public void ReadsBlechFolders(string prefix)
    {
        using var dir = new TempDir();
        TestFiles.Write(dir[prefix + "ports.conf"], "NameVirtualHost 192.0.2.2:80\n");
        TestFiles.Write(dir[prefix + "sites/b.example.conf"], "<VirtualHost 192.0.2.2:80>\n</VirtualHost>\n");
        TestFiles.Write(dir[prefix + "sites/a.example.conf"], "<VirtualHost 192.0.2.2:80>\n</VirtualHost>\n");
        TestFiles.Write(dir[prefix + "sites/notes.txt"], "192.0.2.2\n");

        var tree = ApacheTree.Load(dir.Path);

        Assert.That(tree.Layout, Is.EqualTo(ApacheTreeLayout.Blech));
        Assert.That(tree.Files.Select(f => Path.GetRelativePath(dir.Path, f.Path)), Is.EqualTo(new[]
        {
            prefix + "ports.conf", prefix + "sites/a.example.conf", prefix + "sites/b.example.conf",
        }));
    }

    [Test]
    public void RejectsAFolderThatIsNeither()
    {
        using var dir = new TempDir();
        TestFiles.Write(dir["something.conf"], "Listen 80\n");

        Assert.That(() => ApacheTree.Load(dir.Path), Throws.TypeOf<ApacheConfigException>().With.Message.Contains(dir.Path));
    }

    [Test]
    public void FollowsIncludesInHttpdOrderAndResolvesSymlinks()
    {
        using var dir = new TempDir();
        TestFiles.Write(dir["apache2.conf"], """
            Include ports.conf
            IncludeOptional conf-enabled/*.conf
            IncludeOptional missing-dir/*.conf
            IncludeOptional not-there.conf
            Include "mods-enabled"
            IncludeOptional sites-enabled/*.conf
            IncludeOptional vhosts/*/site.conf

            """);
        TestFiles.Write(dir["ports.conf"], "Listen 80\n");
        Directory.CreateDirectory(dir["conf-enabled"]);
        TestFiles.Write(dir["mods-enabled/b.load"], "# b\n");
        TestFiles.Write(dir["mods-enabled/a.load"], "# a\n");
        TestFiles.Write(dir["mods-enabled/sub/c.conf"], "# c\n");
        TestFiles.Write(dir["sites-available/b.conf"], "# b\n");
        TestFiles.Write(dir["sites-available/a.conf"], "# a\n");
        TestFiles.Write(dir["sites-available/real.conf"], "# real\n");
        TestFiles.Write(dir["sites-available/.hidden.conf"], "# hidden\n");
        Directory.CreateDirectory(dir["sites-enabled"]);
        File.CreateSymbolicLink(dir["sites-enabled/b.conf"], "../sites-available/b.conf");
        File.CreateSymbolicLink(dir["sites-enabled/a.conf"], "../sites-available/a.conf");
        File.CreateSymbolicLink(dir["sites-enabled/10-same-as-a.conf"], "../sites-available/a.conf");
        File.CreateSymbolicLink(dir["sites-available/chain.conf"], "real.conf");
        File.CreateSymbolicLink(dir["sites-enabled/chain.conf"], "../sites-available/chain.conf");
        File.CreateSymbolicLink(dir["sites-enabled/.hidden.conf"], "../sites-available/.hidden.conf");
        TestFiles.Write(dir["vhosts/y/site.conf"], "# y\n");
        TestFiles.Write(dir["vhosts/x/site.conf"], "# x\n");

        var tree = ApacheTree.Load(dir["apache2.conf"]);

        Assert.That(tree.Layout, Is.EqualTo(ApacheTreeLayout.ApacheConf));
        Assert.That(tree.Files.Select(f => Path.GetRelativePath(dir.Path, f.Path)), Is.EqualTo(new[]
        {
            "apache2.conf", "ports.conf", "mods-enabled/a.load", "mods-enabled/b.load", "mods-enabled/sub/c.conf",
            "sites-enabled/10-same-as-a.conf", "sites-enabled/b.conf", "sites-enabled/chain.conf",
            "vhosts/x/site.conf", "vhosts/y/site.conf",
        }));
        var chain = tree.Files.Single(f => f.Path.EndsWith("chain.conf", StringComparison.Ordinal));
        Assert.That(chain.IsSymlink, Is.True);
        Assert.That(chain.TargetPath, Is.EqualTo(dir["sites-available/real.conf"]));
        Assert.That(chain.Text, Is.EqualTo("# real\n"));
        Assert.That(tree.Files.Single(f => f.Path.EndsWith("ports.conf", StringComparison.Ordinal)).IsSymlink, Is.False);
    }

    [Test]
    public void IncludeOfAMissingFileNamesIt()
    {
        using var dir = new TempDir();
        TestFiles.Write(dir["apache2.conf"], "Include ports.conf\nInclude extra/nothing.conf\n");
        TestFiles.Write(dir["ports.conf"], "Listen 80\n");

        Assert.That(
            () => ApacheTree.Load(dir["apache2.conf"]),
            Throws.TypeOf<ApacheConfigException>().With.Message.Contains(dir["extra/nothing.conf"]).And.Message.Contains("apache2.conf:2"));
    }

    [Test]
    public void IncludeWithAWildcardMatchingNothingFails()
    {
        using var dir = new TempDir();
        TestFiles.Write(dir["apache2.conf"], "Include sites/*.conf\n");
        Directory.CreateDirectory(dir["sites"]);

        Assert.That(() => ApacheTree.Load(dir["apache2.conf"]), Throws.TypeOf<ApacheConfigException>().With.Message.Contains("*.conf"));
    }

    [Test]
    public void ServerRootDirectiveMovesRelativeIncludes()
    {
        using var dir = new TempDir();
        TestFiles.Write(dir["conf/apache2.conf"], $"ServerRoot \"{dir["root"]}\"\nInclude ports.conf\n");
        TestFiles.Write(dir["root/ports.conf"], "Listen 80\n");
        TestFiles.Write(dir["conf/ports.conf"], "Listen 81\n");

        var tree = ApacheTree.Load(dir["conf/apache2.conf"]);

        Assert.That(tree.Files.Select(f => f.Path), Is.EqualTo(new[] { dir["conf/apache2.conf"], dir["root/ports.conf"] }));
    }

    [Test]
    public void IncludeLoopsVisitEachFileOnce()
    {
        using var dir = new TempDir();
        TestFiles.Write(dir["apache2.conf"], "Include a.conf\n");
        TestFiles.Write(dir["a.conf"], "Include b.conf\n");
        TestFiles.Write(dir["b.conf"], "Include a.conf\nInclude apache2.conf\n");

        Assert.That(ApacheTree.Load(dir["apache2.conf"]).Files, Has.Count.EqualTo(3));
    }

    [Test]
    public void IncludeWithAVariableIsSkippedWithAWarning()
    {
        using var dir = new TempDir();
        TestFiles.Write(dir["apache2.conf"], "Include ${APACHE_CONFDIR}/x.conf\n");

        var tree = ApacheTree.Load(dir["apache2.conf"]);

        Assert.That(tree.Warnings.Single().Kind, Is.EqualTo(ApacheWarningKind.IncludeSkipped));
    }

    [Test]
    public void TreeRewriteCarriesDefinesAndListensAcrossFiles()
    {
        using var dir = new TempDir();
        TestFiles.Write(dir["apache2.conf"], "Define ADDR 192.0.2.2\nInclude ports.conf\nInclude sites/*.conf\n");
        TestFiles.Write(dir["ports.conf"], "Listen 192.0.2.100:80\n");
        TestFiles.Write(dir["sites/a.conf"], "Listen 192.0.2.2:80\n<VirtualHost ${ADDR}:80>\n</VirtualHost>\n");

        var result = new ApacheRewriter(TestFiles.D, TestFiles.V).Rewrite(ApacheTree.Load(dir["apache2.conf"]));

        var site = result.Files.Single(f => f.File.Path == dir["sites/a.conf"]).Result;
        Assert.That(site.NewText, Is.EqualTo("<VirtualHost ${ADDR}:80>\n</VirtualHost>\n"));
        Assert.That(site.Warnings.Single().Kind, Is.EqualTo(ApacheWarningKind.UsesVariable));
        Assert.That(result.ChangedFiles.Select(f => f.File.Path), Is.EqualTo(new[] { dir["sites/a.conf"] }));
        Assert.That(result.Warnings.Select(w => w.Kind), Is.EqualTo(new[] { ApacheWarningKind.DefinesFromAddress, ApacheWarningKind.UsesVariable }));
    }
}
