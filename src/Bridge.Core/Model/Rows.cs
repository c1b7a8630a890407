namespace Bridge.Core.Model;

// Rows as read from one Blech database. Parents are named by natural key (read through a join), never by id:
// ids differ between the two machines. Each row keeps its own id for the side it was read from, and its updated_at (UTC)
// so that edits made on the standby behind the active machine's back can be told apart.

/// <summary>A <c>client</c> row.</summary>
public sealed record ClientRow(int Id, string Login, string Name, string Email, string PasswordHash, bool Active, DateTime? UpdatedAt = null);

/// <summary>A <c>site</c> row.</summary>
public sealed record SiteRow(
    int Id,
    string ClientLogin,
    string Domain,
    string Aliases,
    string IpAddress,
    int HttpPort,
    int? HttpsPort,
    string DocumentRoot,
    string? SslCertPath,
    string? SslKeyPath,
    string? PhpVersion,
    string? CustomDirectives,
    bool Active,
    DateTime? UpdatedAt = null);

/// <summary>A <c>dns_zone</c> row.</summary>
public sealed record ZoneRow(
    int Id,
    string ClientLogin,
    string Origin,
    string PrimaryNs,
    string Hostmaster,
    long Serial,
    int Refresh,
    int Retry,
    int Expire,
    int Minimum,
    int DefaultTtl,
    bool Active,
    DateTime? UpdatedAt = null);

/// <summary>A <c>dns_record</c> row; <see cref="ZoneOrigin"/> is its zone's origin as stored.</summary>
public sealed record RecordRow(int Id, string ZoneOrigin, string Name, string Type, int? Ttl, int? Priority, string Data, bool Active, DateTime? UpdatedAt = null);

/// <summary>A <c>mail_domain</c> row.</summary>
public sealed record MailDomainRow(int Id, string ClientLogin, string Domain, bool Active, DateTime? UpdatedAt = null);

/// <summary>A <c>mailbox</c> row; <see cref="Domain"/> is its mail domain as stored.</summary>
public sealed record MailboxRow(int Id, string Domain, string LocalPart, string PasswordHash, int QuotaMb, string? ForwardTo, bool Active, DateTime? UpdatedAt = null);

/// <summary>A <c>mail_alias</c> row; <see cref="Domain"/> is its mail domain as stored.</summary>
public sealed record AliasRow(int Id, string Domain, string Source, string Destination, bool Active, DateTime? UpdatedAt = null);

/// <summary>Everything Bridge compares, read from one Blech database in one consistent snapshot.</summary>
public sealed record BlechSnapshot(
    string MainIp,
    IReadOnlyList<string> IpAddresses,
    IReadOnlyList<ClientRow> Clients,
    IReadOnlyList<SiteRow> Sites,
    IReadOnlyList<ZoneRow> Zones,
    IReadOnlyList<RecordRow> Records,
    IReadOnlyList<MailDomainRow> MailDomains,
    IReadOnlyList<MailboxRow> Mailboxes,
    IReadOnlyList<AliasRow> Aliases,
    string? Hostname = null)
{
    public int Count(ObjectKind kind) => kind switch
    {
        ObjectKind.Client => Clients.Count,
        ObjectKind.Site => Sites.Count,
        ObjectKind.Zone => Zones.Count,
        ObjectKind.Record => Records.Count,
        ObjectKind.MailDomain => MailDomains.Count,
        ObjectKind.Mailbox => Mailboxes.Count,
        ObjectKind.Alias => Aliases.Count,
        _ => 0,
    };

    public int TotalObjects => ObjectKinds.All.Sum(Count);
}
