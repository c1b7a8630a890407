using System.CommandLine.Help;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bridge.Core;

namespace Bridge.Cli.Tests;

/// <summary>
/// The man page (scripts/package/blech-bridge.1) against what the command really has: every command and option of the
/// System.CommandLine tree, every key of the configuration schema, every exit code and the version. It cannot drift silently.
/// </summary>
public sealed class ManPageTests
{
    private static readonly string ManPage = Text(File.ReadAllText(Repo.PathOf("scripts/package/blech-bridge.1")));

    [Test]
    public void EveryCommandHasASectionNamingEachOfItsOptions()
    {
        var root = BridgeApp.BuildCommand(TextWriter.Null, TextWriter.Null);
        var sections = Sections("SS");
        var missing = new List<string>();
        foreach (var command in root.Subcommands)
        {
            if (!sections.TryGetValue(command.Name, out var section))
            {
                missing.Add($"command {command.Name} (no .SS {command.Name})");
                continue;
            }

            missing.AddRange(command.Options.Where(o => o is not HelpOption && !Names(section).Contains(o.Name))
                .Select(o => $"option {o.Name} of {command.Name}"));
        }

        Assert.That(root.Subcommands, Is.Not.Empty);
        Assert.That(missing, Is.Empty, "missing from scripts/package/blech-bridge.1");
    }

    [Test]
    public void EveryOptionAndAliasIsDescribedUnderOptions()
    {
        var root = BridgeApp.BuildCommand(TextWriter.Null, TextWriter.Null);
        var options = Names(Sections("SH")["OPTIONS"]);
        var all = root.Subcommands.SelectMany(c => c.Options).Concat(root.Options)
            .SelectMany(o => o.Aliases.Append(o.Name)).Where(n => n.StartsWith('-')).Distinct().ToList();
        Assert.That(all, Does.Contain("--config").And.Contain("--version").And.Contain("-c"));
        Assert.That(all.Where(n => !options.Contains(n)), Is.Empty, "options missing from OPTIONS in scripts/package/blech-bridge.1");
    }

    [Test]
    public void EveryConfigurationKeyOfTheSchemaIsUnderConfiguration()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Repo.PathOf("schema/config/bridge.schema.json")))!;
        var keys = new List<string>();
        Collect(schema, schema, "", keys);
        var configuration = Sections("SH")["CONFIGURATION"];
        Assert.That(keys, Does.Contain("peer.connectionString").And.Contain("addressMap[].from").And.Contain("ready.checkDns"));
        Assert.That(keys.Where(k => !Regex.IsMatch(configuration, $@"(?<![\w.\[\]]){Regex.Escape(k)}(?![\w\[])")), Is.Empty,
            "configuration keys missing from CONFIGURATION in scripts/package/blech-bridge.1");
    }

    [Test]
    public void EveryExitCodeIsUnderExitStatus()
    {
        var codes = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (int)f.GetRawConstantValue()!).ToList();
        var status = Sections("SH")["EXIT STATUS"];
        var described = Regex.Matches(status, @"^\.TP\n\.B (\d+)$", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(codes, Has.Count.GreaterThanOrEqualTo(5));
        Assert.That(described, Is.EquivalentTo(codes), "EXIT STATUS of scripts/package/blech-bridge.1 against src/Bridge.Core/ExitCodes.cs");
    }

    [Test]
    public void TheTitleLineNamesTheVersionTheCommandPrints()
    {
        // What --version prints in the installed command (in-process it would print the test host's).
        var version = typeof(BridgeApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.That(version, Does.Match(@"^\d+\.\d+\.\d+$"), "the version from src/Directory.Build.props, without a commit suffix");
        var title = ManPage.Split('\n').Single(l => l.StartsWith(".TH ", StringComparison.Ordinal));
        Assert.That(title, Does.Contain($"\"blech-bridge {version}\""));
    }

    // Roff to comparable text: "\-" is a hyphen, font changes and quotes go.
    private static string Text(string roff) => Regex.Replace(roff.Replace("\\-", "-", StringComparison.Ordinal), @"\\f[BIRP]", "");

    private static Dictionary<string, string> Sections(string macro)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var matches = Regex.Matches(ManPage, $@"^\.{macro} (.+)$", RegexOptions.Multiline);
        for (var i = 0; i < matches.Count; i++)
        {
            var start = matches[i].Index + matches[i].Length;
            var next = Regex.Match(ManPage[start..], macro == "SS" ? @"^\.S[SH] " : @"^\.SH ", RegexOptions.Multiline);
            result[matches[i].Groups[1].Value.Trim('"')] = next.Success ? ManPage.Substring(start, next.Index) : ManPage[start..];
        }

        return result;
    }

    // The option names a piece of the page spells: "--config", "-c", "-?" (whole words only: "--wait" is not "--waiting").
    private static HashSet<string> Names(string text) =>
        Regex.Matches(text, @"(?<![\w-])(--?[\w?][\w-]*)").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    // Every leaf key as a dotted path ("peer.connectionString"); an array of objects is a key and so are its items' keys ("addressMap[].from").
    private static void Collect(JsonNode schema, JsonNode node, string prefix, List<string> keys)
    {
        foreach (var (name, child) in node["properties"]!.AsObject())
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            var resolved = child!["$ref"]?.GetValue<string>() is { } reference ? schema["$defs"]![reference.Split('/')[^1]]! : child;
            if (resolved["properties"] is not null)
            {
                Collect(schema, resolved, path, keys);
            }
            else if (resolved["items"]?["properties"] is not null)
            {
                keys.Add(path);
                Collect(schema, resolved["items"]!, path + "[]", keys);
            }
            else
            {
                keys.Add(path);
            }
        }
    }
}
