using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Bridge.Emulator;

namespace Bridge.DatasetGen.Tests;

/// Strict checks of every row, written here independently of the generator: what a careful reader of BLECH.md would reject.
internal static partial class Validity
{
    private static readonly HashSet<string> RecordTypes = ["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "CAA", "PTR"];
    private static readonly HashSet<string> PhpVersions = ["7.4", "8.0", "8.1", "8.2", "8.3", "8.4"];

    /// Every problem found, one line each; empty when the database is valid.
    public static async Task<List<string>> CheckAsync(BlechEngine engine, string conn)
    {
        var problems = new List<string>();
        void Check(bool ok, string table, object id, string what)
        {
            if (!ok)
            {
                problems.Add($"{table} {id}: {what}");
            }
        }

        foreach (var r in await Servers.QueryAsync(engine, conn, "SELECT id, login, name, email, password_hash FROM client"))
        {
            Check(Login().IsMatch(S(r[1])), "client", r[0]!, $"login '{r[1]}'");
            Check(S(r[2]).Trim().Length > 0 && !S(r[2]).Any(char.IsControl), "client", r[0]!, "name");
            Check(IsEmail(S(r[3])), "client", r[0]!, $"email '{r[3]}'");
            Check(Sha512Crypt().IsMatch(S(r[4])), "client", r[0]!, $"password_hash '{r[4]}'");
        }

        foreach (var r in await Servers.QueryAsync(engine, conn,
            "SELECT id, domain, aliases, ip_address, http_port, https_port, document_root, ssl_cert_path, ssl_key_path, php_version, custom_directives FROM site"))
        {
            var id = r[0]!;
            Check(IsHost(S(r[1]), wildcard: false) && S(r[1]) == S(r[1]).ToLowerInvariant() && !S(r[1]).EndsWith('.'), "site", id, $"domain '{r[1]}'");
            var aliases = S(r[2]);
            Check(aliases.Length == 0 || (aliases.Split(' ').All(a => IsHost(a, wildcard: true) && !a.EndsWith('.'))), "site", id, $"aliases '{aliases}'");
            Check(IPAddress.TryParse(S(r[3]), out _), "site", id, $"ip_address '{r[3]}'");
            Check(Int(r[4]) is >= 1 and <= 65535, "site", id, "http_port");
            Check(r[5] is null || (Int(r[5]) is >= 1 and <= 65535 && IsPath(r[7]) && IsPath(r[8])), "site", id, "https_port without certificate and key");
            Check(IsPath(r[6]), "site", id, $"document_root '{r[6]}'");
            Check(r[9] is null || PhpVersions.Contains(S(r[9])), "site", id, $"php_version '{r[9]}'");
            Check(r[10] is null || S(r[10]).Trim().Length > 0, "site", id, "custom_directives blank");
        }

        var today = long.Parse(DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var origins = new Dictionary<long, string>();
        foreach (var r in await Servers.QueryAsync(engine, conn,
            "SELECT id, origin, primary_ns, hostmaster, serial, refresh, retry, expire, minimum, default_ttl FROM dns_zone"))
        {
            var id = r[0]!;
            var origin = S(r[1]);
            origins[Convert.ToInt64(id, CultureInfo.InvariantCulture)] = origin;
            Check(origin.EndsWith('.') && origin == origin.ToLowerInvariant() && IsHost(origin, wildcard: false), "dns_zone", id, $"origin '{origin}'");
            Check(S(r[2]).EndsWith('.') && IsHost(S(r[2]), wildcard: false), "dns_zone", id, $"primary_ns '{r[2]}'");
            Check(S(r[3]).EndsWith('.') && IsHost(S(r[3]), wildcard: false), "dns_zone", id, $"hostmaster '{r[3]}'");
            var serial = Convert.ToInt64(r[4], CultureInfo.InvariantCulture);
            Check(serial is >= 0 and <= uint.MaxValue && serial % 100 >= 1
                && DateTime.TryParseExact((serial / 100).ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                && serial / 100 <= today, "dns_zone", id, $"serial {serial} is not YYYYMMDDnn");
            Check(r.Skip(5).All(v => Int(v) > 0), "dns_zone", id, "SOA timers");
        }

        var records = await Servers.QueryAsync(engine, conn, "SELECT id, zone_id, name, type, ttl, priority, data, active FROM dns_record");
        foreach (var r in records)
        {
            var id = r[0]!;
            var origin = origins[Convert.ToInt64(r[1], CultureInfo.InvariantCulture)];
            var name = S(r[2]);
            var type = S(r[3]);
            var data = S(r[6]);
            Check(RecordTypes.Contains(type), "dns_record", id, $"type '{type}'");
            Check(name == "@" || (IsHost(name, wildcard: true) && (!name.EndsWith('.') || name == origin || name.EndsWith("." + origin, StringComparison.Ordinal))),
                "dns_record", id, $"name '{name}' in {origin}");
            Check(r[4] is null || Int(r[4]) >= 0, "dns_record", id, "ttl");
            Check(type is "MX" or "SRV" ? r[5] is not null && Int(r[5]) is >= 0 and <= 65535 : r[5] is null, "dns_record", id, $"{type} priority {r[5] ?? "NULL"}");
            Check(type switch
            {
                "A" => IsIPv4(data),
                "AAAA" => IPAddress.TryParse(data, out var a6) && a6.AddressFamily == AddressFamily.InterNetworkV6,
                "CNAME" or "NS" or "MX" or "PTR" => data == "@" || IsHost(data, wildcard: false),
                "SRV" => Srv().Match(data) is { Success: true } m && IsHost(m.Groups[3].Value, wildcard: false)
                    && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) <= 65535 && int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) <= 65535,
                "CAA" => Caa().IsMatch(data),
                "TXT" => data.Length > 0 && !data.Any(char.IsControl),
                _ => false,
            }, "dns_record", id, $"{type} data '{data}'");
        }

        // Whole-zone rules: no CNAME at the apex or beside other data, no two rows that mean the same record,
        // the DKIM key and the apex NS in place.
        foreach (var zone in records.GroupBy(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture)))
        {
            var origin = origins[zone.Key];
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in zone)
            {
                var key = $"{Absolute(S(r[2]), origin)} {r[3]} {NormalData(S(r[3]), S(r[6]), origin)}";
                Check(keys.Add(key), "dns_zone", zone.Key, $"two records mean {key}");
            }

            foreach (var owner in zone.Where(r => r[7] is true).GroupBy(r => Absolute(S(r[2]), origin)))
            {
                var cnames = owner.Count(r => S(r[3]) == "CNAME");
                Check(cnames == 0 || (owner.Key != origin && owner.Count() == 1), "dns_zone", zone.Key, $"CNAME at {owner.Key} beside other data or at the apex");
            }

            Check(zone.Any(r => S(r[3]) == "TXT" && System.Text.Encoding.UTF8.GetByteCount(S(r[6])) == 400 && S(r[6]).Contains('"') && S(r[6]).Contains('\\')),
                "dns_zone", zone.Key, "no 400-byte DKIM TXT with quotes and a backslash");
            Check(zone.Any(r => S(r[3]) == "NS" && Absolute(S(r[2]), origin) == origin), "dns_zone", zone.Key, "no apex NS");
        }

        foreach (var r in await Servers.QueryAsync(engine, conn, "SELECT id, domain FROM mail_domain"))
        {
            Check(IsHost(S(r[1]), wildcard: false) && !S(r[1]).EndsWith('.') && S(r[1]) == S(r[1]).ToLowerInvariant(), "mail_domain", r[0]!, $"domain '{r[1]}'");
        }

        foreach (var r in await Servers.QueryAsync(engine, conn, "SELECT id, local_part, password_hash, quota_mb, forward_to FROM mailbox"))
        {
            Check(LocalPart().IsMatch(S(r[1])), "mailbox", r[0]!, $"local_part '{r[1]}'");
            Check(Sha512Crypt().IsMatch(S(r[2])), "mailbox", r[0]!, "password_hash");
            Check(Int(r[3]) >= 0, "mailbox", r[0]!, "quota_mb");
            Check(r[4] is null || S(r[4]).Split(',').All(IsEmail), "mailbox", r[0]!, $"forward_to '{r[4]}'");
        }

        foreach (var r in await Servers.QueryAsync(engine, conn, "SELECT id, source, destination FROM mail_alias"))
        {
            Check(S(r[1]) == "*" || LocalPart().IsMatch(S(r[1])), "mail_alias", r[0]!, $"source '{r[1]}'");
            Check(S(r[2]).Split(',').All(IsEmail), "mail_alias", r[0]!, $"destination '{r[2]}'");
        }

        return problems;
    }

    public static bool IsHost(string name, bool wildcard)
    {
        var body = name.EndsWith('.') ? name[..^1] : name;
        if (body.Length is 0 or > 253)
        {
            return false;
        }

        var labels = body.Split('.');
        return labels.Select((label, i) => (label, i)).All(x =>
            (wildcard && x.i == 0 && x.label == "*") || HostLabel().IsMatch(x.label));
    }

    private static bool IsIPv4(string text) =>
        text.Split('.') is { Length: 4 } parts
        && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0') && int.Parse(p, CultureInfo.InvariantCulture) <= 255);

    private static bool IsEmail(string text) => Email().IsMatch(text) && IsHost(text[(text.IndexOf('@') + 1)..], wildcard: false);

    private static bool IsPath(object? value) => value is string p && p.StartsWith('/') && !p.Any(char.IsControl) && !p.Contains('"');

    private static string Absolute(string name, string origin)
    {
        var n = name.ToLowerInvariant();
        return n == "@" ? origin : n.EndsWith('.') ? n : $"{n}.{origin}";
    }

    private static string NormalData(string type, string data, string origin) => type switch
    {
        "A" or "AAAA" => IPAddress.TryParse(data, out var a) ? a.ToString() : data,
        "CNAME" or "NS" or "MX" or "PTR" => Absolute(data, origin),
        "SRV" => string.Join(' ', data.Split(' ').Select((f, i) => i == 2 ? Absolute(f, origin) : f)),
        _ => data,
    };

    private static string S(object? value) => value as string ?? throw new InvalidCastException($"expected text, got {value ?? "NULL"}");

    private static long Int(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    [GeneratedRegex("^c[0-9]{6,}$")]
    private static partial Regex Login();

    [GeneratedRegex(@"^\$6\$rounds=5000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$")]
    private static partial Regex Sha512Crypt();

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9._-]{0,62})@[a-z0-9.-]+$")]
    private static partial Regex Email();

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9._-]{0,62})$")]
    private static partial Regex LocalPart();

    // Letters, digits and hyphens, not at either end; a leading underscore for service labels (_dmarc, _tcp).
    [GeneratedRegex("^(?:_?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|_[a-z0-9-]+)$")]
    private static partial Regex HostLabel();

    [GeneratedRegex(@"^([0-9]{1,5}) ([0-9]{1,5}) (\S+)$")]
    private static partial Regex Srv();

    [GeneratedRegex(@"^[0-9]{1,3} (issue|issuewild|iodef) \S+$")]
    private static partial Regex Caa();
}
