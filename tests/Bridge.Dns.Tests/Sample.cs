using Bridge.Dns.Tests.Harness;

namespace Bridge.Dns.Tests;

/// The zone content the harness tests share: one zone whose address says which machine generated it.
internal static class Sample
{
    public const string Origin = "acme.example.";
    public const string ChipIp = "192.0.2.10";
    public const string DaleIp = "198.51.100.20";

    public static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    public static BlechZone Acme(long serial, string address) => new(Origin, serial,
    [
        new BlechRecord("@", "NS", "ns1.example.net."),
        new BlechRecord("@", "A", address),
        new BlechRecord("www", "A", address, Ttl: 300),
        new BlechRecord("@", "MX", "mail", Priority: 10),
        new BlechRecord("mail", "A", address),
    ]);

    /// A fresh config root, as Blech's /etc/blech/generated; removed when disposed.
    public static TempFolder NewConfigRoot(string name) => new(name);

    /// Writes the zone under a new config root and starts a primary from its zones.conf, as the end-to-end test will.
    public static async Task<(NamedServer Server, TempFolder Root)> StartPrimaryAsync(
        string name, BlechZone zone, int? port = null, int? notifyPort = null)
    {
        var root = NewConfigRoot(name);
        var zonesConf = BlechZoneFiles.WriteAll(root.Path, [zone]);
        var alsoNotify = notifyPort is { } p ? new[] { ("127.0.0.1", p) } : [];
        var server = await NamedServer.StartPrimaryAsync(zonesConf, port, alsoNotify, name);
        return (server, root);
    }
}

/// A temporary folder removed on dispose.
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string name)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bridge-dns-tests", $"{name}-root-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable(NamedServer.KeepVariable) != "1")
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
