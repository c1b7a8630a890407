using System.Text.RegularExpressions;

namespace Bridge.Cli.Tests;

/// <summary>
/// The installed command is blech-bridge: Debian's iproute2 ships /usr/sbin/bridge on every machine, and a shipped file that
/// runs plain "bridge sync" runs that one. Every script, unit, cron file, plugin file, the man page, the README and the
/// messages in the sources are scanned for the old command and its old paths.
/// </summary>
public sealed class ShippedNamesTests
{
    private static readonly string Subcommands = string.Join('|', BridgeApp.BuildCommand(TextWriter.Null, TextWriter.Null).Subcommands.Select(c => Regex.Escape(c.Name)));

    private static readonly (string Why, Regex Pattern)[] OldNames =
    [
        ("runs plain bridge", new Regex($@"(?<![\w./-])bridge\s+(?:{Subcommands}|--help|--version)(?![\w-])")),
        ("names the old binary", new Regex(@"/bin/bridge(?![\w.-])|net10\.0/bridge(?:\.dll)?(?![\w.-])")),
        ("names an old unit or script", new Regex(@"(?<![\w-])bridge-(?:sync|report|requests|watch)\.(?:service|timer)|(?<![\w-])bridge-notify|(?<![\w-])bridge-(?:sync|report|requests|watch)(?![\w.-])")),
        ("names an old path", new Regex(@"/etc/bridge/|/etc/cron\.d/bridge(?![\w-])|/var/(?:lib|log|spool)/bridge(?![\w-])|/usr/local/lib/bridge(?![\w-])|scripts/cron/bridge(?![\w-])")),
    ];

    private static IEnumerable<string> Shipped()
    {
        string[] folders = ["scripts", "src"];
        foreach (var file in folders.SelectMany(f => Directory.EnumerateFiles(Repo.PathOf(f), "*", SearchOption.AllDirectories)))
        {
            var relative = Path.GetRelativePath(Repo.Root, file);
            if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                || relative.EndsWith(".dll", StringComparison.Ordinal) || relative.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            yield return relative;
        }

        yield return "README.md";
    }

    [Test]
    public void NoShippedFileUsesTheOldCommandName()
    {
        var hits = new List<string>();
        var files = Shipped().ToList();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(Repo.PathOf(file));
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var (why, pattern) in OldNames)
                {
                    if (pattern.Match(lines[i]) is { Success: true } m)
                    {
                        hits.Add($"{file}:{i + 1}: {why}: '{m.Value}' in: {lines[i].Trim()}");
                    }
                }
            }
        }

        Assert.That(files, Does.Contain("scripts/cron/blech-bridge").And.Contain("scripts/keepalived/blech-bridge-notify").And.Contain("README.md"));
        Assert.That(hits, Is.Empty);
    }

    [TestCase("*/5 * * * * root bridge sync --config /etc/x.json")]
    [TestCase("ExecStart=/usr/local/bin/bridge watch --config x")]
    [TestCase("systemctl enable --now bridge-sync.timer")]
    [TestCase("install -m 0755 scripts/keepalived/bridge-notify /usr/local/lib/x")]
    [TestCase("`bridge ready --config /etc/bridge/bridge.json`")]
    [TestCase("An administrator must start it (systemctl start bridge-requests).")]
    [TestCase("Run 'bridge --help' for usage.")]
    public void TheScanFindsTheOldName(string line) =>
        Assert.That(OldNames.Any(o => o.Pattern.IsMatch(line)), Is.True, line);

    [TestCase("*/5 * * * * root blech-bridge sync --config /etc/blech-bridge/bridge.json")]
    [TestCase("ip -n sw link add br0 type bridge")]
    [TestCase("SELECT requested_by FROM bridge.run WHERE command = 'sync'")]
    [TestCase("systemctl enable --now blech-bridge-sync.timer; /usr/lib/blech-bridge/blech-bridge-notify")]
    [TestCase("Debian's iproute2 ships its own bridge (the network-bridge tool)")]
    public void TheScanLeavesTheNewNameAndOtherBridgesAlone(string line) =>
        Assert.That(OldNames.Where(o => o.Pattern.IsMatch(line)).Select(o => o.Why), Is.Empty, line);
}
