using Bridge.Emulator;

namespace Bridge.DatasetGen.Tests;

/// The validity checks the suites rely on must see broken rows, or a passing suite proves nothing.
public sealed class ValidityTests
{
    [Test]
    public async Task BrokenRowsAreEachReported()
    {
        var engine = BlechEngine.Postgres;
        var conn = await Servers.CreateSmallAsync(engine);
        string[] broken =
        [
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (1, '@', 'CNAME', 'elsewhere.example.', true, now())",
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (2, 'www.z000002.example.', 'A', '192.0.2.1', true, now())",
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (3, '@', 'MX', 'mx9.example.', true, now())",
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (4, 'bad', 'AAAA', '2001:db8::g', true, now())",
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (5, 'x', 'TXT', E'a\\nb', true, now())",
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (6, 'out.other.example.', 'A', '192.0.2.1', true, now())",
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (7, 'v4', 'A', '192.0.2.300', true, now())",
            "INSERT INTO dns_record (zone_id, name, type, data, active, updated_at) VALUES (8, 'z000008.example.', 'NS', 'ns1.hosting.example.', true, now())",
            "UPDATE dns_record SET data = 'short' WHERE zone_id = 9 AND name LIKE 'default._domainkey%'",
            "UPDATE dns_zone SET serial = 2024133101 WHERE id = 10",
            "UPDATE site SET https_port = 443, ssl_cert_path = NULL WHERE id = 1",
            "UPDATE site SET aliases = 'www.s000002.example  two.example' WHERE id = 2",
            "UPDATE mail_alias SET destination = 'not an address' WHERE id = 1",
            "UPDATE client SET password_hash = '{PLAIN}secret' WHERE id = 1",
        ];
        foreach (var sql in broken)
        {
            await Servers.QueryAsync(engine, conn, sql);
        }

        var problems = await Validity.CheckAsync(engine, conn);
        string[] expected =
        [
            "dns_zone 1: CNAME at z000001.example.", "dns_zone 2: CNAME at www.z000002.example.", "MX priority NULL", "AAAA data '2001:db8::g'",
            "TXT data 'a\nb'", "name 'out.other.example.' in z000006.example.", "A data '192.0.2.300'", "dns_zone 8: two records mean z000008.example. NS",
            "dns_zone 9: no 400-byte DKIM", "dns_zone 10: serial 2024133101", "site 1: https_port", "site 2: aliases", "mail_alias 1: destination",
            "client 1: password_hash",
        ];
        foreach (var e in expected)
        {
            Assert.That(problems, Has.Some.Contains(e), e);
        }

        Assert.That(problems, Has.Count.EqualTo(expected.Length), string.Join("\n", problems));
    }
}
