namespace Bridge.DatasetGen;

// One record per Blech table, with the ids the generator gives them.

public sealed record ClientRow(int Id, string Login, string Name, string Email, string PasswordHash, bool Active, DateTime UpdatedAt);

public sealed record SiteRow(
    int Id,
    int ClientId,
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
    DateTime UpdatedAt);

public sealed record ZoneRow(
    int Id,
    int ClientId,
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
    DateTime UpdatedAt);

public sealed record RecordRow(int Id, int ZoneId, string Name, string Type, int? Ttl, int? Priority, string Data, bool Active, DateTime UpdatedAt);

public sealed record MailDomainRow(int Id, int ClientId, string Domain, bool Active, DateTime UpdatedAt);

public sealed record MailboxRow(int Id, int MailDomainId, string LocalPart, string PasswordHash, int QuotaMb, string? ForwardTo, bool Active, DateTime UpdatedAt);

public sealed record AliasRow(int Id, int MailDomainId, string Source, string Destination, bool Active, DateTime UpdatedAt);
