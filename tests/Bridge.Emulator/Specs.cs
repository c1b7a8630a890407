namespace Bridge.Emulator;

/// A Blech client (customer account), keyed by login.
public sealed record ClientSpec(
    string Login,
    string Name = "",
    string Email = "",
    string PasswordHash = "$6$rounds=5000$salt$hash",
    bool Active = true);

/// A web site, keyed by domain (case-insensitive). DocumentRoot "" means "/var/www/DOMAIN/web".
public sealed record SiteSpec(
    string ClientLogin,
    string Domain,
    string IpAddress,
    string DocumentRoot = "",
    string Aliases = "",
    int HttpPort = 80,
    int? HttpsPort = null,
    string? SslCertPath = null,
    string? SslKeyPath = null,
    string? PhpVersion = null,
    string? CustomDirectives = null,
    bool Active = true);

/// A DNS zone, keyed by origin. Serial null on add means today × 100 + 1 from the instance clock.
public sealed record ZoneSpec(
    string ClientLogin,
    string Origin,
    string PrimaryNs = "ns1.example.net.",
    string Hostmaster = "hostmaster.example.net.",
    long? Serial = null,
    int Refresh = 10800,
    int Retry = 3600,
    int Expire = 604800,
    int Minimum = 3600,
    int DefaultTtl = 3600,
    bool Active = true);

/// A DNS record; it has no unique key, so edits match the first row with equal origin, name, type and data.
public sealed record RecordSpec(
    string ZoneOrigin,
    string Name,
    string Type,
    string Data,
    int? Ttl = null,
    int? Priority = null,
    bool Active = true);

/// A mail domain, keyed by domain.
public sealed record MailDomainSpec(string ClientLogin, string Domain, bool Active = true);

/// A mailbox, keyed by (domain, local part).
public sealed record MailboxSpec(
    string Domain,
    string LocalPart,
    string PasswordHash = "$6$rounds=5000$salt$hash",
    int QuotaMb = 0,
    string? ForwardTo = null,
    bool Active = true);

/// A mail alias, keyed by (domain, source); source "*" is the catch-all.
public sealed record AliasSpec(string Domain, string Source, string Destination, bool Active = true);

/// One row of regen_queue; times are UTC.
public sealed record QueueRow(long Id, string ObjectType, int? ObjectId, string Action, DateTime QueuedAt, DateTime? DoneAt);

/// What one blechd run did; paths are relative to the config root and use '/'.
public sealed record RegenResult(
    IReadOnlyList<string> Written,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> RepairedSites,
    int QueueRowsDone);
