namespace Bridge.DatasetGen;

/// The rows of one dataset, table by table, with ids from 1. Every object is drawn from its own random stream
/// (seed, kind, number), so any table can be produced alone, lazily, and identically for every engine.
public sealed class Dataset
{
    private const int IdleClientPercent = 5;

    private readonly int[] _owners;

    public Dataset(DatasetSize size, long seed, string siteIp)
    {
        if (size.Mailboxes % size.MailDomains != 0 || size.Aliases % size.MailDomains != 0)
        {
            throw new ArgumentException("Mailboxes and aliases must be whole multiples of mail domains.", nameof(size));
        }

        Size = size;
        Seed = seed;
        SiteIp = siteIp;
        _owners = Enumerable.Range(1, size.Clients)
            .Where(id => Rng.For(seed, Stream.Owner, id).Next(100) >= IdleClientPercent)
            .ToArray();
    }

    public DatasetSize Size { get; }

    public long Seed { get; }

    public string SiteIp { get; }

    public IEnumerable<ClientRow> Clients()
    {
        for (var i = 1; i <= Size.Clients; i++)
        {
            yield return Client(Seed, i, i);
        }
    }

    public IEnumerable<SiteRow> Sites()
    {
        for (var i = 1; i <= Size.Sites; i++)
        {
            yield return Site(Seed, i, i, Owner(Stream.Site, i), SiteIp);
        }
    }

    public IEnumerable<ZoneRow> Zones()
    {
        for (var i = 1; i <= Size.Zones; i++)
        {
            yield return Zone(Seed, i, i, Owner(Stream.Zone, i));
        }
    }

    public IEnumerable<RecordRow> Records()
    {
        var id = 1;
        for (var i = 1; i <= Size.Zones; i++)
        {
            var zone = Zone(Seed, i, i, 0);
            foreach (var r in ZoneRecords(Seed, i, zone.Origin, i, id, zone.UpdatedAt))
            {
                id++;
                yield return r;
            }
        }
    }

    public IEnumerable<MailDomainRow> MailDomains()
    {
        for (var i = 1; i <= Size.MailDomains; i++)
        {
            yield return MailDomain(Seed, i, i, Owner(Stream.MailDomain, i));
        }
    }

    public IEnumerable<MailboxRow> Mailboxes()
    {
        var id = 1;
        for (var d = 1; d <= Size.MailDomains; d++)
        {
            var domain = MailDomainName(d);
            var rng = Rng.For(Seed, Stream.Mailbox, d);
            var localParts = rng.PickDistinct(Values.MailboxLocalParts, PerDomain(Stream.Mailbox, d, Size.Mailboxes / Size.MailDomains));
            foreach (var localPart in localParts)
            {
                yield return Mailbox(rng, id++, d, localPart, domain);
            }
        }
    }

    public IEnumerable<AliasRow> Aliases()
    {
        var id = 1;
        for (var d = 1; d <= Size.MailDomains; d++)
        {
            var domain = MailDomainName(d);
            var mailboxes = Rng.For(Seed, Stream.Mailbox, d)
                .PickDistinct(Values.MailboxLocalParts, PerDomain(Stream.Mailbox, d, Size.Mailboxes / Size.MailDomains));
            var rng = Rng.For(Seed, Stream.Alias, d);
            foreach (var source in rng.PickDistinct(Values.AliasSources, PerDomain(Stream.Alias, d, Size.Aliases / Size.MailDomains)))
            {
                yield return Alias(rng, id++, d, source, domain, mailboxes);
            }
        }
    }

    public static string ClientLogin(int number) => $"c{Values.Number(number)}";

    public static string SiteDomain(int number) => $"s{Values.Number(number)}.example";

    public static string ZoneOrigin(int number) => $"z{Values.Number(number)}.example.";

    public static string MailDomainName(int number) => $"m{Values.Number(number)}.example";

    /// Blech's serial for a zone last changed at <paramref name="at"/>, the <paramref name="change"/>th change that day.
    public static long Serial(DateTime at, int change) => (((at.Year * 10000L) + (at.Month * 100L) + at.Day) * 100) + change;

    internal static ClientRow Client(long seed, int number, int id)
    {
        var rng = Rng.For(seed, Stream.Client, number);
        var (name, email) = Values.Person(rng);
        return new ClientRow(id, ClientLogin(number), name, email, Values.Sha512Crypt(rng), rng.Chance(0.97), Values.Timestamp(rng));
    }

    internal static SiteRow Site(long seed, int number, int id, int clientId, string ip)
    {
        var rng = Rng.For(seed, Stream.Site, number);
        var domain = SiteDomain(number);
        var tls = rng.Chance(0.3);
        var root = rng.Chance(0.5) ? $"/var/www/{domain}/web" : $"/var/www/clients/client{clientId}/web{number}/web";
        return new SiteRow(
            id,
            clientId,
            domain,
            Values.SiteAliases(rng, domain),
            ip,
            HttpPort: 80,
            HttpsPort: tls ? 443 : null,
            root,
            tls ? Values.CertPath(domain) : null,
            tls ? Values.KeyPath(domain) : null,
            Values.PhpVersion(rng),
            rng.Chance(0.05) ? Values.CustomDirective(rng, root) : null,
            rng.Chance(0.95),
            Values.Timestamp(rng));
    }

    internal static ZoneRow Zone(long seed, int number, int id, int clientId)
    {
        var rng = Rng.For(seed, Stream.Zone, number);
        var origin = ZoneOrigin(number);
        var updated = Values.Timestamp(rng);
        return new ZoneRow(
            id,
            clientId,
            origin,
            Values.HostingNs1,
            rng.Chance(0.7) ? $"hostmaster.{origin}" : "admin.hosting.example.",
            Serial(updated, 1 + rng.Next(20)),
            Refresh: rng.Pick([3600, 10800, 14400, 86400]),
            Retry: rng.Pick([900, 1800, 3600]),
            Expire: rng.Pick([604800, 1209600, 2419200]),
            Minimum: rng.Pick([300, 3600, 86400]),
            DefaultTtl: rng.Pick([300, 3600, 86400]),
            Active: rng.Chance(0.97),
            updated);
    }

    /// The 20 records of zone <paramref name="number"/>: a fixed core (NS, apex A/AAAA, MX, SPF, DKIM, DMARC, CAA, mail, www)
    /// and eight drawn from a pool, owner names written as <c>@</c>, relative or absolute. No CNAME shares its name.
    internal static List<RecordRow> ZoneRecords(long seed, int number, string origin, int zoneId, int firstId, DateTime zoneUpdatedAt)
    {
        var rng = Rng.For(seed, Stream.Record, number);
        var domain = origin.TrimEnd('.');
        string Apex() => rng.Chance(0.8) ? "@" : origin;
        string Name(string relative) => rng.Chance(0.7) ? relative : $"{relative}.{origin}";
        var v4 = Values.IPv4(rng);

        var records = new List<(string Name, string Type, int? Priority, string Data)>
        {
            (Apex(), "NS", null, Values.HostingNs1),
            (Apex(), "NS", null, Values.HostingNs2),
            (Apex(), "A", null, v4),
            (Apex(), "AAAA", null, Values.IPv6(rng)),
            (Apex(), "MX", 10, rng.Chance(0.5) ? "mail" : $"mail.{origin}"),
            (Apex(), "MX", 20, "mx2.hosting.example."),
            (Apex(), "TXT", null, Values.Spf(rng, v4)),
            (Name("default._domainkey"), "TXT", null, Values.Dkim(rng)),
            (Name("_dmarc"), "TXT", null, $"v=DMARC1; p=quarantine; rua=mailto:dmarc@{domain}; fo=1"),
            (Apex(), "CAA", null, "0 issue letsencrypt.org"),
            (Name("mail"), "A", null, Values.IPv4(rng)),
            (Name("www"), "CNAME", null, rng.Chance(0.2) ? "@" : origin),
        };
        var pool = new List<(string Name, string Type, int? Priority, string Data)>
        {
            (Name("mail"), "AAAA", null, Values.IPv6(rng)),
            (Name("webmail"), "CNAME", null, "mail"),
            (Name("ftp"), "CNAME", null, $"www.{origin}"),
            (Name("autodiscover"), "CNAME", null, "mail.hosting.example."),
            (Name("_submission._tcp"), "SRV", 0, $"1 587 mail.{origin}"),
            (Name("_imaps._tcp"), "SRV", 0, "1 993 mail"),
            (Name("_autodiscover._tcp"), "SRV", 10, "50 443 mail.hosting.example."),
            (Apex(), "CAA", null, $"0 iodef mailto:security@{domain}"),
            (Apex(), "CAA", null, "0 issuewild letsencrypt.org"),
            (Name("*.dev"), "A", null, Values.IPv4(rng)),
            (Name("api"), "A", null, Values.IPv4(rng)),
            (Name("vpn"), "A", null, Values.IPv4(rng)),
            (Name("shop"), "AAAA", null, Values.IPv6(rng)),
            (Apex(), "TXT", null, Values.SiteVerification(rng)),
            (Apex(), "MX", 30, "mx3.hosting.example."),
            (Name("host01"), "A", null, Values.IPv4(rng)),
        };
        records.AddRange(rng.PickDistinct(pool, 20 - records.Count));
        records = rng.PickDistinct(records, records.Count);

        var rows = new List<RecordRow>(records.Count);
        foreach (var r in records)
        {
            var age = rng.NextLong(200L * 86_400 * 1_000_000) * 10;
            var updated = zoneUpdatedAt.Ticks - age < Values.Epoch.Ticks ? Values.Epoch : zoneUpdatedAt.AddTicks(-age);
            var active = r.Type == "NS" || !rng.Chance(0.01);
            rows.Add(new RecordRow(firstId + rows.Count, zoneId, r.Name, r.Type, Values.Ttl(rng), r.Priority, r.Data, active, updated));
        }

        return rows;
    }

    internal static MailDomainRow MailDomain(long seed, int number, int id, int clientId)
    {
        var rng = Rng.For(seed, Stream.MailDomain, number);
        return new MailDomainRow(id, clientId, MailDomainName(number), rng.Chance(0.97), Values.Timestamp(rng));
    }

    internal static MailboxRow Mailbox(Rng rng, int id, int mailDomainId, string localPart, string domain)
    {
        int[] quotas = [0, 500, 1024, 1024, 2048, 2048, 5120, 10240];
        string? forward = null;
        if (rng.Chance(0.1))
        {
            forward = rng.Chance(0.5)
                ? Values.ExternalAddress(rng)
                : $"{Values.ExternalAddress(rng)},{rng.Pick(Values.MailboxLocalParts)}@{domain}";
        }

        return new MailboxRow(id, mailDomainId, localPart, Values.Sha512Crypt(rng), rng.Pick(quotas), forward, rng.Chance(0.96), Values.Timestamp(rng));
    }

    internal static AliasRow Alias(Rng rng, int id, int mailDomainId, string source, string domain, IReadOnlyList<string> mailboxes)
    {
        var destination = mailboxes.Count > 0 && rng.Chance(0.6)
            ? $"{rng.Pick(mailboxes)}@{domain}"
            : string.Join(',', Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => Values.ExternalAddress(rng)).Distinct(StringComparer.Ordinal));
        return new AliasRow(id, mailDomainId, source, destination, rng.Chance(0.97), Values.Timestamp(rng));
    }

    private int Owner(Stream stream, int number) => _owners[Rng.For(Seed, stream, -number).Next(_owners.Length)];

    // Pairs of domains share a spread: one gets average + r, the other average - r, so the total is exact.
    private int PerDomain(Stream stream, int domain, int average)
    {
        var pair = (domain + 1) / 2;
        if (domain % 2 == 1 && domain == Size.MailDomains)
        {
            return average;
        }

        var r = Rng.For(Seed, stream, -1_000_000_000L - pair).Next(average + 1);
        return domain % 2 == 1 ? average + r : average - r;
    }
}
