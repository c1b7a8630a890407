using System.Data.Common;

namespace Bridge.DatasetGen;

// What the change command reads before it picks rows: the columns its edits look at, every row of every table.

internal sealed record ClientState(int Id, string Login, bool Active);

internal sealed record SiteState(int Id, int ClientId, string Domain, string Aliases, string IpAddress, int? HttpsPort, string DocumentRoot,
    string? PhpVersion, bool HasDirectives, bool Active);

internal sealed record ZoneState(int Id, int ClientId, string Origin, string PrimaryNs, long Serial, int Refresh, int Minimum, int DefaultTtl);

internal sealed record RecordState(int Id, int ZoneId, string Name, string Type, int? Ttl, int? Priority, string Data);

internal sealed record MailDomainState(int Id, int ClientId, string Domain, bool Active);

internal sealed record MailboxState(int Id, int MailDomainId, string LocalPart, int QuotaMb, bool HasForward, bool Active);

internal sealed record AliasState(int Id, int MailDomainId, string Source, string Destination);

internal sealed record BlechState(
    IReadOnlyList<ClientState> Clients,
    IReadOnlyList<SiteState> Sites,
    IReadOnlyList<ZoneState> Zones,
    IReadOnlyList<RecordState> Records,
    IReadOnlyList<MailDomainState> MailDomains,
    IReadOnlyList<MailboxState> Mailboxes,
    IReadOnlyList<AliasState> Aliases,
    string MainIp)
{
    public int TotalRows => Clients.Count + Sites.Count + Zones.Count + Records.Count + MailDomains.Count + Mailboxes.Count + Aliases.Count;

    public static async Task<BlechState> LoadAsync(DbConnection c, DbTransaction t, CancellationToken ct) => new(
        await ReadAsync(c, t, "SELECT id, login, active FROM client ORDER BY id", r => new ClientState(r.GetInt32(0), r.GetString(1), r.GetBoolean(2)), ct),
        await ReadAsync(c, t,
            "SELECT id, client_id, domain, aliases, ip_address, https_port, document_root, php_version, custom_directives IS NOT NULL, active " +
            "FROM site ORDER BY id",
            r => new SiteState(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), IntOrNull(r, 5), r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7), Bool(r, 8), r.GetBoolean(9)),
            ct),
        await ReadAsync(c, t, "SELECT id, client_id, origin, primary_ns, serial, refresh, minimum, default_ttl FROM dns_zone ORDER BY id",
            r => new ZoneState(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7)),
            ct),
        await ReadAsync(c, t, "SELECT id, zone_id, name, type, ttl, priority, data FROM dns_record ORDER BY id",
            r => new RecordState(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetString(3), IntOrNull(r, 4), IntOrNull(r, 5), r.GetString(6)),
            ct),
        await ReadAsync(c, t, "SELECT id, client_id, domain, active FROM mail_domain ORDER BY id",
            r => new MailDomainState(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetBoolean(3)), ct),
        await ReadAsync(c, t, "SELECT id, mail_domain_id, local_part, quota_mb, forward_to IS NOT NULL, active FROM mailbox ORDER BY id",
            r => new MailboxState(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetInt32(3), Bool(r, 4), r.GetBoolean(5)), ct),
        await ReadAsync(c, t, "SELECT id, mail_domain_id, source, destination FROM mail_alias ORDER BY id",
            r => new AliasState(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetString(3)), ct),
        (await ReadAsync(c, t, "SELECT main_ip FROM server ORDER BY id", r => r.GetString(0), ct)).FirstOrDefault() ?? Defaults.ServiceAddress);

    private static int? IntOrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    // An IS NOT NULL expression is boolean on PostgreSQL and an integer on MariaDB.
    private static bool Bool(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i) is bool b ? (b ? 1 : 0) : r.GetValue(i)) != 0;

    private static async Task<List<T>> ReadAsync<T>(DbConnection c, DbTransaction t, string sql, Func<DbDataReader, T> map, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = sql;
        command.CommandTimeout = 600;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
