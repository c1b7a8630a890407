using System.Globalization;

namespace Bridge.Emulator;

/// The addresses of the documented pair: chip's own C, dale's own D and the service address V (documentation range).
public static class PairAddresses
{
    public const string C = "192.0.2.1";
    public const string D = "192.0.2.2";
    public const string V = "192.0.2.100";
}

/// A small hosting company's worth of Blech content, made through Blech's own edit path, for tests and the demo.
public static class SampleData
{
    /// A DKIM-like TXT value of 400+ bytes with quotes and backslashes inside, the kind zone files must keep byte for byte.
    public static readonly string DkimValue = "v=DKIM1; k=rsa; p=" + string.Concat(Enumerable.Range(0, 380).Select(i => (char)('A' + (i * 7 % 26)))) + "; n=\"quoted\\part\"";

    /// Fills <paramref name="chip"/> with <paramref name="clients"/> clients, each with <paramref name="sitesPerClient"/> sites,
    /// one zone per site (A, AAAA, CNAME, MX, TXT, SRV, CAA, NS records in every spelling BLECH.md allows) and one mail domain per
    /// client with mailboxes and aliases. Sites are bound to V, as on chip; every third one has TLS.
    public static async Task FillAsync(BlechInstance chip, int clients = 6, int sitesPerClient = 5, CancellationToken ct = default)
    {
        for (var c = 0; c < clients; c++)
        {
            var login = $"client{c:00}";
            await chip.AddClientAsync(new ClientSpec(login, $"Customer {c}", $"owner{c}@example.org", $"$6$rounds=5000$c{c}$hashofclient{c}"), ct);

            var mailDomain = $"mail{c:00}.example";
            await chip.AddMailDomainAsync(new MailDomainSpec(login, mailDomain), ct);
            for (var m = 0; m < 4; m++)
            {
                await chip.AddMailboxAsync(new MailboxSpec(mailDomain, $"user{m}", $"$6$rounds=5000$m{c}{m}$hashofmailbox{c}{m}", QuotaMb: m * 512,
                    ForwardTo: m == 1 ? $"backup@{mailDomain}, archive@example.org" : null), ct);
            }

            await chip.AddAliasAsync(new AliasSpec(mailDomain, "postmaster", $"user0@{mailDomain}"), ct);
            await chip.AddAliasAsync(new AliasSpec(mailDomain, "*", $"user0@{mailDomain},user1@{mailDomain}"), ct);

            for (var s = 0; s < sitesPerClient; s++)
            {
                var n = (c * sitesPerClient) + s;
                var domain = $"site{n:000}.example";
                var tls = n % 3 == 0;
                await chip.AddSiteAsync(new SiteSpec(login, domain, PairAddresses.V,
                    Aliases: $"www.{domain}" + (n % 4 == 0 ? $" shop.{domain}" : string.Empty),
                    HttpsPort: tls ? 443 : null,
                    SslCertPath: tls ? $"/etc/ssl/blech/{domain}.crt" : null,
                    SslKeyPath: tls ? $"/etc/ssl/blech/{domain}.key" : null,
                    PhpVersion: n % 2 == 0 ? "8.2" : null,
                    CustomDirectives: n % 5 == 0 ? "Header set X-Site \"" + domain + "\"" : null), ct);

                var origin = domain + ".";
                await chip.AddZoneAsync(new ZoneSpec(login, origin, PrimaryNs: "ns1.example.net.", Hostmaster: $"hostmaster.{origin}"), ct);
                await chip.AddRecordAsync(new RecordSpec(origin, "@", "A", PairAddresses.V), ct);
                await chip.AddRecordAsync(new RecordSpec(origin, "www", "A", PairAddresses.V, Ttl: 300), ct);
                await chip.AddRecordAsync(new RecordSpec(origin, "@", "AAAA", n % 2 == 0 ? "2001:DB8:0:0::64" : "2001:db8::64"), ct);
                await chip.AddRecordAsync(new RecordSpec(origin, "shop", "CNAME", n % 2 == 0 ? "www" : $"www.{origin}"), ct);
                await chip.AddRecordAsync(new RecordSpec(origin, "@", "MX", $"mx.{mailDomain}.", Priority: 10), ct);
                await chip.AddRecordAsync(new RecordSpec(origin, "@", "NS", "ns1.example.net."), ct);
                await chip.AddRecordAsync(new RecordSpec(origin, "@", "TXT", "v=spf1 a mx -all"), ct);
                if (n % 3 == 0)
                {
                    await chip.AddRecordAsync(new RecordSpec(origin, "mail._domainkey", "TXT", DkimValue), ct);
                    await chip.AddRecordAsync(new RecordSpec(origin, "_sip._tcp", "SRV", "5 5060 sip", Priority: 10), ct);
                    await chip.AddRecordAsync(new RecordSpec(origin, "@", "CAA", "0 issue letsencrypt.org"), ct);
                }
            }
        }
    }

    /// A domain name of the sample set, by site number.
    public static string SiteDomain(int n) => string.Create(CultureInfo.InvariantCulture, $"site{n:000}.example");
}
