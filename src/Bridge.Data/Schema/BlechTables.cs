using Bridge.Core.Model;

namespace Bridge.Data.Schema;

/// <summary>
/// One of Blech's tables as Bridge knows it: its columns (BLECH.md's schema), the kind of object its rows are (if Bridge syncs
/// them) and the column naming the parent row.
/// </summary>
/// <see cref="KeyColumn"/> is the column that names a parent row to its children (their natural keys are read through it).
public sealed record BlechTable(string Name, IReadOnlyList<string> Columns, ObjectKind? Kind = null, string? ParentColumn = null, string? KeyColumn = null);

/// <summary>The Blech tables Bridge reads, checks, hashes or writes.</summary>
public static class BlechTables
{
    public static readonly BlechTable Server = new("server", ["id", "hostname", "main_ip"]);

    public static readonly BlechTable IpAddress = new("ip_address", ["id", "address", "kind", "note"]);

    public static readonly BlechTable RegenQueue = new("regen_queue", ["id", "object_type", "object_id", "action", "queued_at", "done_at"]);

    /// <summary>The tables of the objects Bridge syncs, parents first (ObjectKind's order).</summary>
    public static readonly IReadOnlyList<BlechTable> Synced =
    [
        new("client", ["id", "login", "name", "email", "password_hash", "active", "updated_at"], ObjectKind.Client, KeyColumn: "login"),
        new("site", ["id", "client_id", "domain", "aliases", "ip_address", "http_port", "https_port", "document_root", "ssl_cert_path", "ssl_key_path", "php_version", "custom_directives", "active", "updated_at"], ObjectKind.Site, "client_id"),
        new("dns_zone", ["id", "client_id", "origin", "primary_ns", "hostmaster", "serial", "refresh", "retry", "expire", "minimum", "default_ttl", "active", "updated_at"], ObjectKind.Zone, "client_id", "origin"),
        new("dns_record", ["id", "zone_id", "name", "type", "ttl", "priority", "data", "active", "updated_at"], ObjectKind.Record, "zone_id"),
        new("mail_domain", ["id", "client_id", "domain", "active", "updated_at"], ObjectKind.MailDomain, "client_id", "domain"),
        new("mailbox", ["id", "mail_domain_id", "local_part", "password_hash", "quota_mb", "forward_to", "active", "updated_at"], ObjectKind.Mailbox, "mail_domain_id"),
        new("mail_alias", ["id", "mail_domain_id", "source", "destination", "active", "updated_at"], ObjectKind.Alias, "mail_domain_id"),
    ];

    /// <summary>Every table Bridge relies on, for the schema check.</summary>
    public static readonly IReadOnlyList<BlechTable> All = [Server, IpAddress, .. Synced, RegenQueue];

    public static BlechTable Of(ObjectKind kind) => Synced[(int)kind];
}
