namespace Bridge.DatasetGen;

/// The SQL types the Blech tables use, as far as loading them needs to know.
public enum ColumnType
{
    Int,
    BigInt,
    Varchar,
    Text,
    Bool,
    Timestamp,
}

public sealed record Column(string Name, ColumnType Type);

/// A Blech table to bulk-load: its columns in order, and its rows as values in that order.
public sealed record TableLoad(string Name, IReadOnlyList<Column> Columns, IEnumerable<object?[]> Rows, int ExpectedRows);

/// The content tables of a dataset in parent order, ready for a bulk loader.
public static class Tables
{
    /// Blech's tables, parents first (server and ip_address are written by the schema set-up, regen_queue stays empty).
    public static readonly IReadOnlyList<string> All =
        ["server", "ip_address", "client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias", "regen_queue"];

    public static IReadOnlyList<TableLoad> Of(Dataset d) =>
    [
        new("client", Cols(("id", ColumnType.Int), ("login", ColumnType.Varchar), ("name", ColumnType.Varchar), ("email", ColumnType.Varchar),
                ("password_hash", ColumnType.Varchar), ("active", ColumnType.Bool), ("updated_at", ColumnType.Timestamp)),
            d.Clients().Select(r => new object?[] { r.Id, r.Login, r.Name, r.Email, r.PasswordHash, r.Active, r.UpdatedAt }),
            d.Size.Clients),
        new("site", Cols(("id", ColumnType.Int), ("client_id", ColumnType.Int), ("domain", ColumnType.Varchar), ("aliases", ColumnType.Text),
                ("ip_address", ColumnType.Varchar), ("http_port", ColumnType.Int), ("https_port", ColumnType.Int),
                ("document_root", ColumnType.Varchar), ("ssl_cert_path", ColumnType.Varchar), ("ssl_key_path", ColumnType.Varchar),
                ("php_version", ColumnType.Varchar), ("custom_directives", ColumnType.Text), ("active", ColumnType.Bool),
                ("updated_at", ColumnType.Timestamp)),
            d.Sites().Select(r => new object?[]
            {
                r.Id, r.ClientId, r.Domain, r.Aliases, r.IpAddress, r.HttpPort, r.HttpsPort, r.DocumentRoot, r.SslCertPath, r.SslKeyPath,
                r.PhpVersion, r.CustomDirectives, r.Active, r.UpdatedAt,
            }),
            d.Size.Sites),
        new("dns_zone", Cols(("id", ColumnType.Int), ("client_id", ColumnType.Int), ("origin", ColumnType.Varchar), ("primary_ns", ColumnType.Varchar),
                ("hostmaster", ColumnType.Varchar), ("serial", ColumnType.BigInt), ("refresh", ColumnType.Int), ("retry", ColumnType.Int),
                ("expire", ColumnType.Int), ("minimum", ColumnType.Int), ("default_ttl", ColumnType.Int), ("active", ColumnType.Bool),
                ("updated_at", ColumnType.Timestamp)),
            d.Zones().Select(r => new object?[]
            {
                r.Id, r.ClientId, r.Origin, r.PrimaryNs, r.Hostmaster, r.Serial, r.Refresh, r.Retry, r.Expire, r.Minimum, r.DefaultTtl,
                r.Active, r.UpdatedAt,
            }),
            d.Size.Zones),
        new("dns_record", Cols(("id", ColumnType.Int), ("zone_id", ColumnType.Int), ("name", ColumnType.Varchar), ("type", ColumnType.Varchar),
                ("ttl", ColumnType.Int), ("priority", ColumnType.Int), ("data", ColumnType.Text), ("active", ColumnType.Bool),
                ("updated_at", ColumnType.Timestamp)),
            d.Records().Select(r => new object?[] { r.Id, r.ZoneId, r.Name, r.Type, r.Ttl, r.Priority, r.Data, r.Active, r.UpdatedAt }),
            d.Size.Records),
        new("mail_domain", Cols(("id", ColumnType.Int), ("client_id", ColumnType.Int), ("domain", ColumnType.Varchar), ("active", ColumnType.Bool),
                ("updated_at", ColumnType.Timestamp)),
            d.MailDomains().Select(r => new object?[] { r.Id, r.ClientId, r.Domain, r.Active, r.UpdatedAt }),
            d.Size.MailDomains),
        new("mailbox", Cols(("id", ColumnType.Int), ("mail_domain_id", ColumnType.Int), ("local_part", ColumnType.Varchar),
                ("password_hash", ColumnType.Varchar), ("quota_mb", ColumnType.Int), ("forward_to", ColumnType.Text), ("active", ColumnType.Bool),
                ("updated_at", ColumnType.Timestamp)),
            d.Mailboxes().Select(r => new object?[] { r.Id, r.MailDomainId, r.LocalPart, r.PasswordHash, r.QuotaMb, r.ForwardTo, r.Active, r.UpdatedAt }),
            d.Size.Mailboxes),
        new("mail_alias", Cols(("id", ColumnType.Int), ("mail_domain_id", ColumnType.Int), ("source", ColumnType.Varchar),
                ("destination", ColumnType.Text), ("active", ColumnType.Bool), ("updated_at", ColumnType.Timestamp)),
            d.Aliases().Select(r => new object?[] { r.Id, r.MailDomainId, r.Source, r.Destination, r.Active, r.UpdatedAt }),
            d.Size.Aliases),
    ];

    private static Column[] Cols(params (string Name, ColumnType Type)[] columns) => columns.Select(c => new Column(c.Name, c.Type)).ToArray();
}
