using System.Globalization;
using System.Text;

namespace Bridge.DatasetGen;

/// Realistic field values: names, hashes, addresses, TXT payloads. Everything is drawn from an <see cref="Rng"/>.
internal static class Values
{
    /// Timestamps of generated rows fall in the year from this instant, well before any change run.
    public static readonly DateTime Epoch = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public const string HostingNs1 = "ns1.hosting.example.";
    public const string HostingNs2 = "ns2.hosting.example.";

    // Non-ASCII letters and an apostrophe on purpose: both engines must store them byte for byte.
    private static readonly string[] FirstNames =
    [
        "Anna", "Ben", "Chloé", "David", "Elif", "Frank", "Greta", "Hiro", "Ines", "Jürgen", "Kofi", "Lena",
        "Marta", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tomás", "Uma", "Viktor", "Wen", "Yusuf", "Zoë",
    ];

    private static readonly string[] LastNames =
    [
        "Smith", "Müller", "O'Brien", "García", "Rossi", "Tanaka", "Nowak", "Dubois", "Jensen", "Okafor", "Silva",
        "Kowalski", "Ivanova", "Schmidt", "Brown", "Novák", "Öztürk", "Larsen", "Costa", "Weber",
    ];

    private static readonly string[] CompanyWords =
    [
        "Acme", "Blue Harbor", "Northwind", "Bäckerei Sonne", "Castle & Co", "Delta Works", "Evergreen", "Fjord Design",
        "Granite Labs", "Helios", "Iris Media", "Juniper", "Kite Studio", "Lumen", "Maple Dental",
    ];

    private static readonly string[] CompanySuffixes = ["GmbH", "Ltd", "LLC", "AG", "SARL", "& Sons", "e.K.", "Inc."];

    private static readonly string[] MailProviders = ["mail.example.net", "post.example.org", "inbox.example.com", "webmail.example.net"];

    /// Mailbox local parts; disjoint from <see cref="AliasSources"/> so an alias never shadows a mailbox.
    public static readonly string[] MailboxLocalParts =
    [
        "info", "office", "admin", "support", "contact", "john.smith", "anna.mueller", "p.jones", "k.tanaka", "maria-garcia",
        "l.rossi", "j.doe", "it", "accounts", "hr", "noreply", "newsletter", "m.ivanova", "s.okafor", "team.lead",
        "chef", "buero", "frontdesk", "dev", "ops",
    ];

    public static readonly string[] AliasSources =
    [
        "*", "webmaster", "abuse", "hostmaster", "sales", "jobs", "press", "billing", "security", "marketing",
    ];

    private static readonly string[] PhpVersions = ["7.4", "8.1", "8.2", "8.3"];

    private static readonly string[] SiteAliasPrefixes = ["www", "m", "shop", "blog", "static", "old"];

    private static readonly string[] CustomDirectives =
    [
        "<Directory \"{root}\">\n    Options -Indexes +FollowSymLinks\n    AllowOverride All\n    Require all granted\n</Directory>",
        "Header always set X-Frame-Options \"SAMEORIGIN\"\nHeader always set X-Content-Type-Options \"nosniff\"",
        "RewriteEngine on\nRewriteCond %{HTTPS} !=on\nRewriteRule ^/?(.*) https://%{SERVER_NAME}/$1 [R=301,L]",
        "# legacy shop\nAlias /downloads \"/srv/downloads\"\n\n<Location /server-status>\n    SetHandler server-status\n    Require ip 127.0.0.1\n</Location>",
        "php_admin_value upload_max_filesize 64M\nphp_admin_value post_max_size 64M\nphp_admin_flag display_errors off",
    ];

    private const string CryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// A timestamp in the year after <see cref="Epoch"/>, to the microsecond (what both engines store).
    public static DateTime Timestamp(Rng rng) => Epoch.AddTicks(rng.NextLong(366L * 86_400 * 1_000_000) * 10);

    /// A SHA512-CRYPT hash in Blech's form: <c>$6$rounds=5000$salt$86 characters</c>.
    public static string Sha512Crypt(Rng rng) => $"$6$rounds=5000${Chars(rng, CryptAlphabet, 16)}${Chars(rng, CryptAlphabet, 86)}";

    public static (string Name, string Email) Person(Rng rng)
    {
        if (rng.Chance(0.15))
        {
            var word = rng.Pick(CompanyWords);
            return ($"{word} {rng.Pick(CompanySuffixes)}", $"office@{Slug(word)}.example");
        }

        var first = rng.Pick(FirstNames);
        var last = rng.Pick(LastNames);
        return ($"{first} {last}", $"{Slug(first)}.{Slug(last)}{rng.Next(100)}@{rng.Pick(MailProviders)}");
    }

    public static string ExternalAddress(Rng rng) =>
        $"{Slug(rng.Pick(FirstNames))}.{Slug(rng.Pick(LastNames))}@{rng.Pick(MailProviders)}";

    public static string? PhpVersion(Rng rng) => rng.Chance(0.15) ? null : rng.Pick(PhpVersions);

    public static string SiteAliases(Rng rng, string domain)
    {
        var count = rng.Next(4);
        return string.Join(' ', rng.PickDistinct(SiteAliasPrefixes, count).Select(p => $"{p}.{domain}"));
    }

    public static string CustomDirective(Rng rng, string documentRoot) =>
        rng.Pick(CustomDirectives).Replace("{root}", documentRoot, StringComparison.Ordinal);

    public static string CertPath(string domain) => $"/etc/letsencrypt/live/{domain}/fullchain.pem";

    public static string KeyPath(string domain) => $"/etc/letsencrypt/live/{domain}/privkey.pem";

    /// An address from the IPv4 documentation ranges.
    public static string IPv4(Rng rng)
    {
        string[] nets = ["192.0.2", "198.51.100", "203.0.113"];
        return $"{rng.Pick(nets)}.{1 + rng.Next(254)}";
    }

    /// An address in 2001:db8::/32, written the way people type them: mostly compressed, sometimes upper case and half
    /// compressed (<c>2001:DB8:0:0::1</c>-like), sometimes fully expanded.
    public static string IPv6(Rng rng)
    {
        var a = 1 + rng.Next(0xfffe);
        var b = rng.Chance(0.3) ? 0 : rng.Next(0x10000);
        var host = 1 + rng.Next(0xfffe);
        return rng.Next(10) switch
        {
            < 7 => b == 0 ? $"2001:db8:{a:x}::{host:x}" : $"2001:db8:{a:x}:{b:x}::{host:x}",
            < 9 => $"2001:DB8:{a:X}:{b:X}:0:0::{host:X}",
            _ => $"2001:0db8:{a:x4}:{b:x4}:0000:0000:0000:{host:x4}",
        };
    }

    /// A DKIM TXT value of exactly <paramref name="length"/> bytes, with literal quotes and a backslash inside.
    public static string Dkim(Rng rng, int length = 400)
    {
        var head = $"v=DKIM1; k=rsa; n=key \"{2020 + rng.Next(6)}\" from C:\\keys\\dkim{rng.Next(10)}; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA";
        return head + Chars(rng, Base64Alphabet, length - head.Length - 4) + "IDAQ";
    }

    public static string Spf(Rng rng, string ipv4) =>
        $"v=spf1 mx a ip4:{ipv4} include:_spf.hosting.example {(rng.Chance(0.5) ? "~all" : "-all")}";

    public static string SiteVerification(Rng rng) => $"google-site-verification={Chars(rng, Base64Alphabet[..62], 43)}";

    public static int? Ttl(Rng rng)
    {
        int[] ttls = [60, 300, 3600, 86400];
        return rng.Chance(0.7) ? null : rng.Pick(ttls);
    }

    public static string Number(int n) => n.ToString("D6", CultureInfo.InvariantCulture);

    /// ASCII lower-case form of a name, for building addresses and host names.
    public static string Slug(string text)
    {
        var sb = new StringBuilder(text.Length);
        // A fixed fold rather than string.Normalize: the build runs with invariant globalization.
        foreach (var c in text.ToLowerInvariant())
        {
            var ch = c switch
            {
                'ä' or 'á' or 'à' or 'â' => 'a',
                'é' or 'è' or 'ë' or 'ê' => 'e',
                'ö' or 'ó' or 'ô' => 'o',
                'ü' or 'ú' => 'u',
                'í' => 'i',
                'ç' => 'c',
                'ñ' => 'n',
                _ => c,
            };
            if (char.IsAsciiLetterOrDigit(ch))
            {
                sb.Append(ch);
            }
            else if (ch == ' ' && sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        return sb.ToString().Trim('-');
    }

    public static string Chars(Rng rng, string alphabet, int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = alphabet[rng.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
