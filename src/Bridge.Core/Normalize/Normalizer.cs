using System.Collections.Concurrent;
using System.Globalization;
using Bridge.Core.Model;

namespace Bridge.Core.Normalize;

/// <summary>The objects of one side, normalized and keyed by natural key, kind by kind.</summary>
public sealed class SyncSet
{
    private readonly Dictionary<ObjectKind, Dictionary<string, SyncItem>> _items = ObjectKinds.All.ToDictionary(k => k, _ => new Dictionary<string, SyncItem>(StringComparer.Ordinal));

    /// <summary>Peer rows left out, with the reason.</summary>
    public List<SkippedObject> Skipped { get; } = [];

    /// <summary>Peer rows carried as they are, but worth an admin's look (custom directives that leave their vhost).</summary>
    public List<SkippedObject> Warnings { get; } = [];

    /// <summary>Standby rows that repeat the natural key of an earlier row; the plan deletes them.</summary>
    public List<SyncItem> Duplicates { get; } = [];

    public IReadOnlyDictionary<string, SyncItem> this[ObjectKind kind] => _items[kind];

    public int Count(ObjectKind kind) => _items[kind].Count;

    internal bool TryAdd(SyncItem item) => _items[item.Kind].TryAdd(item.Key, item);

    internal bool Contains(ObjectKind kind, string key) => _items[kind].ContainsKey(key);
}

/// <summary>
/// Turns a snapshot into a <see cref="SyncSet"/>. The peer's rows are checked (bad rows and their children are skipped with a
/// reason) and their addresses mapped to the standby's; the standby's rows are taken as they are.
/// </summary>
public static class Normalizer
{
    /// <summary>
    /// The peer (active machine): every row checked, also against what the standby's engine can store (<paramref name="storage"/>),
    /// site addresses mapped through <paramref name="map"/>.
    /// </summary>
    public static SyncSet Peer(BlechSnapshot snapshot, AddressMap map, StorageRules? storage = null) => Build(snapshot, map, storage ?? StorageRules.Any);

    /// <summary>The standby: rows normalized for comparison, nothing skipped.</summary>
    public static SyncSet Local(BlechSnapshot snapshot) => Build(snapshot, map: null, StorageRules.Any);

    public static string ClientKey(string login) => login.Trim().ToLowerInvariant();

    /// <summary>
    /// The "zone name TYPE " prefix of a record key ("zone name TYPE data", whose first three fields never hold a space),
    /// with its trailing space; null for a key that has fewer fields.
    /// </summary>
    public static string? RecordOwnerAndType(string recordKey)
    {
        var end = 0;
        for (var i = 0; i < 3; i++)
        {
            end = recordKey.IndexOf(' ', end) + 1;
            if (end == 0)
            {
                return null;
            }
        }

        return recordKey[..end];
    }

    public static string MailboxKey(string domain, string localPart) => $"{localPart.Trim().ToLowerInvariant()}@{HostNames.Domain(domain)}";

    private static SyncSet Build(BlechSnapshot s, AddressMap? map, StorageRules storage)
    {
        var builder = new Builder(s, map, storage);
        builder.Early();
        builder.Late(s);
        return builder.Seal();
    }

    /// <summary>
    /// The kinds a staged normalization finishes first: all but the zones and their records, which take most of the time (a run
    /// can write these while the zones and records are still being read and normalized).
    /// </summary>
    public static readonly IReadOnlyList<ObjectKind> EarlyKinds = [ObjectKind.Client, ObjectKind.Site, ObjectKind.MailDomain, ObjectKind.Mailbox, ObjectKind.Alias];

    /// <summary>
    /// <see cref="Peer"/> in two stages: <c>Early</c> holds the <see cref="EarlyKinds"/> of <paramref name="snapshot"/> whole when
    /// this returns (its zones and records are not looked at: they may still be being read); <c>Finish</c> adds the zones and
    /// records of the whole snapshot it is given, whose other kinds must be the very lists of <paramref name="snapshot"/>, to
    /// that same set and returns it whole, exactly as <see cref="Peer"/> would have made it from the whole snapshot. Until
    /// <c>Finish</c> has returned, only the early kinds of the set may be read (it may run on another thread meanwhile).
    /// </summary>
    public static (SyncSet Early, Func<BlechSnapshot, SyncSet> Finish) PeerInStages(BlechSnapshot snapshot, AddressMap map, StorageRules? storage = null) =>
        InStages(new Builder(snapshot, map, storage ?? StorageRules.Any));

    /// <summary><see cref="Local"/> in the two stages of <see cref="PeerInStages"/>.</summary>
    public static (SyncSet Early, Func<BlechSnapshot, SyncSet> Finish) LocalInStages(BlechSnapshot snapshot) => InStages(new Builder(snapshot, map: null, StorageRules.Any));

    private static (SyncSet Early, Func<BlechSnapshot, SyncSet> Finish) InStages(Builder builder)
    {
        builder.Early();
        return (builder.Set, whole =>
        {
            builder.Late(whole);
            return builder.Seal();
        });
    }

    // Normalizes one side kind by kind, parents before children. What is skipped, warned of or found twice is kept by kind and
    // put in the set's lists in kind order at the end, so that the lists read the same whichever order the kinds were done in.
    private sealed class Builder(BlechSnapshot early, AddressMap? map, StorageRules storage)
    {
        private BlechSnapshot _s = early;

        private readonly bool _check = map is not null;
        private readonly Dictionary<ObjectKind, Dictionary<string, string>> _folded = ObjectKinds.All.ToDictionary(k => k, _ => new Dictionary<string, string>(StringComparer.Ordinal));
        private readonly Dictionary<ObjectKind, List<SkippedObject>> _skipped = ObjectKinds.All.ToDictionary(k => k, _ => new List<SkippedObject>());
        private readonly Dictionary<ObjectKind, List<SkippedObject>> _warnings = ObjectKinds.All.ToDictionary(k => k, _ => new List<SkippedObject>());
        private readonly Dictionary<ObjectKind, List<SyncItem>> _duplicates = ObjectKinds.All.ToDictionary(k => k, _ => new List<SyncItem>());
        private readonly HashSet<string> _skippedClients = new(StringComparer.Ordinal);
        private readonly HashSet<string> _skippedZones = new(StringComparer.Ordinal);
        private readonly HashSet<string> _skippedMailDomains = new(StringComparer.Ordinal);

        public SyncSet Set { get; } = new();

        public void Early()
        {
            Clients();
            Sites();
            MailDomains();
            Mailboxes();
            Aliases();
        }

        public void Late(BlechSnapshot whole)
        {
            if (!ReferenceEquals(whole.Clients, _s.Clients) || !ReferenceEquals(whole.Sites, _s.Sites) || !ReferenceEquals(whole.MailDomains, _s.MailDomains)
                || !ReferenceEquals(whole.Mailboxes, _s.Mailboxes) || !ReferenceEquals(whole.Aliases, _s.Aliases) || whole.MainIp != _s.MainIp)
            {
                throw new ArgumentException("the whole snapshot is not the one whose early kinds were normalized", nameof(whole));
            }

            _s = whole;
            Zones();
            Records();
        }

        public SyncSet Seal()
        {
            foreach (var kind in ObjectKinds.All)
            {
                Set.Skipped.AddRange(_skipped[kind]);
                Set.Warnings.AddRange(_warnings[kind]);
                Set.Duplicates.AddRange(_duplicates[kind]);
            }

            return Set;
        }

        // A row the standby's engine cannot store would fail the whole apply there: a column too long, a NUL, or a unique key
        // the standby's collation holds equal to one already taken by another row.
        private string? Unstorable(ObjectKind kind, string key, params (string Column, string? Value)[] values)
        {
            if (ColumnProblem(kind, values) is { } problem)
            {
                return problem;
            }

            if (!storage.FoldsKeys)
            {
                return null;
            }

            var fold = storage.FoldKey(key);
            if (_folded[kind].TryGetValue(fold, out var other) && other != key)
            {
                return $"'{RecordData.Printable(key)}' and '{RecordData.Printable(other)}' are one key to the standby's {storage.Description}, which cannot hold both";
            }

            _folded[kind].TryAdd(fold, key);
            return null;
        }

        private string? ColumnProblem(ObjectKind kind, (string Column, string? Value)[] values)
        {
            foreach (var (column, value) in values)
            {
                if (storage.Problem(kind, column, value) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        private void Skip(ObjectKind kind, string key, string reason) => _skipped[kind].Add(new SkippedObject(kind, key, reason));

        private void Add(SyncItem item)
        {
            if (Set.TryAdd(item))
            {
                return;
            }

            if (_check)
            {
                Skip(item.Kind, item.Key, $"another {item.Kind.Name()} row has the same key");
            }
            else
            {
                _duplicates[item.Kind].Add(item);
            }
        }

        private void Clients()
        {
            foreach (var c in _s.Clients)
            {
                var key = ClientKey(c.Login);
                if (_check && (!IsPlainToken(c.Login, 64, out var why) ? $"login {why}" : CheckClient(c)
                        ?? Unstorable(ObjectKind.Client, key, ("login", c.Login), ("name", c.Name), ("email", c.Email), ("password_hash", c.PasswordHash))) is { } reason)
                {
                    Skip(ObjectKind.Client, key, reason);
                    _skippedClients.Add(key);
                    continue;
                }

                Add(new SyncItem(ObjectKind.Client, key, null,
                [
                    new("name", c.Name), new("email", c.Email.Trim()), new("password_hash", c.PasswordHash, Secret: true), Bool("active", c.Active),
                ], c));
            }
        }

        private void Sites()
        {
            foreach (var site in _s.Sites)
            {
                var key = HostNames.Domain(site.Domain);
                var client = ClientKey(site.ClientLogin);
                var row = site;
                if (_check)
                {
                    if (_skippedClients.Contains(client))
                    {
                        Skip(ObjectKind.Site, key, $"its client '{client}' is skipped");
                        continue;
                    }

                    if ((CheckSite(site, map!, out var mapped) ?? Unstorable(ObjectKind.Site, key, ("domain", site.Domain), ("aliases", site.Aliases),
                            ("document_root", site.DocumentRoot), ("ssl_cert_path", site.SslCertPath), ("ssl_key_path", site.SslKeyPath),
                            ("php_version", site.PhpVersion), ("custom_directives", site.CustomDirectives))) is { } reason)
                    {
                        Skip(ObjectKind.Site, key, reason);
                        continue;
                    }

                    row = site with { IpAddress = mapped! };
                    if (CustomDirectivesWarning(site.CustomDirectives) is { } warning)
                    {
                        _warnings[ObjectKind.Site].Add(new SkippedObject(ObjectKind.Site, key, warning));
                    }
                }

                Add(new SyncItem(ObjectKind.Site, key, client,
                [
                    new("client", client),
                    new("aliases", NormalizeAliases(row.Aliases)),
                    new("ip_address", Addresses.Canonical(row.IpAddress) ?? row.IpAddress.Trim()),
                    Int("http_port", row.HttpPort),
                    Int("https_port", row.HttpsPort),
                    new("document_root", row.DocumentRoot),
                    new("ssl_cert_path", row.SslCertPath),
                    new("ssl_key_path", row.SslKeyPath),
                    new("php_version", row.PhpVersion),
                    new("custom_directives", row.CustomDirectives),
                    Bool("active", row.Active),
                ], row));
            }
        }

        private void Zones()
        {
            foreach (var z in _s.Zones)
            {
                var key = HostNames.Origin(z.Origin);
                var client = ClientKey(z.ClientLogin);
                if (_check)
                {
                    var reason = _skippedClients.Contains(client) ? $"its client '{client}' is skipped"
                        : CheckZone(z) ?? Unstorable(ObjectKind.Zone, key, ("origin", z.Origin), ("primary_ns", z.PrimaryNs), ("hostmaster", z.Hostmaster));
                    if (reason is not null)
                    {
                        Skip(ObjectKind.Zone, key, reason);
                        _skippedZones.Add(key);
                        continue;
                    }
                }

                Add(new SyncItem(ObjectKind.Zone, key, client,
                [
                    new("client", client),
                    new("primary_ns", HostNames.Absolute(z.PrimaryNs, key)),
                    new("hostmaster", HostNames.Absolute(z.Hostmaster, key)),
                    Long("serial", z.Serial),
                    Int("refresh", z.Refresh),
                    Int("retry", z.Retry),
                    Int("expire", z.Expire),
                    Int("minimum", z.Minimum),
                    Int("default_ttl", z.DefaultTtl),
                    Bool("active", z.Active),
                ], z));
            }
        }

        private void Records()
        {
            // dns_record has no unique key on either engine: only its columns can be too much for the standby.
            AddRecords(_s.Records, _check, _skippedZones, Skip, Add, r => ColumnProblem(ObjectKind.Record, [("name", r.Name), ("type", r.Type), ("data", r.Data)]));
        }

        private void MailDomains()
        {
            foreach (var d in _s.MailDomains)
            {
                var key = HostNames.Domain(d.Domain);
                var client = ClientKey(d.ClientLogin);
                if (_check)
                {
                    string? reason = _skippedClients.Contains(client) ? $"its client '{client}' is skipped"
                        : !HostNames.IsValid(d.Domain, allowWildcard: false, out var why) ? $"domain '{RecordData.Printable(d.Domain)}': {why}"
                        : Unstorable(ObjectKind.MailDomain, key, ("domain", d.Domain));
                    if (reason is not null)
                    {
                        Skip(ObjectKind.MailDomain, key, reason);
                        _skippedMailDomains.Add(key);
                        continue;
                    }
                }

                Add(new SyncItem(ObjectKind.MailDomain, key, client, [new("client", client), Bool("active", d.Active)], d));
            }
        }

        private void Mailboxes()
        {
            foreach (var m in _s.Mailboxes)
            {
                var domain = HostNames.Domain(m.Domain);
                var key = MailboxKey(m.Domain, m.LocalPart);
                if (_check)
                {
                    string? reason = _skippedMailDomains.Contains(domain) ? $"its mail domain '{domain}' is skipped"
                        : !IsLocalPart(m.LocalPart, allowCatchAll: false, out var why) ? $"local part {why}"
                        : !IsPlainToken(m.PasswordHash, 255, out _) || m.PasswordHash.Contains(':', StringComparison.Ordinal) ? "password hash contains a character the mail passwd file cannot hold"
                        : m.QuotaMb < 0 ? $"quota_mb {m.QuotaMb} is negative"
                        : CheckAddressList(m.ForwardTo, "forward_to")
                        ?? Unstorable(ObjectKind.Mailbox, key, ("local_part", m.LocalPart), ("password_hash", m.PasswordHash), ("forward_to", m.ForwardTo));
                    if (reason is not null)
                    {
                        Skip(ObjectKind.Mailbox, key, reason);
                        continue;
                    }
                }

                Add(new SyncItem(ObjectKind.Mailbox, key, domain,
                [
                    new("password_hash", m.PasswordHash, Secret: true), Int("quota_mb", m.QuotaMb), new("forward_to", NormalizeAddressList(m.ForwardTo)), Bool("active", m.Active),
                ], m));
            }
        }

        private void Aliases()
        {
            foreach (var a in _s.Aliases)
            {
                var domain = HostNames.Domain(a.Domain);
                var key = MailboxKey(a.Domain, a.Source);
                if (_check)
                {
                    string? reason = _skippedMailDomains.Contains(domain) ? $"its mail domain '{domain}' is skipped"
                        : !IsLocalPart(a.Source, allowCatchAll: true, out var why) ? $"source {why}"
                        : NormalizeAddressList(a.Destination) is null ? "destination is empty"
                        : CheckAddressList(a.Destination, "destination")
                        ?? Unstorable(ObjectKind.Alias, key, ("source", a.Source), ("destination", a.Destination));
                    if (reason is not null)
                    {
                        Skip(ObjectKind.Alias, key, reason);
                        continue;
                    }
                }

                Add(new SyncItem(ObjectKind.Alias, key, domain, [new("destination", NormalizeAddressList(a.Destination)), Bool("active", a.Active)], a));
            }
        }
    }

    // A record row as the first pass leaves it: normalized, keyed, and why it is skipped (null: it is not).
    private readonly record struct NormalizedRecord(RecordRow Row, string Zone, string Name, string Type, string Data, string Key, string? Error);

    // Fewer records than this are normalized on one thread: starting the others would cost more than it saves.
    private const int ParallelFrom = 8192;

    private static void AddRecords(IReadOnlyList<RecordRow> records, bool check, HashSet<string> skippedZones, Action<ObjectKind, string, string> skip, Action<SyncItem> add, Func<RecordRow, string?> unstorable)
    {
        // First pass: normalize every row; second pass (peer only): the rules that look at a whole owner name (CNAME). The first
        // pass looks at one row at a time, so a large table is split over the cores: the databases only wait meanwhile.
        var rows = new NormalizedRecord[records.Count];
        if (records.Count < ParallelFrom)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = NormalizeRecord(records[i]);
            }
        }
        else
        {
            try
            {
                Parallel.ForEach(Partitioner.Create(0, rows.Length, ParallelFrom / 4), range =>
                {
                    for (var i = range.Item1; i < range.Item2; i++)
                    {
                        rows[i] = NormalizeRecord(records[i]);
                    }
                });
            }
            catch (AggregateException e)
            {
                // What one thread threw, as the loop on one thread would have thrown it.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                throw;
            }
        }

        NormalizedRecord NormalizeRecord(RecordRow r)
        {
            var zone = HostNames.Origin(r.ZoneOrigin);
            var type = r.Type.Trim().ToUpperInvariant();
            // Checked as stored, not trimmed: the row is written as stored, and a leading blank or a line break in an owner name
            // changes what the zone file means.
            var nameOk = HostNames.IsValid(r.Name == "@" ? "x" : r.Name, allowWildcard: true, out var nameWhy);
            var name = HostNames.Absolute(r.Name, zone);
            var dataOk = RecordData.TryNormalize(type, r.Data, zone, out var data, out var dataWhy);
            var key = $"{zone} {name} {type} {data ?? r.Data}";
            string? error = null;
            if (check)
            {
                error = skippedZones.Contains(zone) ? $"its zone '{zone}' is skipped"
                    : !nameOk ? $"name '{RecordData.Printable(r.Name)}': {nameWhy}"
                    : !name.EndsWith(zone, StringComparison.Ordinal) || (name.Length > zone.Length && name[name.Length - zone.Length - 1] != '.') ? $"name '{r.Name}' is outside the zone {zone}"
                    : !dataOk ? dataWhy
                    : type is "MX" or "SRV" && r.Priority is null ? $"{type} has no priority"
                    : type is "MX" or "SRV" && r.Priority is < 0 or > 65535 ? $"{type} priority {r.Priority} is out of range (0 to 65535)"
                    : r.Ttl is < 0 ? $"ttl {r.Ttl} is negative"
                    : type == "TXT" && RecordData.TxtWireLength(r.Data) > 65_535 ? $"TXT data of {System.Text.Encoding.UTF8.GetByteCount(r.Data).ToString("N0", CultureInfo.InvariantCulture)} bytes is more than one DNS record holds (65,535 bytes on the wire); named would refuse the whole zone"
                    : unstorable(r);
            }

            return new NormalizedRecord(r, zone, name, type, data ?? r.Data, key, error);
        }

        if (check)
        {
            // Only the owner names that hold an active CNAME are looked at whole: few zones have many.
            var cnameOwners = new Dictionary<(string Zone, string Name), int>();
            foreach (var x in rows)
            {
                if (x.Error is null && x.Row.Active && x.Type == "CNAME")
                {
                    cnameOwners[(x.Zone, x.Name)] = 0;
                }
            }

            if (cnameOwners.Count > 0)
            {
                foreach (var x in rows)
                {
                    if (x.Error is null && x.Row.Active && cnameOwners.TryGetValue((x.Zone, x.Name), out var count))
                    {
                        cnameOwners[(x.Zone, x.Name)] = count + 1;
                    }
                }
            }

            var cnameErrors = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var x in rows)
            {
                if (x.Error is null && x.Row.Active && x.Type == "CNAME")
                {
                    if (x.Name == x.Zone)
                    {
                        cnameErrors[x.Key] = "CNAME at the zone apex";
                    }
                    else if (cnameOwners[(x.Zone, x.Name)] > 1)
                    {
                        cnameErrors[x.Key] = $"CNAME beside other data at {x.Name}";
                    }
                }
            }

            for (var i = 0; i < rows.Length; i++)
            {
                if (rows[i].Error is null && cnameErrors.TryGetValue(rows[i].Key, out var e))
                {
                    rows[i] = rows[i] with { Error = e };
                }
            }
        }

        foreach (var x in rows)
        {
            if (x.Error is not null)
            {
                skip(ObjectKind.Record, x.Key, x.Error);
                continue;
            }

            add(new SyncItem(ObjectKind.Record, x.Key, x.Zone, [Int("ttl", x.Row.Ttl), Int("priority", x.Row.Priority), Bool("active", x.Row.Active)], x.Row));
        }
    }

    private static string? CheckSite(SiteRow site, AddressMap map, out string? mapped)
    {
        mapped = null;
        if (!HostNames.IsValid(site.Domain, allowWildcard: false, out var why))
        {
            return $"domain '{RecordData.Printable(site.Domain)}': {why}";
        }

        foreach (var alias in site.Aliases.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!HostNames.IsValid(alias, allowWildcard: true, out var aliasWhy))
            {
                return $"alias '{RecordData.Printable(alias)}': {aliasWhy}";
            }
        }

        if (site.Aliases.Any(c => char.IsControl(c)))
        {
            return "aliases contain a line break or control character";
        }

        if (site.HttpPort is < 1 or > 65535)
        {
            return $"http_port {site.HttpPort} is out of range (1 to 65535)";
        }

        if (site.HttpsPort is < 1 or > 65535)
        {
            return $"https_port {site.HttpsPort} is out of range (1 to 65535)";
        }

        foreach (var (name, path) in new[] { ("document_root", site.DocumentRoot), ("ssl_cert_path", site.SslCertPath), ("ssl_key_path", site.SslKeyPath) })
        {
            if (path is not null && (path.Any(char.IsControl) || path.Contains('"', StringComparison.Ordinal)))
            {
                return $"{name} contains a line break, control character or double quote";
            }
        }

        if (site.DocumentRoot.Trim().Length == 0)
        {
            return "document_root is empty";
        }

        if ((CheckPath("document_root", site.DocumentRoot) ?? CheckPath("ssl_cert_path", site.SslCertPath) ?? CheckPath("ssl_key_path", site.SslKeyPath)) is { } pathWhy)
        {
            return pathWhy;
        }

        if (site.PhpVersion is { } php && (php.Length == 0 || !php.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_')))
        {
            return $"php_version '{RecordData.Printable(php)}' is not a version (letters, digits, '.', '-', '_')";
        }

        if (site.HttpsPort is not null && (string.IsNullOrWhiteSpace(site.SslCertPath) || string.IsNullOrWhiteSpace(site.SslKeyPath)))
        {
            return "https_port is set but the certificate or key path is missing";
        }

        var canonical = Addresses.Canonical(site.IpAddress);
        if (canonical is null)
        {
            return $"ip_address '{RecordData.Printable(site.IpAddress)}' is not an IP address";
        }

        mapped = map.Map(canonical);
        return mapped is null ? $"ip_address {canonical} is not in addressMap (add an entry for it, or move the site to the service address)" : null;
    }

    /// <summary>
    /// Why a site's custom directives deserve a look: blechd writes them verbatim inside the site's vhost, so a line that closes
    /// the <c>&lt;VirtualHost&gt;</c> or opens another changes what Apache serves for other names too. Null when they do neither.
    /// </summary>
    public static string? CustomDirectivesWarning(string? directives)
    {
        if (directives is null)
        {
            return null;
        }

        foreach (var line in directives.Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith("</VirtualHost", StringComparison.OrdinalIgnoreCase))
            {
                return "custom_directives close the site's <VirtualHost>: what follows applies outside it (carried verbatim, as chip serves it)";
            }

            if (t.StartsWith("<VirtualHost", StringComparison.OrdinalIgnoreCase))
            {
                return "custom_directives open another <VirtualHost> inside the site's (carried verbatim, as chip serves it)";
            }
        }

        return null;
    }

    private static string? CheckClient(ClientRow c)
    {
        if (c.Name.Any(char.IsControl))
        {
            return "name contains a line break or control character";
        }

        var email = c.Email.Trim();
        if (email.Length > 0 && (HasBlankOrControl(email) || email.IndexOfAny([',', ';', '<', '>', '"']) >= 0
                || email.Count(ch => ch == '@') != 1 || email.StartsWith('@') || email.EndsWith('@')))
        {
            return $"email '{RecordData.Printable(email)}' is not one email address";
        }

        return null;
    }

    // Apache reads DocumentRoot "..." with backslash escapes, and blechd writes the value verbatim: a trailing backslash
    // swallows the closing quote, a relative or dotted path points anywhere.
    private static string? CheckPath(string name, string? path)
    {
        if (path is null)
        {
            return null;
        }

        if (!path.StartsWith('/'))
        {
            return $"{name} '{RecordData.Printable(path)}' is not an absolute path";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return $"{name} '{RecordData.Printable(path)}' contains a backslash";
        }

        return path.Split('/').Any(segment => segment is "." or "..") ? $"{name} '{RecordData.Printable(path)}' contains a '.' or '..' segment" : null;
    }

    private static string? CheckZone(ZoneRow z)
    {
        if (!HostNames.IsValid(z.Origin, allowWildcard: false, out var why))
        {
            return $"origin '{RecordData.Printable(z.Origin)}': {why}";
        }

        if (!HostNames.IsValid(z.PrimaryNs, allowWildcard: false, out why))
        {
            return $"primary_ns '{RecordData.Printable(z.PrimaryNs)}': {why}";
        }

        if (!HostNames.IsValid(z.Hostmaster, allowWildcard: false, out why))
        {
            return $"hostmaster '{RecordData.Printable(z.Hostmaster)}': {why}";
        }

        if (z.Serial is < 0 or > uint.MaxValue)
        {
            return $"serial {z.Serial} is out of range (0 to 4294967295)";
        }

        foreach (var (name, value) in new[] { ("refresh", z.Refresh), ("retry", z.Retry), ("expire", z.Expire), ("minimum", z.Minimum), ("default_ttl", z.DefaultTtl) })
        {
            if (value < 0)
            {
                return $"{name} {value} is negative";
            }
        }

        return null;
    }

    private static bool IsPlainToken(string text, int maxLength, out string why)
    {
        why = text.Length == 0 ? "is empty"
            : text.Length > maxLength ? $"is longer than {maxLength} characters"
            : HasBlankOrControl(text) ? $"'{RecordData.Printable(text)}' contains white space or a control character"
            : string.Empty;
        return why.Length == 0;
    }

    private static bool HasBlankOrControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLocalPart(string text, bool allowCatchAll, out string why)
    {
        if (allowCatchAll && text == "*")
        {
            why = string.Empty;
            return true;
        }

        if (!IsPlainToken(text, 64, out why))
        {
            return false;
        }

        if (text.IndexOfAny(['@', ':', '/', ',', '"']) >= 0)
        {
            why = $"'{RecordData.Printable(text)}' contains one of @ : / , \"";
            return false;
        }

        return true;
    }

    private static string? CheckAddressList(string? list, string column)
    {
        if (list is null)
        {
            return null;
        }

        foreach (var address in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasBlankOrControl(address) || !address.Contains('@', StringComparison.Ordinal))
            {
                return $"{column} address '{RecordData.Printable(address)}' is not an email address";
            }
        }

        return null;
    }

    /// <summary>Aliases compared as a set: lower case, no trailing dot, sorted, single spaces.</summary>
    public static string NormalizeAliases(string aliases) => aliases.AsSpan().Trim(" \t").IsEmpty ? string.Empty :
        string.Join(' ', aliases.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(HostNames.Domain).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>A comma-separated address list as a list: trimmed, empties dropped, order kept; null when nothing is left.</summary>
    public static string? NormalizeAddressList(string? list)
    {
        if (list is null)
        {
            return null;
        }

        var parts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? null : string.Join(',', parts);
    }

    private static FieldValue Bool(string name, bool value) => new(name, value ? "true" : "false");

    private static FieldValue Int(string name, int? value) => new(name, value is { } v ? Text(v) : null);

    // Ports, priorities, TTLs and quotas repeat across rows: each is made once and shared, not once a row (a full sync keeps
    // every normalized row until it ends, and the collector walks each of those strings at every collection).
    private static readonly string?[] SmallInts = new string?[1 << 17];

    private static string Text(int value)
    {
        if ((uint)value >= (uint)SmallInts.Length)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        // Two threads may make the same text at once; either is right.
        return SmallInts[value] ??= value.ToString(CultureInfo.InvariantCulture);
    }

    private static FieldValue Long(string name, long value) => new(name, value.ToString(CultureInfo.InvariantCulture));
}
