using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Bridge.Emulator;

namespace Bridge.DatasetGen;

/// What <c>bridge-dataset change</c> does.
public sealed record ChangeOptions(BlechEngine Engine, string ConnectionString)
{
    /// About this share of each kind is updated; a quarter of it is inserted and as much deleted.
    public double Percent { get; init; } = 1;

    public long Seed { get; init; } = 2;

    /// Blech's clock; the machine's UTC clock when null.
    public DateTime? Now { get; init; }
}

public sealed record TableChange(string Table, int Updated, int Inserted, int Deleted);

/// What one change run did; deletes count the rows picked, not those that went with them by cascade.
public sealed record ChangeSummary(DateTime Now, IReadOnlyList<TableChange> Tables, int ZonesBumped, int QueueRows);

/// Applies a "percent change" to a Blech database the way Blech's UI would have made it, in one transaction: every edit sets
/// updated_at, queues regeneration, and every change to a zone or its records bumps the zone's serial.
public static partial class Changer
{
    private const string ClientColumns = "login, name, email, password_hash, active, updated_at";
    private const string SiteColumns = "client_id, domain, aliases, ip_address, http_port, https_port, document_root, ssl_cert_path, ssl_key_path, " +
        "php_version, custom_directives, active, updated_at";
    private const string ZoneColumns = "client_id, origin, primary_ns, hostmaster, serial, refresh, retry, expire, minimum, default_ttl, active, updated_at";
    private const string RecordColumns = "zone_id, name, type, ttl, priority, data, active, updated_at";
    private const string MailDomainColumns = "client_id, domain, active, updated_at";
    private const string MailboxColumns = "mail_domain_id, local_part, password_hash, quota_mb, forward_to, active, updated_at";
    private const string AliasColumns = "mail_domain_id, source, destination, active, updated_at";

    public static async Task<ChangeSummary> ChangeAsync(ChangeOptions o, TextWriter log, CancellationToken ct = default)
    {
        if (!(o.Percent > 0 && o.Percent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(o), o.Percent, "percent must be more than 0 and at most 100");
        }

        var clock = o.Now ?? DateTime.UtcNow;
        var now = new DateTime(clock.Ticks - (clock.Ticks % 10), DateTimeKind.Utc); // microseconds: what both engines keep
        var timings = new Timings(log);
        await using var connection = await Engines.OpenAsync(o.Engine, o.ConnectionString, ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var state = await timings.PhaseAsync("read", () => BlechState.LoadAsync(connection, transaction, ct), s => s.TotalRows);

        var run = new Run(o, state, now, new SqlWork(o.Engine));
        await timings.PhaseAsync("plan", () =>
        {
            run.Plan();
            return Task.CompletedTask;
        });
        await timings.PhaseAsync("write", async () =>
        {
            await run.ApplyAsync(connection, transaction, ct);
            await transaction.CommitAsync(ct);
        });
        var summary = run.Summary();
        timings.Total(summary.Tables.Sum(t => (long)t.Updated + t.Inserted + t.Deleted));
        return summary;
    }

    [GeneratedRegex(@"^[a-z](\d+)\.example\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberedName();

    /// One change run: the picks, then the statements.
    private sealed class Run(ChangeOptions o, BlechState s, DateTime now, SqlWork sql)
    {
        private readonly Dictionary<string, (int Updated, int Inserted, int Deleted)> _counts = new(StringComparer.Ordinal);
        private readonly List<(string Type, int Id, string Action)> _queue = [];
        private readonly Dictionary<int, int> _zoneEdits = [];
        private readonly Dictionary<int, (string Column, object? Value)[]> _zoneSets = [];
        private readonly List<ClientRow> _newClients = [];
        private readonly List<SiteRow> _newSites = [];
        private readonly List<(ZoneRow Zone, List<RecordRow> Records)> _newZones = [];
        private readonly List<MailDomainRow> _newMailDomains = [];
        private readonly Dictionary<string, List<int>> _deletions = new(StringComparer.Ordinal);
        private readonly HashSet<int> _deletedZones = [];
        private readonly HashSet<int> _deletedMailDomains = [];
        private int _queueRows;

        public void Plan()
        {
            var deletedSites = PickSites();
            PickZones();
            PickRecords();
            PickMailDomains();
            PickMailboxes();
            PickAliases();
            PickClients(deletedSites);
        }

        public async Task ApplyAsync(DbConnection c, DbTransaction t, CancellationToken ct)
        {
            // Children before parents, although the picks never delete a row whose parent goes too.
            var deleteWork = new SqlWork(o.Engine);
            foreach (var table in new[] { "mail_alias", "mailbox", "dns_record", "site", "dns_zone", "mail_domain", "client" })
            {
                deleteWork.Delete(table, _deletions.GetValueOrDefault(table, []));
            }

            await deleteWork.ExecuteAsync(c, t, ct);

            // The updates and the inserts that need no id back were collected while planning.
            await sql.ExecuteAsync(c, t, ct);

            foreach (var client in _newClients)
            {
                sql.Insert("client", ClientColumns, client.Login, client.Name, client.Email, client.PasswordHash, client.Active, client.UpdatedAt);
            }

            await sql.ExecuteAsync(c, t, ct);
            foreach (var site in _newSites)
            {
                var id = await sql.InsertReturningIdAsync(c, t, "site", SiteColumns,
                [
                    site.ClientId, site.Domain, site.Aliases, site.IpAddress, site.HttpPort, site.HttpsPort, site.DocumentRoot, site.SslCertPath,
                    site.SslKeyPath, site.PhpVersion, site.CustomDirectives, site.Active, site.UpdatedAt,
                ], ct);
                Queue("site", id, "write");
            }

            foreach (var (zone, records) in _newZones)
            {
                // Blech gives a new zone today's first serial, then every record added bumps it.
                var serial = BlechSerial.Initial(now);
                for (var i = 0; i < records.Count; i++)
                {
                    serial = BlechSerial.Next(serial, now);
                }

                var id = await sql.InsertReturningIdAsync(c, t, "dns_zone", ZoneColumns,
                [
                    zone.ClientId, zone.Origin, zone.PrimaryNs, zone.Hostmaster, serial, zone.Refresh, zone.Retry, zone.Expire, zone.Minimum,
                    zone.DefaultTtl, zone.Active, zone.UpdatedAt,
                ], ct);
                Queue("zone", id, "write");
                foreach (var r in records)
                {
                    sql.Insert("dns_record", RecordColumns, id, r.Name, r.Type, r.Ttl, r.Priority, r.Data, r.Active, r.UpdatedAt);
                    Queue("zone", id, "write");
                }
            }

            foreach (var domain in _newMailDomains)
            {
                var id = await sql.InsertReturningIdAsync(c, t, "mail_domain", MailDomainColumns, [domain.ClientId, domain.Domain, domain.Active, domain.UpdatedAt], ct);
                Queue("mail", id, "write");
            }

            foreach (var zone in s.Zones.Where(z => _zoneEdits.ContainsKey(z.Id)))
            {
                var serial = zone.Serial;
                for (var i = 0; i < _zoneEdits[zone.Id]; i++)
                {
                    serial = BlechSerial.Next(serial, now);
                }

                sql.Update("dns_zone", zone.Id, now, [.. _zoneSets.GetValueOrDefault(zone.Id, []), ("serial", serial)]);
            }

            foreach (var chunk in _queue.Chunk(1000))
            {
                var values = string.Join(", ", chunk.Select(q => string.Create(CultureInfo.InvariantCulture, $"('{q.Type}', {q.Id}, '{q.Action}', @p0)")));
                sql.Add($"INSERT INTO regen_queue (object_type, object_id, action, queued_at) VALUES {values}", now);
            }

            _queueRows = _queue.Count;
            await sql.ExecuteAsync(c, t, ct);
        }

        public ChangeSummary Summary() => new(
            now,
            Tables.All.Where(_counts.ContainsKey).Select(t => new TableChange(t, _counts[t].Updated, _counts[t].Inserted, _counts[t].Deleted)).ToList(),
            _zoneEdits.Count + _newZones.Count,
            _queueRows);

        // ---- sites ----

        private HashSet<int> PickSites()
        {
            var (deletes, updates) = Split(s.Sites, s.Sites.Count, Stream.Change, 1);
            Delete("site", deletes.Select(x => x.Id));
            foreach (var x in deletes)
            {
                Queue("site", x.Id, "remove");
            }

            var rng = Rng.For(o.Seed, Stream.ChangeValue, 1);
            foreach (var x in updates)
            {
                sql.Update("site", x.Id, now, SiteEdit(x, rng));
                Queue("site", x.Id, "write");
            }

            var owners = s.Clients.Select(c => c.Id).ToList();
            var ip = s.Sites.Count > 0 ? s.Sites[rng.Next(s.Sites.Count)].IpAddress : s.MainIp;
            foreach (var number in NewNumbers(s.Sites.Select(x => x.Domain), owners.Count == 0 ? 0 : Churn(s.Sites.Count)))
            {
                var site = Dataset.Site(o.Seed, number, 0, owners[rng.Next(owners.Count)], ip) with { Active = true, UpdatedAt = now };
                _newSites.Add(site);
            }

            Count("site", updates.Count, _newSites.Count, deletes.Count);
            return deletes.Select(x => x.Id).ToHashSet();
        }

        private static (string Column, object? Value)[] SiteEdit(SiteState x, Rng rng)
        {
            switch (rng.Next(10))
            {
                case < 3:
                    string[] versions = ["7.4", "8.1", "8.2", "8.3", "8.4"];
                    return [("php_version", rng.Pick(versions.Where(v => v != x.PhpVersion).ToList()))];
                case < 5:
                    return x.HttpsPort is null
                        ? [("https_port", 443), ("ssl_cert_path", Values.CertPath(x.Domain)), ("ssl_key_path", Values.KeyPath(x.Domain))]
                        : [("https_port", null), ("ssl_cert_path", null), ("ssl_key_path", null)];
                case < 7:
                    {
                        var www = $"www.{x.Domain}";
                        var aliases = x.Aliases.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                        if (!aliases.Remove(www))
                        {
                            aliases.Insert(0, www);
                        }

                        return [("aliases", string.Join(' ', aliases))];
                    }

                case 7:
                    return [("custom_directives", x.HasDirectives ? null : Values.CustomDirective(rng, x.DocumentRoot))];
                case 8:
                    return [("active", !x.Active)];
                default:
                    var root = $"/var/www/{x.Domain}/public";
                    return [("document_root", x.DocumentRoot == root ? $"/var/www/{x.Domain}/htdocs" : root)];
            }
        }

        // ---- zones ----

        private void PickZones()
        {
            var (deletes, updates) = Split(s.Zones, s.Zones.Count, Stream.Change, 2);
            _deletedZones.UnionWith(deletes.Select(z => z.Id));
            Delete("dns_zone", deletes.Select(z => z.Id));
            foreach (var z in deletes)
            {
                Queue("zone", z.Id, "remove");
            }

            var rng = Rng.For(o.Seed, Stream.ChangeValue, 2);
            foreach (var z in updates)
            {
                int[] ttls = [300, 600, 3600, 7200, 86400];
                _zoneSets[z.Id] = rng.Next(4) switch
                {
                    0 => [("refresh", z.Refresh == 7200 ? 10800 : 7200)],
                    1 => [("minimum", rng.Pick(ttls.Where(v => v != z.Minimum).ToList()))],
                    2 => [("default_ttl", rng.Pick(ttls.Where(v => v != z.DefaultTtl).ToList()))],
                    _ => [("primary_ns", z.PrimaryNs == Values.HostingNs1 ? Values.HostingNs2 : Values.HostingNs1)],
                };
                ZoneEdited(z.Id);
            }

            var owners = s.Clients.Select(c => c.Id).ToList();
            foreach (var number in NewNumbers(s.Zones.Select(z => z.Origin), owners.Count == 0 ? 0 : Churn(s.Zones.Count)))
            {
                var zone = Dataset.Zone(o.Seed, number, 0, owners[rng.Next(owners.Count)]) with { Active = true, UpdatedAt = now };
                var records = Dataset.ZoneRecords(o.Seed, number, zone.Origin, 0, 0, now).Select(r => r with { UpdatedAt = now }).ToList();
                _newZones.Add((zone, records));
            }

            Count("dns_zone", updates.Count, _newZones.Count, deletes.Count);
        }

        // ---- records: edits come a few to a zone, as someone editing a zone would make them ----

        private void PickRecords()
        {
            var byZone = s.Records.GroupBy(r => r.ZoneId).ToDictionary(g => g.Key, g => g.ToList());
            var rng = Rng.For(o.Seed, Stream.Change, 3);
            var values = Rng.For(o.Seed, Stream.ChangeValue, 3);
            int remUpdate = Updates(s.Records.Count), remDelete = Churn(s.Records.Count), remInsert = Churn(s.Records.Count);
            int updated = 0, inserted = 0;
            var deletes = new List<int>();
            var survivors = s.Zones.Where(z => !_deletedZones.Contains(z.Id)).ToList();
            foreach (var zone in Shuffle(survivors, rng))
            {
                if (remUpdate + remDelete + remInsert == 0)
                {
                    break;
                }

                var records = Shuffle(byZone.GetValueOrDefault(zone.Id, []), rng);
                var keys = new ZoneKeys(zone.Origin, records);
                var used = new HashSet<int>();
                var edits = 1 + rng.Next(5);
                for (var e = 0; e < edits && remUpdate + remDelete + remInsert > 0; e++)
                {
                    var pick = rng.Next(remUpdate + remDelete + remInsert);
                    var victim = pick < remDelete ? records.FirstOrDefault(r => !used.Contains(r.Id) && keys.Deletable(r)) : null;
                    var target = pick >= remDelete && pick < remDelete + remUpdate ? records.FirstOrDefault(r => !used.Contains(r.Id)) : null;
                    if (victim is not null)
                    {
                        used.Add(victim.Id);
                        deletes.Add(victim.Id);
                        remDelete--;
                    }
                    else if (target is not null)
                    {
                        used.Add(target.Id);
                        sql.Update("dns_record", target.Id, now, RecordEdit(target, keys, values));
                        updated++;
                        remUpdate--;
                    }
                    else if (pick >= remDelete + remUpdate)
                    {
                        var r = NewRecord(zone, keys, values);
                        sql.Insert("dns_record", RecordColumns, zone.Id, r.Name, r.Type, r.Ttl, r.Priority, r.Data, true, now);
                        inserted++;
                        remInsert--;
                    }
                    else
                    {
                        // Nothing in this zone fits the pick; a later zone takes it.
                        continue;
                    }

                    ZoneEdited(zone.Id);
                }
            }

            Delete("dns_record", deletes);
            Count("dns_record", updated, inserted + _newZones.Sum(z => z.Records.Count), deletes.Count);
        }

        private static (string Column, object? Value)[] RecordEdit(RecordState r, ZoneKeys keys, Rng rng)
        {
            if (!rng.Chance(0.3))
            {
                var data = r.Type switch
                {
                    "A" => Values.IPv4(rng),
                    "AAAA" => Values.IPv6(rng),
                    "SRV" => SrvWithNewWeight(r.Data, rng),
                    "TXT" when r.Name.Contains("_domainkey", StringComparison.Ordinal) => Values.Dkim(rng),
                    "TXT" when r.Data.StartsWith("v=spf1", StringComparison.Ordinal) =>
                        r.Data.EndsWith("~all", StringComparison.Ordinal) ? r.Data[..^4] + "-all" : r.Data[..^4] + "~all",
                    "TXT" when r.Data.StartsWith("v=DMARC1", StringComparison.Ordinal) =>
                        r.Data.Contains("p=reject", StringComparison.Ordinal) ? r.Data.Replace("p=reject", "p=quarantine", StringComparison.Ordinal)
                            : r.Data.Replace("p=quarantine", "p=reject", StringComparison.Ordinal),
                    "TXT" => Values.SiteVerification(rng),
                    _ => null,
                };
                if (data is not null && data != r.Data && keys.TryReplace(r, data))
                {
                    return [("data", data)];
                }

                if (r.Type == "MX")
                {
                    int[] priorities = [5, 10, 15, 20, 25, 30, 40, 50];
                    return [("priority", rng.Pick(priorities.Where(p => p != r.Priority).ToList()))];
                }
            }

            int[] ttls = [60, 300, 600, 3600, 86400];
            return [("ttl", r.Ttl is null ? rng.Pick(ttls) : rng.Chance(0.5) ? null : rng.Pick(ttls.Where(t => t != r.Ttl).ToList()))];
        }

        private static string? SrvWithNewWeight(string data, Rng rng)
        {
            var parts = data.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var weight)
                ? string.Create(CultureInfo.InvariantCulture, $"{(weight + 1 + rng.Next(50)) % 65536} {parts[1]} {parts[2]}")
                : null;
        }

        private static RecordRow NewRecord(ZoneState zone, ZoneKeys keys, Rng rng)
        {
            const string letters = "abcdefghijklmnopqrstuvwxyz0123456789";
            for (var attempt = 0; ; attempt++)
            {
                var fresh = "n" + Values.Chars(rng, letters, 6);
                string Spell(string relative) => rng.Chance(0.7) ? relative : $"{relative}.{zone.Origin}";
                (string Name, string Type, int? Priority, string Data) r = rng.Next(6) switch
                {
                    0 => (Spell(fresh), "A", null, Values.IPv4(rng)),
                    1 => (Spell(fresh), "AAAA", null, Values.IPv6(rng)),
                    2 => (Spell($"_acme-challenge.{fresh}"), "TXT", null, Values.Chars(rng, letters, 43)),
                    3 => ("@", "MX", 40 + rng.Next(20), $"mx{10 + rng.Next(90)}.hosting.example."),
                    4 => (Spell($"_{fresh}._tcp"), "SRV", 10, $"5 {1024 + rng.Next(60000)} mail.hosting.example."),
                    _ => (Spell(fresh), "CNAME", null, zone.Origin),
                };
                if (keys.TryAdd(r.Name, r.Type, r.Data) || attempt > 20)
                {
                    return new RecordRow(0, 0, r.Name, r.Type, Values.Ttl(rng), r.Priority, r.Data, true, default);
                }
            }
        }

        // ---- mail ----

        private void PickMailDomains()
        {
            var (deletes, updates) = Split(s.MailDomains, s.MailDomains.Count, Stream.Change, 4);
            _deletedMailDomains.UnionWith(deletes.Select(d => d.Id));
            Delete("mail_domain", deletes.Select(d => d.Id));
            foreach (var d in deletes)
            {
                Queue("mail", d.Id, "remove");
            }

            foreach (var d in updates)
            {
                sql.Update("mail_domain", d.Id, now, ("active", !d.Active));
                Queue("mail", d.Id, "write");
            }

            var rng = Rng.For(o.Seed, Stream.ChangeValue, 4);
            var owners = s.Clients.Select(c => c.Id).ToList();
            foreach (var number in NewNumbers(s.MailDomains.Select(d => d.Domain), owners.Count == 0 ? 0 : Churn(s.MailDomains.Count)))
            {
                _newMailDomains.Add(Dataset.MailDomain(o.Seed, number, 0, owners[rng.Next(owners.Count)]) with { Active = true, UpdatedAt = now });
            }

            Count("mail_domain", updates.Count, _newMailDomains.Count, deletes.Count);
        }

        private void PickMailboxes()
        {
            var live = s.Mailboxes.Where(m => !_deletedMailDomains.Contains(m.MailDomainId)).ToList();
            var (deletes, updates) = Split(live, s.Mailboxes.Count, Stream.Change, 5);
            Delete("mailbox", deletes.Select(m => m.Id));
            foreach (var m in deletes)
            {
                Queue("mail", m.MailDomainId, "write");
            }

            var rng = Rng.For(o.Seed, Stream.ChangeValue, 5);
            foreach (var m in updates)
            {
                int[] quotas = [0, 500, 1024, 2048, 5120, 10240, 20480];
                (string, object?)[] edit = rng.Next(10) switch
                {
                    < 4 => [("password_hash", Values.Sha512Crypt(rng))],
                    < 7 => [("quota_mb", rng.Pick(quotas.Where(q => q != m.QuotaMb).ToList()))],
                    < 9 => [("forward_to", m.HasForward ? null : Values.ExternalAddress(rng))],
                    _ => [("active", !m.Active)],
                };
                sql.Update("mailbox", m.Id, now, edit);
                Queue("mail", m.MailDomainId, "write");
            }

            var domains = LiveMailDomains();
            var taken = s.Mailboxes.GroupBy(m => m.MailDomainId)
                .ToDictionary(g => g.Key, g => g.Select(m => m.LocalPart).ToHashSet(StringComparer.OrdinalIgnoreCase));
            var inserts = Churn(s.Mailboxes.Count);
            for (var i = 0; i < inserts && domains.Count > 0; i++)
            {
                var d = domains[rng.Next(domains.Count)];
                var localParts = taken.TryGetValue(d.Id, out var set) ? set : taken[d.Id] = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                var free = Values.MailboxLocalParts.Where(l => !localParts.Contains(l)).ToList();
                var localPart = free.Count > 0 ? rng.Pick(free) : FreeName("user", localParts, rng);
                localParts.Add(localPart);
                var m = Dataset.Mailbox(rng, 0, d.Id, localPart, d.Domain);
                sql.Insert("mailbox", MailboxColumns, d.Id, m.LocalPart, m.PasswordHash, m.QuotaMb, m.ForwardTo, true, now);
                Queue("mail", d.Id, "write");
            }

            Count("mailbox", updates.Count, inserts, deletes.Count);
        }

        private void PickAliases()
        {
            var live = s.Aliases.Where(a => !_deletedMailDomains.Contains(a.MailDomainId)).ToList();
            var (deletes, updates) = Split(live, s.Aliases.Count, Stream.Change, 6);
            Delete("mail_alias", deletes.Select(a => a.Id));
            foreach (var a in deletes)
            {
                Queue("mail", a.MailDomainId, "write");
            }

            var rng = Rng.For(o.Seed, Stream.ChangeValue, 6);
            var domainNames = s.MailDomains.ToDictionary(d => d.Id, d => d.Domain);
            var mailboxes = s.Mailboxes.GroupBy(m => m.MailDomainId).ToDictionary(g => g.Key, g => g.Select(m => m.LocalPart).ToList());
            foreach (var a in updates)
            {
                var local = mailboxes.GetValueOrDefault(a.MailDomainId, []);
                var destination = local.Count > 0 && rng.Chance(0.5) ? $"{rng.Pick(local)}@{domainNames[a.MailDomainId]}" : Values.ExternalAddress(rng);
                if (destination == a.Destination)
                {
                    destination += "," + Values.ExternalAddress(rng);
                }

                sql.Update("mail_alias", a.Id, now, ("destination", destination));
                Queue("mail", a.MailDomainId, "write");
            }

            var domains = LiveMailDomains();
            var taken = s.Aliases.GroupBy(a => a.MailDomainId)
                .ToDictionary(g => g.Key, g => g.Select(a => a.Source).ToHashSet(StringComparer.OrdinalIgnoreCase));
            var inserts = Churn(s.Aliases.Count);
            for (var i = 0; i < inserts && domains.Count > 0; i++)
            {
                var d = domains[rng.Next(domains.Count)];
                var sources = taken.TryGetValue(d.Id, out var set) ? set : taken[d.Id] = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                var free = Values.AliasSources.Where(x => !sources.Contains(x)).ToList();
                var source = free.Count > 0 ? rng.Pick(free) : FreeName("list", sources, rng);
                sources.Add(source);
                var a = Dataset.Alias(rng, 0, d.Id, source, d.Domain, mailboxes.GetValueOrDefault(d.Id, []));
                sql.Insert("mail_alias", AliasColumns, d.Id, a.Source, a.Destination, true, now);
                Queue("mail", d.Id, "write");
            }

            Count("mail_alias", updates.Count, inserts, deletes.Count);
        }

        private List<MailDomainState> LiveMailDomains() => s.MailDomains.Where(d => !_deletedMailDomains.Contains(d.Id)).ToList();

        // ---- clients: Blech queues nothing for them, and deletes only those that own nothing ----

        private void PickClients(HashSet<int> deletedSites)
        {
            var owning = s.Sites.Where(x => !deletedSites.Contains(x.Id)).Select(x => x.ClientId)
                .Concat(s.Zones.Where(z => !_deletedZones.Contains(z.Id)).Select(z => z.ClientId))
                .Concat(s.MailDomains.Where(d => !_deletedMailDomains.Contains(d.Id)).Select(d => d.ClientId))
                .Concat(_newSites.Select(x => x.ClientId))
                .Concat(_newZones.Select(z => z.Zone.ClientId))
                .Concat(_newMailDomains.Select(d => d.ClientId))
                .ToHashSet();
            var rng = Rng.For(o.Seed, Stream.Change, 7);
            var deletes = Shuffle(s.Clients.Where(c => !owning.Contains(c.Id)).ToList(), rng).Take(Churn(s.Clients.Count)).ToList();
            var deleted = deletes.Select(c => c.Id).ToHashSet();
            var updates = Shuffle(s.Clients.Where(c => !deleted.Contains(c.Id)).ToList(), rng).Take(Updates(s.Clients.Count)).ToList();
            Delete("client", deletes.Select(c => c.Id));

            var values = Rng.For(o.Seed, Stream.ChangeValue, 7);
            foreach (var c in updates)
            {
                var (name, email) = Values.Person(values);
                (string, object?)[] edit = values.Next(10) switch
                {
                    < 4 => [("email", email)],
                    < 7 => [("password_hash", Values.Sha512Crypt(values))],
                    < 9 => [("name", name)],
                    _ => [("active", !c.Active)],
                };
                sql.Update("client", c.Id, now, edit);
            }

            foreach (var number in NewNumbers(s.Clients.Select(c => c.Login + ".example"), Churn(s.Clients.Count)))
            {
                _newClients.Add(Dataset.Client(o.Seed, number, 0) with { Active = true, UpdatedAt = now });
            }

            Count("client", updates.Count, _newClients.Count, deletes.Count);
        }

        // ---- helpers ----

        private int Updates(int rows) => Share(rows, o.Percent / 100);

        private int Churn(int rows) => Share(rows, o.Percent / 400);

        private static int Share(int rows, double fraction) =>
            rows == 0 ? 0 : Math.Min(rows, Math.Max(1, (int)Math.Round(rows * fraction, MidpointRounding.AwayFromZero)));

        /// Disjoint random picks: a quarter-share to delete, a full share to update.
        /// The shares are of the whole table (<paramref name="tableRows"/>), the picks from <paramref name="rows"/>.
        private (List<T> Deletes, List<T> Updates) Split<T>(IReadOnlyList<T> rows, int tableRows, Stream stream, int index)
        {
            var shuffled = Shuffle(rows, Rng.For(o.Seed, stream, index));
            var deletes = shuffled.Take(Churn(tableRows)).ToList();
            return (deletes, shuffled.Skip(deletes.Count).Take(Updates(tableRows)).ToList());
        }

        private static List<T> Shuffle<T>(IReadOnlyList<T> rows, Rng rng)
        {
            var list = rows.ToList();
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = rng.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }

            return list;
        }

        /// The numbers after the highest numbered name (s000123.example, c000045, ...) of a table.
        private static IEnumerable<int> NewNumbers(IEnumerable<string> names, int count)
        {
            var max = 0;
            foreach (var name in names)
            {
                var m = NumberedName().Match(name);
                if (m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    max = Math.Max(max, n);
                }
            }

            return Enumerable.Range(max + 1, count);
        }

        private static string FreeName(string prefix, HashSet<string> taken, Rng rng)
        {
            string name;
            do
            {
                name = string.Create(CultureInfo.InvariantCulture, $"{prefix}{rng.Next(1_000_000)}");
            }
            while (taken.Contains(name));
            return name;
        }

        private void ZoneEdited(int zoneId)
        {
            _zoneEdits[zoneId] = _zoneEdits.GetValueOrDefault(zoneId) + 1;
            Queue("zone", zoneId, "write");
        }

        private void Delete(string table, IEnumerable<int> ids) => _deletions[table] = ids.ToList();

        private void Queue(string type, int id, string action) => _queue.Add((type, id, action));

        private void Count(string table, int updated, int inserted, int deleted) => _counts[table] = (updated, inserted, deleted);
    }

    /// The owner names and record keys of one zone, spelled alike (absolute, lower case, addresses canonical), so an edit never
    /// makes two rows the bridge would see as one, nor puts a CNAME beside other data.
    private sealed class ZoneKeys
    {
        private readonly string _origin;
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _owners = new(StringComparer.Ordinal);

        public ZoneKeys(string origin, IEnumerable<RecordState> records)
        {
            _origin = origin.ToLowerInvariant();
            foreach (var r in records)
            {
                _keys.Add(Key(r.Name, r.Type, r.Data));
                var owner = Absolute(r.Name);
                _owners[owner] = _owners.GetValueOrDefault(owner) + 1;
            }
        }

        /// Apex NS, DKIM, the addresses that MX, CNAME and SRV targets point at, and www (ftp may point at it) stay.
        public bool Deletable(RecordState r)
        {
            var owner = Absolute(r.Name);
            var kept = owner == _origin || owner == "mail." + _origin || owner == "www." + _origin;
            return r.Type switch
            {
                "NS" => owner != _origin,
                "TXT" => !r.Name.Contains("_domainkey", StringComparison.Ordinal),
                "A" or "AAAA" or "CNAME" => !kept,
                "MX" => r.Priority >= 30,
                _ => true,
            };
        }

        public bool TryReplace(RecordState r, string data)
        {
            var key = Key(r.Name, r.Type, data);
            if (!_keys.Add(key))
            {
                return false;
            }

            _keys.Remove(Key(r.Name, r.Type, r.Data));
            return true;
        }

        public bool TryAdd(string name, string type, string data)
        {
            var owner = Absolute(name);
            if (type == "CNAME" ? _owners.ContainsKey(owner) : _owners.ContainsKey(owner) && type != "MX" && type != "TXT")
            {
                return false;
            }

            if (!_keys.Add(Key(name, type, data)))
            {
                return false;
            }

            _owners[owner] = _owners.GetValueOrDefault(owner) + 1;
            return true;
        }

        private string Absolute(string name)
        {
            var n = name.Trim().ToLowerInvariant();
            return n.Length == 0 || n == "@" ? _origin : n.EndsWith('.') ? n : $"{n}.{_origin}";
        }

        private string Key(string name, string type, string data)
        {
            var normalized = type switch
            {
                "A" or "AAAA" => IPAddress.TryParse(data, out var address) ? address.ToString() : data,
                "CNAME" or "NS" or "PTR" or "MX" => Absolute(data),
                "SRV" => string.Join(' ', data.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select((f, i) => i == 2 ? Absolute(f) : f)),
                _ => data,
            };
            return new StringBuilder(Absolute(name)).Append(' ').Append(type).Append(' ').Append(normalized).ToString();
        }
    }
}
