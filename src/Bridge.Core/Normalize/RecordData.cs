using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Sockets;

namespace Bridge.Core.Normalize;

/// <summary>Normalizes and checks <c>dns_record.data</c> by record type, as BLECH.md says each type is stored.</summary>
public static class RecordData
{
    /// <summary>The record types Blech stores.</summary>
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal) { "A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "CAA", "PTR" };

    /// <summary>
    /// The one spelling of <paramref name="data"/> for <paramref name="type"/>: addresses canonical, host names absolute and lower case,
    /// SRV and CAA fields separated by single spaces, TXT byte for byte. Returns false, with the reason, when the data would break a zone file.
    /// </summary>
    public static bool TryNormalize(string type, string data, string normalizedOrigin, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? reason)
    {
        normalized = null;

        // Checked for every type before parsing: the parsers below trim, but the row is written as stored, and a line break
        // anywhere in it splits the record in the zone file.
        if (Types.Contains(type) && HasLineBreakOrControl(data))
        {
            reason = $"{type} data '{Printable(data)}' contains a line break or control character";
            return false;
        }

        switch (type)
        {
            case "A":
            case "AAAA":
                {
                    var family = type == "A" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                    if (!Addresses.TryParse(data, out var address) || address.AddressFamily != family)
                    {
                        reason = $"{type} data '{Printable(data)}' is not an {(type == "A" ? "IPv4" : "IPv6")} address";
                        return false;
                    }

                    normalized = address.ToString();
                    reason = null;
                    return true;
                }

            case "CNAME":
            case "NS":
            case "PTR":
            case "MX":
                // "@" is the origin here as in a name: BLECH.md stores targets "like name", and a zone file reads them so.
                if (data.Trim() != "@" && !HostNames.IsValid(data.Trim(), allowWildcard: false, out var why))
                {
                    reason = $"{type} target '{Printable(data)}': {why}";
                    return false;
                }

                normalized = HostNames.Absolute(data, normalizedOrigin);
                reason = null;
                return true;

            case "SRV":
                {
                    var parts = SplitFields(data);
                    if (parts.Length != 3)
                    {
                        reason = $"SRV data '{Printable(data)}' is not 'weight port target'";
                        return false;
                    }

                    if (!TryUInt16(parts[0], out var weight))
                    {
                        reason = $"SRV weight '{Printable(parts[0])}' is not a number from 0 to 65535";
                        return false;
                    }

                    if (!TryUInt16(parts[1], out var port))
                    {
                        reason = $"SRV port '{Printable(parts[1])}' is out of range (0 to 65535)";
                        return false;
                    }

                    var target = parts[2];
                    if (target != "." && !HostNames.IsValid(target, allowWildcard: false, out var whyTarget))
                    {
                        reason = $"SRV target '{Printable(target)}': {whyTarget}";
                        return false;
                    }

                    normalized = string.Create(CultureInfo.InvariantCulture, $"{weight} {port} {(target == "." ? "." : HostNames.Absolute(target, normalizedOrigin))}");
                    reason = null;
                    return true;
                }

            case "CAA":
                {
                    var t = data.Trim();
                    var first = t.IndexOf(' ', StringComparison.Ordinal);
                    var second = first < 0 ? -1 : t.IndexOf(' ', first + 1);
                    if (first < 0 || second < 0)
                    {
                        reason = $"CAA data '{Printable(data)}' is not 'flags tag value'";
                        return false;
                    }

                    var flagsText = t[..first];
                    var tag = t[(first + 1)..second];
                    var value = t[(second + 1)..].TrimStart();
                    if (!byte.TryParse(flagsText, NumberStyles.None, CultureInfo.InvariantCulture, out var flags))
                    {
                        reason = $"CAA flags '{Printable(flagsText)}' is not a number from 0 to 255";
                        return false;
                    }

                    if (tag.Length == 0 || !tag.All(char.IsAsciiLetterOrDigit))
                    {
                        reason = $"CAA tag '{Printable(tag)}' is not letters and digits";
                        return false;
                    }

                    normalized = string.Create(CultureInfo.InvariantCulture, $"{flags} {tag.ToLowerInvariant()} {value}");
                    reason = null;
                    return true;
                }

            case "TXT":
                normalized = data;
                reason = null;
                return true;

            default:
                reason = $"record type '{Printable(type)}' is not one Blech stores";
                return false;
        }
    }

    /// <summary>The text with line breaks and control characters made visible, for messages.</summary>
    public static string Printable(string text)
    {
        var clipped = text.Length > 80 ? text[..77] + "..." : text;
        return clipped.Any(char.IsControl)
            ? string.Concat(clipped.Select(c => c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ when char.IsControl(c) => $"\\x{(int)c:x2}", _ => c.ToString() }))
            : clipped;
    }

    private static bool HasLineBreakOrControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c != '\t')
            {
                return true;
            }
        }

        return false;
    }

    private static string[] SplitFields(string data) => data.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static bool TryUInt16(string text, out ushort value) =>
        ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>The bytes a TXT record's data takes on the wire: its text split into character-strings of at most 255 bytes, each with a length byte.</summary>
    public static int TxtWireLength(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        return bytes + Math.Max(1, (bytes + 254) / 255);
    }
}
