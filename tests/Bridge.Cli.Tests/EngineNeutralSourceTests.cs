using System.Text.RegularExpressions;

namespace Bridge.Cli.Tests;

/// <summary>
/// Engine-specific SQL lives in the two dialect projects only: the shared code (reading, planning, applying, the runtime)
/// asks its dialect, and never branches on the engine's name.
/// </summary>
[TestFixture]
public sealed class EngineNeutralSourceTests
{
    private static readonly (string Why, Regex Pattern)[] EngineSpecific =
    [
        ("branches on the engine's name", new Regex(@"Dialect\.Name\s*==|\.Name\s*==\s*""(postgres|mysql)""", RegexOptions.Compiled)),
        ("INSERT ... RETURNING (ask IEngineDialect.Returning)", new Regex(@"""[^""]*\bRETURNING\b", RegexOptions.Compiled)),
        ("MySQL/MariaDB SQL", new Regex(@"""[^""]*\b(ON DUPLICATE KEY|GET_LOCK|RELEASE_LOCK|LOAD DATA)\b", RegexOptions.Compiled)),
        ("PostgreSQL SQL", new Regex(@"""[^""]*\b(pg_[a-z_]+\(|COPY [a-z_]+ \(|ON CONFLICT)|""[^""]*[a-z)]::[a-z]", RegexOptions.Compiled)),
    ];

    private static readonly string[] SharedProjects = ["src/Bridge.Core", "src/Bridge.Data", "src/Bridge.Runtime", "src/Bridge.Cli"];

    [Test]
    public void SharedCodeHasNoEngineSpecificSql()
    {
        var found = new List<string>();
        foreach (var project in SharedProjects)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Repo.Root, project), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
            {
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    foreach (var (why, pattern) in EngineSpecific)
                    {
                        if (pattern.IsMatch(lines[i]))
                        {
                            found.Add($"{Path.GetRelativePath(Repo.Root, file)}:{i + 1}: {why}: {lines[i].Trim()}");
                        }
                    }
                }
            }
        }

        Assert.That(found, Is.Empty, string.Join("\n", found));
    }

    [TestCase("command.CommandText = \"SELECT 1 FROM site WHERE active = \" + (side.Dialect.Name == \"postgres\" ? \"true\" : \"1\");")]
    [TestCase("sql.Append(\" RETURNING \").Append(returning);")]
    [TestCase("var s = \"INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 1\";")]
    [TestCase("var s = \"SELECT pg_try_advisory_lock(42)\";")]
    [TestCase("var s = \"SELECT id::text FROM site\";")]
    public void TheScanFindsEngineSpecificSql(string line) =>
        Assert.That(EngineSpecific.Any(e => e.Pattern.IsMatch(line)), Is.True);

    [TestCase("command.CommandText = \"SELECT domain FROM site WHERE active = \" + side.Dialect.Placeholder(0);")]
    [TestCase("var s = \"SELECT main_ip, hostname FROM server ORDER BY id\";")]
    [TestCase("logger.LogInformation(\"Read {Objects} objects from the {Role} ({Engine}) in {Ms} ms\", n);")]
    public void TheScanLeavesEngineNeutralSqlAlone(string line) =>
        Assert.That(EngineSpecific.Any(e => e.Pattern.IsMatch(line)), Is.False);
}
