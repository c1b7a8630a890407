namespace Bridge.Emulator;

// Mutable shapes for Dapper to fill from the aliased SELECTs below (Dapper does not map snake_case by itself);
// they never leave the emulator.

internal sealed class ClientRow
{
    public const string Select =
        "SELECT id AS Id, login AS Login, name AS Name, email AS Email, password_hash AS PasswordHash, active AS Active FROM client";

    public int Id { get; set; }
    public string Login { get; set; } = "";
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public bool Active { get; set; }

    public ClientSpec ToSpec() => new(Login, Name, Email, PasswordHash, Active);
}

internal sealed class SiteRow
{
    public const string Select =
        "SELECT s.id AS Id, c.login AS ClientLogin, s.domain AS Domain, s.aliases AS Aliases, s.ip_address AS IpAddress, " +
        "s.http_port AS HttpPort, s.https_port AS HttpsPort, s.document_root AS DocumentRoot, s.ssl_cert_path AS SslCertPath, " +
        "s.ssl_key_path AS SslKeyPath, s.php_version AS PhpVersion, s.custom_directives AS CustomDirectives, s.active AS Active " +
        "FROM site s JOIN client c ON c.id = s.client_id";

    public int Id { get; set; }
    public string ClientLogin { get; set; } = "";
    public string Domain { get; set; } = "";
    public string Aliases { get; set; } = "";
    public string IpAddress { get; set; } = "";
    public int HttpPort { get; set; }
    public int? HttpsPort { get; set; }
    public string DocumentRoot { get; set; } = "";
    public string? SslCertPath { get; set; }
    public string? SslKeyPath { get; set; }
    public string? PhpVersion { get; set; }
    public string? CustomDirectives { get; set; }
    public bool Active { get; set; }

    public SiteSpec ToSpec() => new(
        ClientLogin, Domain, IpAddress, DocumentRoot, Aliases, HttpPort, HttpsPort,
        SslCertPath, SslKeyPath, PhpVersion, CustomDirectives, Active);
}

internal sealed class ZoneRow
{
    public const string Select =
        "SELECT z.id AS Id, c.login AS ClientLogin, z.origin AS Origin, z.primary_ns AS PrimaryNs, z.hostmaster AS Hostmaster, " +
        "z.serial AS Serial, z.refresh AS Refresh, z.retry AS Retry, z.expire AS Expire, z.minimum AS Minimum, " +
        "z.default_ttl AS DefaultTtl, z.active AS Active FROM dns_zone z JOIN client c ON c.id = z.client_id";

    public int Id { get; set; }
    public string ClientLogin { get; set; } = "";
    public string Origin { get; set; } = "";
    public string PrimaryNs { get; set; } = "";
    public string Hostmaster { get; set; } = "";
    public long Serial { get; set; }
    public int Refresh { get; set; }
    public int Retry { get; set; }
    public int Expire { get; set; }
    public int Minimum { get; set; }
    public int DefaultTtl { get; set; }
    public bool Active { get; set; }

    public ZoneSpec ToSpec() => new(
        ClientLogin, Origin, PrimaryNs, Hostmaster, Serial, Refresh, Retry, Expire, Minimum, DefaultTtl, Active);
}

internal sealed class RecordRow
{
    public const string Select =
        "SELECT r.id AS Id, r.zone_id AS ZoneId, z.origin AS ZoneOrigin, r.name AS Name, r.type AS Type, r.ttl AS Ttl, " +
        "r.priority AS Priority, r.data AS Data, r.active AS Active FROM dns_record r JOIN dns_zone z ON z.id = r.zone_id";

    public int Id { get; set; }
    public int ZoneId { get; set; }
    public string ZoneOrigin { get; set; } = "";
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public int? Ttl { get; set; }
    public int? Priority { get; set; }
    public string Data { get; set; } = "";
    public bool Active { get; set; }

    public RecordSpec ToSpec() => new(ZoneOrigin, Name, Type, Data, Ttl, Priority, Active);
}

internal sealed class MailDomainRow
{
    public const string Select =
        "SELECT d.id AS Id, c.login AS ClientLogin, d.domain AS Domain, d.active AS Active " +
        "FROM mail_domain d JOIN client c ON c.id = d.client_id";

    public int Id { get; set; }
    public string ClientLogin { get; set; } = "";
    public string Domain { get; set; } = "";
    public bool Active { get; set; }

    public MailDomainSpec ToSpec() => new(ClientLogin, Domain, Active);
}

internal sealed class MailboxRow
{
    public const string Select =
        "SELECT m.id AS Id, m.mail_domain_id AS MailDomainId, d.domain AS Domain, m.local_part AS LocalPart, " +
        "m.password_hash AS PasswordHash, m.quota_mb AS QuotaMb, m.forward_to AS ForwardTo, m.active AS Active, " +
        "d.active AS DomainActive FROM mailbox m JOIN mail_domain d ON d.id = m.mail_domain_id";

    public int Id { get; set; }
    public int MailDomainId { get; set; }
    public string Domain { get; set; } = "";
    public string LocalPart { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public int QuotaMb { get; set; }
    public string? ForwardTo { get; set; }
    public bool Active { get; set; }
    public bool DomainActive { get; set; }

    public MailboxSpec ToSpec() => new(Domain, LocalPart, PasswordHash, QuotaMb, ForwardTo, Active);
}

internal sealed class AliasRow
{
    public const string Select =
        "SELECT a.id AS Id, a.mail_domain_id AS MailDomainId, d.domain AS Domain, a.source AS Source, " +
        "a.destination AS Destination, a.active AS Active, d.active AS DomainActive " +
        "FROM mail_alias a JOIN mail_domain d ON d.id = a.mail_domain_id";

    public int Id { get; set; }
    public int MailDomainId { get; set; }
    public string Domain { get; set; } = "";
    public string Source { get; set; } = "";
    public string Destination { get; set; } = "";
    public bool Active { get; set; }
    public bool DomainActive { get; set; }

    public AliasSpec ToSpec() => new(Domain, Source, Destination, Active);
}

internal sealed class QueueRowData
{
    public const string Select =
        "SELECT id AS Id, object_type AS ObjectType, object_id AS ObjectId, action AS Action, " +
        "queued_at AS QueuedAt, done_at AS DoneAt FROM regen_queue";

    public long Id { get; set; }
    public string ObjectType { get; set; } = "";
    public int? ObjectId { get; set; }
    public string Action { get; set; } = "";
    public DateTime QueuedAt { get; set; }
    public DateTime? DoneAt { get; set; }

    // MariaDB's DATETIME comes back without a Kind; Blech stores UTC there, so say so.
    public QueueRow ToRow() => new(
        Id, ObjectType, ObjectId, Action,
        DateTime.SpecifyKind(QueuedAt, DateTimeKind.Utc),
        DoneAt is { } done ? DateTime.SpecifyKind(done, DateTimeKind.Utc) : null);
}
