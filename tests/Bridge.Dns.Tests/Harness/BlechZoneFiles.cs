using Bridge.Emulator;

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

/// Writes zone files and zones.conf in the format blechd generates (BLECH.md, "Regeneration"), without a database, through
/// the emulator's own formatter so that the two can never drift apart.
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
        BlechFiles.WriteAtomically(path, ZonesConf(configRoot, origins));
        return path;
    }

    /// Writes bind/zones/&lt;origin&gt;.zone under configRoot, replacing it in one rename; returns its path.
    public static string Write(string configRoot, BlechZone zone)
    {
        var path = ZoneFilePath(configRoot, zone.Origin);
        BlechFiles.WriteAtomically(path, ZoneText(zone));
        return path;
    }

    public static string ZoneFilePath(string configRoot, string origin) =>
        Path.Combine(configRoot, "bind", "zones", BlechFiles.ZoneFileName(origin));

    public static string ZoneText(BlechZone zone) =>
        BlechFiles.ZoneFile(
            new ZoneSpec("harness", zone.Origin, zone.PrimaryNs, zone.Hostmaster, zone.Serial, zone.Refresh, zone.Retry, zone.Expire, zone.Minimum, zone.DefaultTtl),
            zone.Records.Select(r => Spec(zone.Origin, r)));

    public static string RecordLine(BlechRecord record) => BlechFiles.RecordLine(Spec(string.Empty, record));

    public static string TxtData(string text) => BlechFiles.TxtData(text);

    public static string ZonesConf(string configRoot, IEnumerable<string> origins) => BlechFiles.ZonesConf(configRoot, origins);

    private static RecordSpec Spec(string origin, BlechRecord r) => new(origin, r.Name, r.Type, r.Data, r.Ttl, r.Priority);
}
