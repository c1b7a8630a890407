using System.Globalization;
using System.Text.RegularExpressions;
using Bridge.Core.Normalize;

namespace Bridge.Core.Readiness;

/// <summary>Reads what the standby would serve from the files blechd generates and from <c>dig</c>'s answers, as BLECH.md documents them.</summary>
public static partial class ServedFiles
{
    /// <summary><c>bind/zones.conf</c>: origin (normalized) → the zone file named for it.</summary>
    public static Dictionary<string, string> ZonesConf(string text)
    {
        var zones = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in ZoneStatement().Matches(text))
        {
            zones[HostNames.Origin(m.Groups[1].Value)] = m.Groups[2].Value;
        }

        return zones;
    }

    /// <summary><c>mail/passwd</c>: <c>local@domain</c> (lower case) → the password hash after its <c>{SCHEME}</c>.</summary>
    public static Dictionary<string, string> Passwd(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || SplitAddress(line[..colon]) is not { } address)
            {
                continue;
            }

            var rest = line[(colon + 1)..];
            if (rest.StartsWith('{') && rest.IndexOf('}', StringComparison.Ordinal) is var close and > 0)
            {
                rest = rest[(close + 1)..];
            }

            var end = rest.IndexOf(':', StringComparison.Ordinal);
            map[address] = end < 0 ? rest : rest[..end];
        }

        return map;
    }

    /// <summary><c>mail/aliases</c>: <c>source@domain</c> (lower case) → its destinations as written.</summary>
    public static Dictionary<string, string> Aliases(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var space = line.IndexOfAny([' ', '\t']);
            if (space > 0 && SplitAddress(line[..space]) is { } address)
            {
                map[address] = line[(space + 1)..].Trim();
            }
        }

        return map;
    }

    /// <summary><c>mail/domains</c>: one domain a line.</summary>
    public static HashSet<string> Domains(string text) => Lines(text).Select(HostNames.Domain).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The SOA answers in <c>dig +noall +answer</c> output (one line per answer: owner, TTL, class, SOA, mname, rname, serial, ...):
    /// origin → serial. Lines that report no reply are collected apart.
    /// </summary>
    public static (Dictionary<string, long> Serials, List<string> Errors) DigSoaAnswers(string output)
    {
        var serials = new Dictionary<string, long>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var line in Lines(output))
        {
            if (line.StartsWith(';'))
            {
                if (line.Contains("no servers could be reached", StringComparison.Ordinal) || line.Contains("communications error", StringComparison.Ordinal)
                    || line.Contains("timed out", StringComparison.Ordinal))
                {
                    errors.Add(line.TrimStart(';', ' '));
                }

                continue;
            }

            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 7 && f[3].Equals("SOA", StringComparison.OrdinalIgnoreCase) && long.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
            {
                serials[HostNames.Origin(f[0])] = serial;
            }
        }

        return (serials, errors);
    }

    private static string? SplitAddress(string text)
    {
        var at = text.LastIndexOf('@');
        return at <= 0 || at == text.Length - 1 ? null : ReadinessEvaluator.MailAddress(text[..at], text[(at + 1)..]);
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r').Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    [GeneratedRegex("""zone\s+"([^"]+)"\s*(?:IN\s+)?\{[^}]*?\bfile\s+"([^"]+)"\s*;""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ZoneStatement();
}
