using Bridge.Core.Model;
using Bridge.Data.Engine;
using static Bridge.Data.Engine.ColumnType;

namespace Bridge.Data.Schema;

/// <summary>
/// One of Blech's tables as Bridge knows it (BLECH.md's schema): its columns with their types, the kind of object its rows are
/// (if Bridge syncs them), the column naming the parent row, the columns of its natural key (never changed by an update),
/// the table <paramref name="Parent"/> that column points to, and, for a parent, the column its children's keys are read
/// through. Checking, hashing, listing, reading and writing are all driven by it.
/// </summary>
public sealed record BlechTable(string Name, IReadOnlyList<BulkColumn> Fields, ObjectKind? Kind = null, string? ParentColumn = null,
    IReadOnlyList<string>? NaturalKey = null, string? KeyColumn = null, string? Parent = null)
{
    public IReadOnlyList<string> Columns { get; } = Fields.Select(f => f.Name).ToList();

    /// <summary>
    /// The reader's SELECT (no WHERE clause; the table is <c>t</c>): every column in the description's order, the parent's id
    /// replaced by the parent's key column, joined in (<c>site.client_id</c> is read as <c>client.login</c>), then the
    /// <paramref name="extra"/> expressions.
    /// </summary>
    public string Select(params string[] extra)
    {
        var parent = Parent is null ? null : BlechTables.Named(Parent);
        var columns = Columns.Select(c => c == ParentColumn && parent is not null ? $"p.{parent.KeyColumn}" : $"t.{c}").Concat(extra);
        var from = parent is null ? $"{Name} t" : $"{Name} t JOIN {parent.Name} p ON p.id = t.{ParentColumn}";
        return $"SELECT {string.Join(", ", columns)} FROM {from}";
    }

    /// <summary>What an insert writes: every column but the id (the database's) and columns Blech fills later.</summary>
    public BulkColumn[] Insert(params string[] except) => Fields.Where(f => f.Name != "id" && !except.Contains(f.Name)).ToArray();

    /// <summary>What an update writes: the id first, then every column outside the natural key.</summary>
    public BulkColumn[] Update() => [.. Fields.Where(f => f.Name == "id"), .. Fields.Where(f => f.Name != "id" && !(NaturalKey ?? []).Contains(f.Name))];
}

/// <summary>The Blech tables Bridge reads, checks, hashes or writes.</summary>
public static class BlechTables
{
    public static readonly BlechTable Server = new("server", Of(("id", Int), ("hostname", Text), ("main_ip", Text)));

    public static readonly BlechTable IpAddress = new("ip_address", Of(("id", Int), ("address", Text), ("kind", Text), ("note", Text)));

    public static readonly BlechTable RegenQueue = new("regen_queue",
        Of(("id", Int), ("object_type", Text), ("object_id", Int), ("action", Text), ("queued_at", Timestamp), ("done_at", Timestamp)));

    /// <summary>The tables of the objects Bridge syncs, parents first (ObjectKind's order).</summary>
    public static readonly IReadOnlyList<BlechTable> Synced =
    [
        new("client", Of(("id", Int), ("login", Text), ("name", Text), ("email", Text), ("password_hash", Text), ("active", Bool), ("updated_at", Timestamp)),
            ObjectKind.Client, NaturalKey: ["login"], KeyColumn: "login"),
        new("site", Of(("id", Int), ("client_id", Int), ("domain", Text), ("aliases", Text), ("ip_address", Text), ("http_port", Int), ("https_port", Int),
                ("document_root", Text), ("ssl_cert_path", Text), ("ssl_key_path", Text), ("php_version", Text), ("custom_directives", Text), ("active", Bool), ("updated_at", Timestamp)),
            ObjectKind.Site, "client_id", ["domain"], Parent: "client"),
        new("dns_zone", Of(("id", Int), ("client_id", Int), ("origin", Text), ("primary_ns", Text), ("hostmaster", Text), ("serial", BigInt), ("refresh", Int),
                ("retry", Int), ("expire", Int), ("minimum", Int), ("default_ttl", Int), ("active", Bool), ("updated_at", Timestamp)),
            ObjectKind.Zone, "client_id", ["origin"], "origin", "client"),
        new("dns_record", Of(("id", Int), ("zone_id", Int), ("name", Text), ("type", Text), ("ttl", Int), ("priority", Int), ("data", Text), ("active", Bool), ("updated_at", Timestamp)),
            ObjectKind.Record, "zone_id", ["zone_id", "name", "type", "data"], Parent: "dns_zone"),
        new("mail_domain", Of(("id", Int), ("client_id", Int), ("domain", Text), ("active", Bool), ("updated_at", Timestamp)),
            ObjectKind.MailDomain, "client_id", ["domain"], "domain", "client"),
        new("mailbox", Of(("id", Int), ("mail_domain_id", Int), ("local_part", Text), ("password_hash", Text), ("quota_mb", Int), ("forward_to", Text), ("active", Bool), ("updated_at", Timestamp)),
            ObjectKind.Mailbox, "mail_domain_id", ["mail_domain_id", "local_part"], Parent: "mail_domain"),
        new("mail_alias", Of(("id", Int), ("mail_domain_id", Int), ("source", Text), ("destination", Text), ("active", Bool), ("updated_at", Timestamp)),
            ObjectKind.Alias, "mail_domain_id", ["mail_domain_id", "source"], Parent: "mail_domain"),
    ];

    /// <summary>Every table Bridge relies on, for the schema check.</summary>
    public static readonly IReadOnlyList<BlechTable> All = [Server, IpAddress, .. Synced, RegenQueue];

    public static BlechTable Of(ObjectKind kind) => Synced[(int)kind];

    public static BlechTable Named(string name) => All.Single(t => t.Name == name);

    private static BulkColumn[] Of(params (string Name, ColumnType Type)[] columns) => columns.Select(c => new BulkColumn(c.Name, c.Type)).ToArray();
}
