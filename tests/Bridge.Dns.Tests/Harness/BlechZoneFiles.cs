using System.Globalization;
using System.Text;

namespace Bridge.Dns.Tests.Harness;

/// A zone as Blech's database holds it; the SOA defaults are the emulator's.
public sealed record BlechZone(string Origin, long Serial, IReadOnlyList<BlechRecord> Records)
{
    public string PrimaryNs { get; init; } = "ns1.example.net.";

    public string Hostmaster { get; init; } = "hostmaster.example.net.";

    public int Refresh { get; init; } = 10800;

    public int Retry { get; init; } = 3600;

    public int Expire { get; init; } = 604800;

    public int Minimum { get; init; } = 3600;

    public int DefaultTtl { get; init; } = 3600;
}

/// One active record of a Blech zone.
public sealed record BlechRecord(string Name, string Type, string Data, int? Ttl = null, int? Priority = null);

/// Writes zone files and zones.conf in the format blechd generates (BLECH.md, "Regeneration"), without a database.
/// It mirrors Bridge.Emulator's internal BlechFiles; keep the two in step.
public static class BlechZoneFiles
{
    /// Writes bind/zones/&lt;origin&gt;.zone for each zone and bind/zones.conf under configRoot; returns zones.conf's path.
    public static string WriteAll(string configRoot, IEnumerable<BlechZone> zones)
    {
        var origins = new List<string>();
        foreach (var zone in zones)
        {
            Write(configRoot, zone);
            origins.Add(zone.Origin);
        }

        var path = Path.Combine(configRoot, "bind", "zones.conf");
        WriteAtomically(path, ZonesConf(configRoot, origins));
        return path;
    }

    /// Writes bind/zones/&lt;origin&gt;.zone under configRoot, replacing it in one rename; returns its path.
    public static string Write(string configRoot, BlechZone zone)
    {
        var path = ZoneFilePath(configRoot, zone.Origin);
        WriteAtomically(path, ZoneText(zone));
        return path;
    }

    public static string ZoneFilePath(string configRoot, string origin) =>
        Path.Combine(configRoot, "bind", "zones", origin.TrimEnd('.').ToLowerInvariant() + ".zone");

    public static string ZoneText(BlechZone zone)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.Append("$ORIGIN ").Append(zone.Origin).Append('\n');
        b.Append("$TTL ").Append(zone.DefaultTtl.ToString(inv)).Append('\n');
        b.Append(inv, $"@ IN SOA {zone.PrimaryNs} {zone.Hostmaster} ( {zone.Serial} {zone.Refresh} {zone.Retry} {zone.Expire} {zone.Minimum} )\n");
        foreach (var record in zone.Records)
        {
            b.Append(RecordLine(record)).Append('\n');
        }

        return b.ToString();
    }

    public static string RecordLine(BlechRecord record)
    {
        var type = record.Type.ToUpperInvariant();
        var parts = new List<string> { record.Name };
        if (record.Ttl is { } ttl)
        {
            parts.Add(ttl.ToString(CultureInfo.InvariantCulture));
        }

        parts.Add("IN");
        parts.Add(type);
        if (type is "MX" or "SRV")
        {
            parts.Add((record.Priority ?? 0).ToString(CultureInfo.InvariantCulture));
        }

        parts.Add(type switch
        {
            "TXT" => TxtData(record.Data),
            "CAA" => CaaData(record.Data),
            _ => record.Data,
        });
        return string.Join(' ', parts);
    }

    /// TXT text as quoted character-strings of at most 255 bytes each, never splitting a UTF-8 sequence.
    public static string TxtData(string text)
    {
        var chunks = new List<string>();
        var bytes = 0;
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (bytes + size > 255)
            {
                chunks.Add(Quote(current.ToString()));
                current.Clear();
                bytes = 0;
            }

            current.Append(rune.ToString());
            bytes += size;
        }

        if (current.Length > 0 || chunks.Count == 0)
        {
            chunks.Add(Quote(current.ToString()));
        }

        return string.Join(' ', chunks);
    }

    /// `zone "<origin>" { type master; file "<root>/bind/zones/<name>.zone"; };` per zone, in ordinal order.
    public static string ZonesConf(string configRoot, IEnumerable<string> origins)
    {
        var b = new StringBuilder();
        foreach (var origin in origins.OrderBy(o => o, StringComparer.Ordinal))
        {
            b.Append($"zone \"{origin}\" {{ type master; file \"{ZoneFilePath(configRoot, origin)}\"; }};\n");
        }

        return b.ToString();
    }

    private static string CaaData(string data)
    {
        var parts = data.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 3 ? $"{parts[0]} {parts[1]} {Quote(parts[2])}" : data;
    }

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static void WriteAtomically(string path, string content)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temp, path, overwrite: true);
    }
}
