using System.Net;
using System.Text.RegularExpressions;

namespace Bridge.Apache;

/// <summary>One vhost of <c>apache2ctl -S</c>: where it listens and its name.</summary>
/// <param name="Address">The address as httpd prints it: <c>192.0.2.2</c>, <c>[2001:db8::2]</c>, <c>*</c>, <c>_default_</c>.</param>
/// <param name="Port">The port, or <c>*</c>.</param>
/// <param name="ServerName">The vhost's server name.</param>
public sealed record ApacheVhostEntry(string Address, string Port, string ServerName)
{
    /// <summary>The <c>ServerAlias</c> names httpd lists under a name-based vhost (none for a lone vhost: httpd prints none).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The only vhost on its address and port: it answers every host name there.</summary>
    public bool Lone { get; init; }

    /// <summary>Where httpd read the vhost: <c>file:line</c>.</summary>
    public string? Source { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Address}:{Port} {ServerName}";
}

/// <summary>The vhost map printed by <c>apache2ctl -S</c>, parsed into (address:port, server name) entries.</summary>
public sealed partial class ApacheVhostMap
{
    private ApacheVhostMap(IReadOnlyList<ApacheVhostEntry> entries) => Entries = entries;

    /// <summary>The entries in printed order; aliases and file positions are left out.</summary>
    public IReadOnlyList<ApacheVhostEntry> Entries { get; }

    /// <summary>Parses the output of <c>apache2ctl -S</c> (or <c>apache2 -S</c>).</summary>
    public static ApacheVhostMap Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var entries = new List<ApacheVhostEntry>();
        string? nameVirtualHost = null;
        List<string>? aliases = null;
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (NameVirtualHostHeader().Match(line) is { Success: true } header)
            {
                nameVirtualHost = header.Groups[1].Value;
            }
            else if (NameVirtualHostMember().Match(line) is { Success: true } member && nameVirtualHost is not null)
            {
                aliases = [];
                entries.Add(Entry(nameVirtualHost, member.Groups[1].Value) with { Aliases = aliases, Source = member.Groups[2].Value });
            }
            else if (AliasLine().Match(line) is { Success: true } alias && aliases is not null)
            {
                aliases.Add(alias.Groups[1].Value);
            }
            else if (SingleVirtualHost().Match(line) is { Success: true } single)
            {
                nameVirtualHost = null;
                aliases = null;
                entries.Add(Entry(single.Groups[1].Value, single.Groups[2].Value) with { Lone = true, Source = single.Groups[3].Value });
            }
            else if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                nameVirtualHost = null;
                aliases = null;
            }
        }

        return new ApacheVhostMap(entries);
    }

    /// <summary>
    /// Compares two maps, allowing only <paramref name="from"/> to become <paramref name="to"/>.
    /// Returns null when they agree, otherwise a sentence naming the first difference.
    /// </summary>
    public static string? Difference(ApacheVhostMap before, ApacheVhostMap after, IPAddress from, IPAddress to)
    {
        var expected = Normalize(before, from, to);
        var actual = Normalize(after, from, to);
        var missing = Subtract(expected, actual);
        var added = Subtract(actual, expected);
        if (missing.Count == 0 && added.Count == 0)
        {
            return null;
        }

        return missing.Count > 0
            ? $"vhost {missing[0]} is gone after the rewrite"
            : $"vhost {added[0]} is new after the rewrite";
    }

    private static List<string> Normalize(ApacheVhostMap map, IPAddress from, IPAddress to) =>
        map.Entries
            .Select(e => AddressText.TryParseStrict(e.Address.Trim('[', ']')) is { } a && a.Equals(from)
                ? e with { Address = AddressText.Format(to) }
                : e)
            .Select(e => e.ToString())
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<string> Subtract(List<string> left, List<string> right)
    {
        var remaining = right.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var item in left)
        {
            if (remaining.TryGetValue(item, out var n) && n > 0)
            {
                remaining[item] = n - 1;
            }
            else
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static ApacheVhostEntry Entry(string addressPort, string serverName)
    {
        var hostEnd = addressPort.StartsWith('[') ? addressPort.IndexOf(']') + 1 : addressPort.LastIndexOf(':');
        if (hostEnd <= 0)
        {
            hostEnd = addressPort.Length;
        }

        var address = addressPort[..hostEnd];
        var port = hostEnd < addressPort.Length && addressPort[hostEnd] == ':' ? addressPort[(hostEnd + 1)..] : "*";
        if (AddressText.TryParseStrict(address.Trim('[', ']')) is { } ip)
        {
            address = AddressText.Format(ip);
        }

        return new ApacheVhostEntry(address, port, serverName);
    }

    // "192.0.2.2:80           is a NameVirtualHost"
    [GeneratedRegex(@"^(\S+)\s+is a NameVirtualHost\s*$")]
    private static partial Regex NameVirtualHostHeader();

    // "         port 80 namevhost a.example (/etc/apache2/sites-enabled/a.conf:1)"
    [GeneratedRegex(@"^\s+port \S+ namevhost (\S+) \((.*)\)\s*$")]
    private static partial Regex NameVirtualHostMember();

    // "                 alias www.a.example" and "                 wild alias *.a.example"
    [GeneratedRegex(@"^\s+(?:wild )?alias (\S+)\s*$")]
    private static partial Regex AliasLine();

    // "192.0.2.20:80          c.example (/etc/apache2/sites-enabled/b.conf:4)"
    [GeneratedRegex(@"^(\S+:\S+)\s+(\S+) \((.*)\)\s*$")]
    private static partial Regex SingleVirtualHost();
}
