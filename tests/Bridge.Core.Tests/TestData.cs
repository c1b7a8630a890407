using System.Net;
using Bridge.Core.Normalize;
using Bridge.Core.Plan;

namespace Bridge.Core.Tests;

/// <summary>The pair of BLECH.md: chip (C, Blech's main_ip V) is the peer, dale (D) the standby, V the service address.</summary>
public static class Net
{
    public const string C = "192.0.2.3";
    public const string D = "192.0.2.4";
    public const string V = "192.0.2.10";
    public const string Other = "198.51.100.7";

    public static readonly AddressPolicy Policy = new(IPAddress.Parse(V), [], PeerAddress: IPAddress.Parse(C));

    public static AddressMap Map => Policy.Build(V, D);

    public static PlanContext Context(IReadOnlyDictionary<string, string>? last = null, params string[] localIps) =>
        new(localIps.Length == 0 ? [D, V] : localIps, last ?? new Dictionary<string, string>());
}

/// <summary>A hand-built Blech database; each row helper fills the columns a test does not care about.</summary>
public sealed class Snap
{
    public const string Hash = "$6$rounds=5000$saltsalt$SECRETHASHpeer0000000000000000000000";

    public string MainIp { get; init; } = Net.V;

    public List<string> Ips { get; } = [];

    public List<ClientRow> Clients { get; } = [];

    public List<SiteRow> Sites { get; } = [];

    public List<ZoneRow> Zones { get; } = [];

    public List<RecordRow> Records { get; } = [];

    public List<MailDomainRow> MailDomains { get; } = [];

    public List<MailboxRow> Mailboxes { get; } = [];

    public List<AliasRow> Aliases { get; } = [];

    /// <summary>One client "alice" with one site, one zone with three records, one mail domain with a mailbox and an alias.</summary>
    public static Snap Sample(string siteIp = Net.V)
    {
        var s = new Snap();
        s.Client("alice");
        s.Site("example.com", ip: siteIp, aliases: "www.example.com");
        s.Zone("example.com.");
        s.Record("example.com.", "@", "A", Net.V);
        s.Record("example.com.", "www", "CNAME", "@");
        s.Record("example.com.", "@", "MX", "mail", priority: 10);
        s.MailDomain("example.com");
        s.Mailbox("example.com", "info");
        s.Alias("example.com", "postmaster", "info@example.com");
        return s;
    }

    public Snap Client(string login, string hash = Hash, string name = "Alice") => Add(Clients, new ClientRow(Clients.Count + 1, login, name, $"{login}@example.net", hash, true));

    public Snap Site(string domain, string client = "alice", string ip = Net.V, string aliases = "", int httpPort = 80, int? httpsPort = null, string? docRoot = null) =>
        Add(Sites, new SiteRow(Sites.Count + 1, client, domain, aliases, ip, httpPort, httpsPort, docRoot ?? $"/var/www/{domain.Trim()}",
            httpsPort is null ? null : "/etc/ssl/site.crt", httpsPort is null ? null : "/etc/ssl/site.key", "8.2", null, true));

    public Snap Zone(string origin, string client = "alice", long serial = 2025010101, string primaryNs = "ns1.example.net.", string hostmaster = "hostmaster.example.net.") =>
        Add(Zones, new ZoneRow(Zones.Count + 1, client, origin, primaryNs, hostmaster, serial, 3600, 600, 604800, 300, 3600, true));

    public Snap Record(string zone, string name, string type, string data, int? priority = null, int? ttl = null, bool active = true) =>
        Add(Records, new RecordRow(Records.Count + 1, zone, name, type, ttl, priority, data, active));

    public Snap MailDomain(string domain, string client = "alice") => Add(MailDomains, new MailDomainRow(MailDomains.Count + 1, client, domain, true));

    public Snap Mailbox(string domain, string localPart, string hash = Hash, int quota = 1024, string? forwardTo = null) =>
        Add(Mailboxes, new MailboxRow(Mailboxes.Count + 1, domain, localPart, hash, quota, forwardTo, true));

    public Snap Alias(string domain, string source, string destination) => Add(Aliases, new AliasRow(Aliases.Count + 1, domain, source, destination, true));

    public BlechSnapshot Build() => new(MainIp, [.. Ips], [.. Clients], [.. Sites], [.. Zones], [.. Records], [.. MailDomains], [.. Mailboxes], [.. Aliases]);

    public SyncSet Peer() => Normalizer.Peer(Build(), Net.Map);

    public SyncSet Local() => Normalizer.Local(Build());

    private Snap Add<T>(List<T> list, T row)
    {
        list.Add(row);
        return this;
    }
}
