namespace Bridge.Emulator;

// Behaviour 1: edits through Blech's UI or API. Each sets updated_at, queues a regen_queue row and, for DNS, bumps the serial.
public sealed partial class BlechInstance
{
    // ---- clients: Blech generates nothing from a client, so client edits queue nothing ----

    public Task<int> AddClientAsync(ClientSpec c, CancellationToken ct = default) =>
        RunAsync(db => InsertClientAsync(db, c, Now()), ct);

    public Task UpdateClientAsync(string login, Func<ClientSpec, ClientSpec> change, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var row = await ClientAsync(db, login);
            await UpdateClientRowAsync(db, row.Id, change(row.ToSpec()), Now());
            return 0;
        }, ct);

    /// Deletes a client that owns nothing; like the common panels, Blech refuses while sites, zones or mail domains remain.
    public Task DeleteClientAsync(string login, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var row = await ClientAsync(db, login);
            var owned = await db.ScalarAsync<long>(
                "SELECT (SELECT COUNT(*) FROM site WHERE client_id = @id) + (SELECT COUNT(*) FROM dns_zone WHERE client_id = @id) " +
                "+ (SELECT COUNT(*) FROM mail_domain WHERE client_id = @id)",
                new { id = row.Id });
            if (owned > 0)
            {
                throw new InvalidOperationException($"Client {login} still owns {owned} site(s), zone(s) or mail domain(s).");
            }

            return await db.ExecuteAsync("DELETE FROM client WHERE id = @id", new { id = row.Id });
        }, ct);

    public Task<ClientSpec?> GetClientAsync(string login, CancellationToken ct = default) =>
        RunAsync(async db => (await FindClientAsync(db, login))?.ToSpec(), ct);

    // ---- sites ----

    public Task<int> AddSiteAsync(SiteSpec s, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var id = await InsertSiteAsync(db, s, (await ClientAsync(db, s.ClientLogin)).Id, s.IpAddress, now);
            await QueueAsync(db, "site", id, "write", now);
            return id;
        }, ct);

    /// Saves the changed site; a changed domain also queues a 'remove' so blechd drops the old vhost file.
    public Task UpdateSiteAsync(string domain, Func<SiteSpec, SiteSpec> change, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await SiteAsync(db, domain);
            var next = change(row.ToSpec());
            await UpdateSiteRowAsync(db, row.Id, next, (await ClientAsync(db, next.ClientLogin)).Id, next.IpAddress, now);
            if (!string.Equals(next.Domain, row.Domain, StringComparison.OrdinalIgnoreCase))
            {
                await QueueAsync(db, "site", row.Id, "remove", now);
            }

            await QueueAsync(db, "site", row.Id, "write", now);
            return 0;
        }, ct);

    public Task DeleteSiteAsync(string domain, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await SiteAsync(db, domain);
            await db.ExecuteAsync("DELETE FROM site WHERE id = @id", new { id = row.Id });
            await QueueAsync(db, "site", row.Id, "remove", now);
            return 0;
        }, ct);

    public Task<SiteSpec?> GetSiteAsync(string domain, CancellationToken ct = default) =>
        RunAsync(async db => (await FindSiteAsync(db, domain))?.ToSpec(), ct);

    /// Every site, sorted by domain.
    public Task<IReadOnlyList<SiteSpec>> GetSitesAsync(CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<SiteSpec>>(async db =>
            (await db.QueryAsync<SiteRow>(SiteRow.Select)).Select(r => r.ToSpec())
                .OrderBy(s => s.Domain.ToLowerInvariant(), StringComparer.Ordinal).ToList(), ct);

    // ---- zones and records: every change bumps the zone's serial ----

    public Task<int> AddZoneAsync(ZoneSpec z, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var clientId = (await ClientAsync(db, z.ClientLogin)).Id;
            var id = await db.ScalarAsync<int>(_dialect.ReturningId(
                "INSERT INTO dns_zone (client_id, origin, primary_ns, hostmaster, serial, refresh, retry, expire, minimum, " +
                "default_ttl, active, updated_at) VALUES (@clientId, @Origin, @PrimaryNs, @Hostmaster, @serial, @Refresh, " +
                "@Retry, @Expire, @Minimum, @DefaultTtl, @Active, @now)"),
                new
                {
                    clientId, z.Origin, z.PrimaryNs, z.Hostmaster, serial = z.Serial ?? BlechSerial.Initial(now),
                    z.Refresh, z.Retry, z.Expire, z.Minimum, z.DefaultTtl, z.Active, now,
                });
            await QueueAsync(db, "zone", id, "write", now);
            return id;
        }, ct);

    /// Saves the changed zone and bumps the serial from the changed spec's serial (the one an admin may have typed).
    public Task UpdateZoneAsync(string origin, Func<ZoneSpec, ZoneSpec> change, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await ZoneAsync(db, origin);
            var next = change(row.ToSpec());
            var clientId = (await ClientAsync(db, next.ClientLogin)).Id;
            await db.ExecuteAsync(
                "UPDATE dns_zone SET client_id = @clientId, origin = @Origin, primary_ns = @PrimaryNs, hostmaster = @Hostmaster, " +
                "serial = @serial, refresh = @Refresh, retry = @Retry, expire = @Expire, minimum = @Minimum, " +
                "default_ttl = @DefaultTtl, active = @Active, updated_at = @now WHERE id = @id",
                new
                {
                    clientId, next.Origin, next.PrimaryNs, next.Hostmaster, serial = BlechSerial.Next(next.Serial ?? row.Serial, now),
                    next.Refresh, next.Retry, next.Expire, next.Minimum, next.DefaultTtl, next.Active, now, id = row.Id,
                });
            if (!string.Equals(next.Origin, row.Origin, StringComparison.OrdinalIgnoreCase))
            {
                await QueueAsync(db, "zone", row.Id, "remove", now);
            }

            await QueueAsync(db, "zone", row.Id, "write", now);
            return 0;
        }, ct);

    /// Deletes the zone and, by the schema's cascade, its records.
    public Task DeleteZoneAsync(string origin, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await ZoneAsync(db, origin);
            await db.ExecuteAsync("DELETE FROM dns_zone WHERE id = @id", new { id = row.Id });
            await QueueAsync(db, "zone", row.Id, "remove", now);
            return 0;
        }, ct);

    public Task<ZoneSpec?> GetZoneAsync(string origin, CancellationToken ct = default) =>
        RunAsync(async db => (await FindZoneAsync(db, origin))?.ToSpec(), ct);

    public Task<int> AddRecordAsync(RecordSpec r, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var zone = await ZoneAsync(db, r.ZoneOrigin);
            var id = await db.ScalarAsync<int>(_dialect.ReturningId(
                "INSERT INTO dns_record (zone_id, name, type, ttl, priority, data, active, updated_at) " +
                "VALUES (@zoneId, @Name, @Type, @Ttl, @Priority, @Data, @Active, @now)"),
                new { zoneId = zone.Id, r.Name, r.Type, r.Ttl, r.Priority, r.Data, r.Active, now });
            await TouchZoneAsync(db, zone.Id, now);
            return id;
        }, ct);

    /// Changes the first record equal to <paramref name="match"/> in origin, name, type and data (exact text).
    public Task UpdateRecordAsync(RecordSpec match, Func<RecordSpec, RecordSpec> change, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await RecordAsync(db, match);
            var next = change(row.ToSpec());
            var zoneId = string.Equals(next.ZoneOrigin, row.ZoneOrigin, StringComparison.OrdinalIgnoreCase)
                ? row.ZoneId
                : (await ZoneAsync(db, next.ZoneOrigin)).Id;
            await db.ExecuteAsync(
                "UPDATE dns_record SET zone_id = @zoneId, name = @Name, type = @Type, ttl = @Ttl, priority = @Priority, " +
                "data = @Data, active = @Active, updated_at = @now WHERE id = @id",
                new { zoneId, next.Name, next.Type, next.Ttl, next.Priority, next.Data, next.Active, now, id = row.Id });
            await TouchZoneAsync(db, row.ZoneId, now);
            if (zoneId != row.ZoneId)
            {
                await TouchZoneAsync(db, zoneId, now);
            }

            return 0;
        }, ct);

    public Task DeleteRecordAsync(RecordSpec match, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await RecordAsync(db, match);
            await db.ExecuteAsync("DELETE FROM dns_record WHERE id = @id", new { id = row.Id });
            await TouchZoneAsync(db, row.ZoneId, now);
            return 0;
        }, ct);

    /// Every record of the zone, active or not, in id order.
    public Task<IReadOnlyList<RecordSpec>> GetRecordsAsync(string origin, CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<RecordSpec>>(async db =>
        {
            var zone = await ZoneAsync(db, origin);
            return (await db.QueryAsync<RecordRow>(RecordRow.Select + " WHERE r.zone_id = @id ORDER BY r.id", new { id = zone.Id }))
                .Select(r => r.ToSpec()).ToList();
        }, ct);

    // ---- mail: everything queues 'mail' with the mail domain's id ----

    public Task<int> AddMailDomainAsync(MailDomainSpec d, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var id = await InsertMailDomainAsync(db, d, (await ClientAsync(db, d.ClientLogin)).Id, now);
            await QueueAsync(db, "mail", id, "write", now);
            return id;
        }, ct);

    public Task UpdateMailDomainAsync(string domain, Func<MailDomainSpec, MailDomainSpec> change, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await MailDomainAsync(db, domain);
            var next = change(row.ToSpec());
            await UpdateMailDomainRowAsync(db, row.Id, next, (await ClientAsync(db, next.ClientLogin)).Id, now);
            await QueueAsync(db, "mail", row.Id, "write", now);
            return 0;
        }, ct);

    /// Deletes the mail domain and, by the schema's cascade, its mailboxes and aliases.
    public Task DeleteMailDomainAsync(string domain, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await MailDomainAsync(db, domain);
            await db.ExecuteAsync("DELETE FROM mail_domain WHERE id = @id", new { id = row.Id });
            await QueueAsync(db, "mail", row.Id, "remove", now);
            return 0;
        }, ct);

    public Task<MailDomainSpec?> GetMailDomainAsync(string domain, CancellationToken ct = default) =>
        RunAsync(async db => (await FindMailDomainAsync(db, domain))?.ToSpec(), ct);

    public Task<int> AddMailboxAsync(MailboxSpec m, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var domainId = (await MailDomainAsync(db, m.Domain)).Id;
            var id = await InsertMailboxAsync(db, m, domainId, now);
            await QueueAsync(db, "mail", domainId, "write", now);
            return id;
        }, ct);

    public Task UpdateMailboxAsync(string domain, string localPart, Func<MailboxSpec, MailboxSpec> change, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await MailboxAsync(db, domain, localPart);
            var next = change(row.ToSpec());
            var domainId = (await MailDomainAsync(db, next.Domain)).Id;
            await UpdateMailboxRowAsync(db, row.Id, next, domainId, now);
            await QueueAsync(db, "mail", row.MailDomainId, "write", now);
            if (domainId != row.MailDomainId)
            {
                await QueueAsync(db, "mail", domainId, "write", now);
            }

            return 0;
        }, ct);

    public Task DeleteMailboxAsync(string domain, string localPart, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await MailboxAsync(db, domain, localPart);
            await db.ExecuteAsync("DELETE FROM mailbox WHERE id = @id", new { id = row.Id });
            await QueueAsync(db, "mail", row.MailDomainId, "write", now);
            return 0;
        }, ct);

    public Task<MailboxSpec?> GetMailboxAsync(string domain, string localPart, CancellationToken ct = default) =>
        RunAsync(async db => (await FindMailboxAsync(db, domain, localPart))?.ToSpec(), ct);

    public Task<int> AddAliasAsync(AliasSpec a, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var domainId = (await MailDomainAsync(db, a.Domain)).Id;
            var id = await InsertAliasAsync(db, a, domainId, now);
            await QueueAsync(db, "mail", domainId, "write", now);
            return id;
        }, ct);

    public Task UpdateAliasAsync(string domain, string source, Func<AliasSpec, AliasSpec> change, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await AliasAsync(db, domain, source);
            var next = change(row.ToSpec());
            var domainId = (await MailDomainAsync(db, next.Domain)).Id;
            await UpdateAliasRowAsync(db, row.Id, next, domainId, now);
            await QueueAsync(db, "mail", row.MailDomainId, "write", now);
            if (domainId != row.MailDomainId)
            {
                await QueueAsync(db, "mail", domainId, "write", now);
            }

            return 0;
        }, ct);

    public Task DeleteAliasAsync(string domain, string source, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var now = Now();
            var row = await AliasAsync(db, domain, source);
            await db.ExecuteAsync("DELETE FROM mail_alias WHERE id = @id", new { id = row.Id });
            await QueueAsync(db, "mail", row.MailDomainId, "write", now);
            return 0;
        }, ct);

    public Task<AliasSpec?> GetAliasAsync(string domain, string source, CancellationToken ct = default) =>
        RunAsync(async db => (await FindAliasAsync(db, domain, source))?.ToSpec(), ct);

    // ---- shared row writers, also used by the standby push ----

    private async Task<int> InsertClientAsync(Db db, ClientSpec c, DateTime now) =>
        await db.ScalarAsync<int>(_dialect.ReturningId(
            "INSERT INTO client (login, name, email, password_hash, active, updated_at) " +
            "VALUES (@Login, @Name, @Email, @PasswordHash, @Active, @now)"),
            new { c.Login, c.Name, c.Email, c.PasswordHash, c.Active, now });

    private static Task UpdateClientRowAsync(Db db, int id, ClientSpec c, DateTime now) =>
        db.ExecuteAsync(
            "UPDATE client SET login = @Login, name = @Name, email = @Email, password_hash = @PasswordHash, " +
            "active = @Active, updated_at = @now WHERE id = @id",
            new { c.Login, c.Name, c.Email, c.PasswordHash, c.Active, now, id });

    private async Task<int> InsertSiteAsync(Db db, SiteSpec s, int clientId, string ip, DateTime now) =>
        await db.ScalarAsync<int>(_dialect.ReturningId(
            "INSERT INTO site (client_id, domain, aliases, ip_address, http_port, https_port, document_root, ssl_cert_path, " +
            "ssl_key_path, php_version, custom_directives, active, updated_at) VALUES (@clientId, @Domain, @Aliases, @ip, " +
            "@HttpPort, @HttpsPort, @documentRoot, @SslCertPath, @SslKeyPath, @PhpVersion, @CustomDirectives, @Active, @now)"),
            new
            {
                clientId, s.Domain, s.Aliases, ip, s.HttpPort, s.HttpsPort, documentRoot = DocumentRootOf(s),
                s.SslCertPath, s.SslKeyPath, s.PhpVersion, s.CustomDirectives, s.Active, now,
            });

    private static Task UpdateSiteRowAsync(Db db, int id, SiteSpec s, int clientId, string ip, DateTime now) =>
        db.ExecuteAsync(
            "UPDATE site SET client_id = @clientId, domain = @Domain, aliases = @Aliases, ip_address = @ip, http_port = @HttpPort, " +
            "https_port = @HttpsPort, document_root = @documentRoot, ssl_cert_path = @SslCertPath, ssl_key_path = @SslKeyPath, " +
            "php_version = @PhpVersion, custom_directives = @CustomDirectives, active = @Active, updated_at = @now WHERE id = @id",
            new
            {
                clientId, s.Domain, s.Aliases, ip, s.HttpPort, s.HttpsPort, documentRoot = DocumentRootOf(s),
                s.SslCertPath, s.SslKeyPath, s.PhpVersion, s.CustomDirectives, s.Active, now, id,
            });

    private static string DocumentRootOf(SiteSpec s) =>
        s.DocumentRoot.Length > 0 ? s.DocumentRoot : $"/var/www/{s.Domain}/web";

    private async Task<int> InsertMailDomainAsync(Db db, MailDomainSpec d, int clientId, DateTime now) =>
        await db.ScalarAsync<int>(_dialect.ReturningId(
            "INSERT INTO mail_domain (client_id, domain, active, updated_at) VALUES (@clientId, @Domain, @Active, @now)"),
            new { clientId, d.Domain, d.Active, now });

    private static Task UpdateMailDomainRowAsync(Db db, int id, MailDomainSpec d, int clientId, DateTime now) =>
        db.ExecuteAsync(
            "UPDATE mail_domain SET client_id = @clientId, domain = @Domain, active = @Active, updated_at = @now WHERE id = @id",
            new { clientId, d.Domain, d.Active, now, id });

    private async Task<int> InsertMailboxAsync(Db db, MailboxSpec m, int domainId, DateTime now) =>
        await db.ScalarAsync<int>(_dialect.ReturningId(
            "INSERT INTO mailbox (mail_domain_id, local_part, password_hash, quota_mb, forward_to, active, updated_at) " +
            "VALUES (@domainId, @LocalPart, @PasswordHash, @QuotaMb, @ForwardTo, @Active, @now)"),
            new { domainId, m.LocalPart, m.PasswordHash, m.QuotaMb, m.ForwardTo, m.Active, now });

    private static Task UpdateMailboxRowAsync(Db db, int id, MailboxSpec m, int domainId, DateTime now) =>
        db.ExecuteAsync(
            "UPDATE mailbox SET mail_domain_id = @domainId, local_part = @LocalPart, password_hash = @PasswordHash, " +
            "quota_mb = @QuotaMb, forward_to = @ForwardTo, active = @Active, updated_at = @now WHERE id = @id",
            new { domainId, m.LocalPart, m.PasswordHash, m.QuotaMb, m.ForwardTo, m.Active, now, id });

    private async Task<int> InsertAliasAsync(Db db, AliasSpec a, int domainId, DateTime now) =>
        await db.ScalarAsync<int>(_dialect.ReturningId(
            "INSERT INTO mail_alias (mail_domain_id, source, destination, active, updated_at) " +
            "VALUES (@domainId, @Source, @Destination, @Active, @now)"),
            new { domainId, a.Source, a.Destination, a.Active, now });

    private static Task UpdateAliasRowAsync(Db db, int id, AliasSpec a, int domainId, DateTime now) =>
        db.ExecuteAsync(
            "UPDATE mail_alias SET mail_domain_id = @domainId, source = @Source, destination = @Destination, " +
            "active = @Active, updated_at = @now WHERE id = @id",
            new { domainId, a.Source, a.Destination, a.Active, now, id });

    /// A zone or one of its records changed: bump the serial, touch updated_at, queue the zone.
    private static async Task TouchZoneAsync(Db db, int zoneId, DateTime now)
    {
        var serial = await db.ScalarAsync<long>("SELECT serial FROM dns_zone WHERE id = @zoneId", new { zoneId });
        await db.ExecuteAsync(
            "UPDATE dns_zone SET serial = @serial, updated_at = @now WHERE id = @zoneId",
            new { serial = BlechSerial.Next(serial, now), now, zoneId });
        await QueueAsync(db, "zone", zoneId, "write", now);
    }

    // ---- lookups by natural key; lower() on both engines so they match alike whatever the collation ----

    private static Task<ClientRow?> FindClientAsync(Db db, string login) =>
        db.FirstOrDefaultAsync<ClientRow>(ClientRow.Select + " WHERE lower(login) = lower(@login) ORDER BY id", new { login });

    private static async Task<ClientRow> ClientAsync(Db db, string login) =>
        await FindClientAsync(db, login) ?? throw new InvalidOperationException($"No client with login '{login}'.");

    private static Task<SiteRow?> FindSiteAsync(Db db, string domain) =>
        db.FirstOrDefaultAsync<SiteRow>(SiteRow.Select + " WHERE lower(s.domain) = lower(@domain) ORDER BY s.id", new { domain });

    private static async Task<SiteRow> SiteAsync(Db db, string domain) =>
        await FindSiteAsync(db, domain) ?? throw new InvalidOperationException($"No site '{domain}'.");

    private static Task<ZoneRow?> FindZoneAsync(Db db, string origin) =>
        db.FirstOrDefaultAsync<ZoneRow>(ZoneRow.Select + " WHERE lower(z.origin) = lower(@origin) ORDER BY z.id", new { origin });

    private static async Task<ZoneRow> ZoneAsync(Db db, string origin) =>
        await FindZoneAsync(db, origin) ?? throw new InvalidOperationException($"No zone '{origin}'.");

    // Compared in C#: MariaDB's collation would make '=' on data ignore case, and the match must be exact text.
    private static async Task<RecordRow> RecordAsync(Db db, RecordSpec match)
    {
        var zone = await ZoneAsync(db, match.ZoneOrigin);
        var rows = await db.QueryAsync<RecordRow>(RecordRow.Select + " WHERE r.zone_id = @id ORDER BY r.id", new { id = zone.Id });
        return rows.FirstOrDefault(r =>
                   string.Equals(r.Name, match.Name, StringComparison.Ordinal)
                   && string.Equals(r.Type, match.Type, StringComparison.Ordinal)
                   && string.Equals(r.Data, match.Data, StringComparison.Ordinal))
               ?? throw new InvalidOperationException(
                   $"No record {match.Name} {match.Type} {match.Data} in zone '{match.ZoneOrigin}'.");
    }

    private static Task<MailDomainRow?> FindMailDomainAsync(Db db, string domain) =>
        db.FirstOrDefaultAsync<MailDomainRow>(MailDomainRow.Select + " WHERE lower(d.domain) = lower(@domain) ORDER BY d.id", new { domain });

    private static async Task<MailDomainRow> MailDomainAsync(Db db, string domain) =>
        await FindMailDomainAsync(db, domain) ?? throw new InvalidOperationException($"No mail domain '{domain}'.");

    private static Task<MailboxRow?> FindMailboxAsync(Db db, string domain, string localPart) =>
        db.FirstOrDefaultAsync<MailboxRow>(
            MailboxRow.Select + " WHERE lower(d.domain) = lower(@domain) AND lower(m.local_part) = lower(@localPart) ORDER BY m.id",
            new { domain, localPart });

    private static async Task<MailboxRow> MailboxAsync(Db db, string domain, string localPart) =>
        await FindMailboxAsync(db, domain, localPart) ?? throw new InvalidOperationException($"No mailbox {localPart}@{domain}.");

    private static Task<AliasRow?> FindAliasAsync(Db db, string domain, string source) =>
        db.FirstOrDefaultAsync<AliasRow>(
            AliasRow.Select + " WHERE lower(d.domain) = lower(@domain) AND lower(a.source) = lower(@source) ORDER BY a.id",
            new { domain, source });

    private static async Task<AliasRow> AliasAsync(Db db, string domain, string source) =>
        await FindAliasAsync(db, domain, source) ?? throw new InvalidOperationException($"No alias {source}@{domain}.");
}
