using Bridge.Data.Engine;
using static Bridge.Data.Engine.ColumnType;

namespace Bridge.Data.Apply;

/// <summary>
/// The columns Bridge writes into each Blech table, with their types: the inserts' lists (the id is the database's), and the
/// updates' lists (the id first, then what an update may change; natural keys never change in an update).
/// </summary>
internal static class BlechColumns
{
    public static readonly BulkColumn[] ClientInsert = Of(("login", Text), ("name", Text), ("email", Text), ("password_hash", Text), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] ClientUpdate = Of(("id", Int), ("name", Text), ("email", Text), ("password_hash", Text), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] SiteInsert = Of(("client_id", Int), ("domain", Text), ("aliases", Text), ("ip_address", Text), ("http_port", Int), ("https_port", Int),
        ("document_root", Text), ("ssl_cert_path", Text), ("ssl_key_path", Text), ("php_version", Text), ("custom_directives", Text), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] SiteUpdate = Of(("id", Int), ("client_id", Int), ("aliases", Text), ("ip_address", Text), ("http_port", Int), ("https_port", Int),
        ("document_root", Text), ("ssl_cert_path", Text), ("ssl_key_path", Text), ("php_version", Text), ("custom_directives", Text), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] ZoneInsert = Of(("client_id", Int), ("origin", Text), ("primary_ns", Text), ("hostmaster", Text), ("serial", BigInt), ("refresh", Int),
        ("retry", Int), ("expire", Int), ("minimum", Int), ("default_ttl", Int), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] ZoneUpdate = Of(("id", Int), ("client_id", Int), ("primary_ns", Text), ("hostmaster", Text), ("serial", BigInt), ("refresh", Int),
        ("retry", Int), ("expire", Int), ("minimum", Int), ("default_ttl", Int), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] RecordInsert = Of(("zone_id", Int), ("name", Text), ("type", Text), ("ttl", Int), ("priority", Int), ("data", Text), ("active", Bool),
        ("updated_at", Timestamp));

    public static readonly BulkColumn[] RecordUpdate = Of(("id", Int), ("ttl", Int), ("priority", Int), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] MailDomainInsert = Of(("client_id", Int), ("domain", Text), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] MailDomainUpdate = Of(("id", Int), ("client_id", Int), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] MailboxInsert = Of(("mail_domain_id", Int), ("local_part", Text), ("password_hash", Text), ("quota_mb", Int), ("forward_to", Text),
        ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] MailboxUpdate = Of(("id", Int), ("password_hash", Text), ("quota_mb", Int), ("forward_to", Text), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] AliasInsert = Of(("mail_domain_id", Int), ("source", Text), ("destination", Text), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] AliasUpdate = Of(("id", Int), ("destination", Text), ("active", Bool), ("updated_at", Timestamp));

    public static readonly BulkColumn[] RegenQueueInsert = Of(("object_type", Text), ("object_id", Int), ("action", Text), ("queued_at", Timestamp));

    private static BulkColumn[] Of(params (string Name, ColumnType Type)[] columns) => columns.Select(c => new BulkColumn(c.Name, c.Type)).ToArray();
}
