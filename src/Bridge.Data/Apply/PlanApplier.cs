using System.Data.Common;
using Bridge.Core.Model;
using Bridge.Core.Normalize;
using Bridge.Core.Plan;
using Bridge.Data.Engine;

namespace Bridge.Data.Apply;

/// <summary>Where an apply has got to; lets an operator's log (or a test) follow a long apply.</summary>
public sealed record ApplyProgress(string Step, int Rows, int ServerProcessId);

/// <summary>A step the standby's database refused (or one left out because its parent was), with the reason.</summary>
public sealed record RefusedStep(PlanStep Step, string Reason, bool Child);

/// <summary>More rows than an apply may leave out were refused by the standby's database: the apply gives up as a whole.</summary>
public sealed class TooManyRefusedException(int limit, string first)
    : Exception($"the standby's database refused more than {limit} rows; nothing applied. First: {first}");

/// <summary>What was written: the regeneration rows queued, by object type.</summary>
public sealed record ApplyResult(int QueueRows, int Statements)
{
    /// <summary>The standby's id of every object it holds after the apply that the plan knew of, by kind and natural key.</summary>
    public IReadOnlyDictionary<(ObjectKind, string), int> Ids { get; init; } = new Dictionary<(ObjectKind, string), int>();
}

/// <summary>
/// Writes a plan into the standby's Blech tables inside the caller's transaction: inserts parents first, then updates, then deletes
/// children first; maps natural keys to the standby's own ids; queues a <c>regen_queue</c> row for every object touched.
/// </summary>
public sealed class PlanApplier(IEngineDialect dialect, Func<ApplyProgress, CancellationToken, Task>? onProgress = null)
{
    /// <summary>Queue regeneration of every object the peer has, changed or not (a full resync), not only of those touched.</summary>
    public bool QueueAll { get; init; }

    /// <summary>How many rows the standby's database may refuse in one apply before the apply gives up as a whole.</summary>
    public int MaxRefused { get; init; } = 50;

    /// <summary>Applies the whole plan or throws: any error rolls back with the caller's transaction.</summary>
    public async Task<ApplyResult> ApplyAsync(DbConnection connection, DbTransaction transaction, SyncPlan plan, SyncSet local, DateTime now, CancellationToken ct) =>
        (await ApplyAsync(connection, transaction, plan, local, now, isolate: false, ct)).Result;

    /// <summary>
    /// Applies the plan; when the standby's database refuses a row's data (a constraint, a value it cannot hold that the
    /// pre-apply checks did not know), rolls back to a savepoint and applies the steps in halves, down to the single steps it
    /// refuses, which are left out with the database's reason, together with the steps of their children. Everything stays in
    /// the caller's transaction, so a transient failure still rolls back the whole run. More than <see cref="MaxRefused"/>
    /// refused rows, or a refused address registration, throw.
    /// </summary>
    public Task<(ApplyResult Result, IReadOnlyList<RefusedStep> Refused)> ApplyIsolatingAsync(DbConnection connection, DbTransaction transaction, SyncPlan plan, SyncSet local, DateTime now, CancellationToken ct) =>
        ApplyAsync(connection, transaction, plan, local, now, isolate: true, ct);

    private async Task<(ApplyResult Result, IReadOnlyList<RefusedStep> Refused)> ApplyAsync(DbConnection connection, DbTransaction transaction, SyncPlan plan, SyncSet local, DateTime now, bool isolate, CancellationToken ct)
    {
        var sql = new Statements(connection, transaction, dialect);
        var pid = dialect.ServerProcessId(connection);
        var statements = 0;
        async Task Progress(string step, int rows)
        {
            statements++;
            if (onProgress is not null)
            {
                await onProgress(new ApplyProgress(step, rows, pid), ct);
            }
        }

        var ids = new Dictionary<(ObjectKind, string), int>();
        foreach (var kind in ObjectKinds.All)
        {
            foreach (var (key, item) in local[kind])
            {
                ids[(kind, key)] = item.Id;
            }
        }

        var queue = new HashSet<(string Type, int? Id, string Action)>();

        foreach (var address in plan.AddressesToRegister)
        {
            await BlechWrites.RegisterAddressAsync(sql, address, ct);
            await Progress("ip_address", 1);
        }

        var refused = new List<RefusedStep>();
        if (!isolate)
        {
            await WriteStepsAsync(sql, plan, plan.Steps, ids, queue, now, Progress, ct);
        }
        else
        {
            var savepoints = 0;

            // Objects whose insert was refused: not on the standby, so their children cannot be written either.
            var missing = new HashSet<(ObjectKind, string)>();

            // Applies steps under a savepoint; on a data error, rolls back to it and tries each half, down to single steps.
            async Task ApplyOrSplitAsync(IReadOnlyList<PlanStep> steps)
            {
                var kept = new List<PlanStep>(steps.Count);
                foreach (var step in steps)
                {
                    var item = step.Source ?? step.Target!;
                    if (Planner.ParentKind(step.Kind) is { } parentKind && item.ParentKey is { } parent && missing.Contains((parentKind, parent)))
                    {
                        if (step.Action == PlanAction.Insert)
                        {
                            missing.Add((step.Kind, step.Key));
                        }

                        refused.Add(new RefusedStep(step, $"its {parentKind.Name()} {parent} was refused by the standby's database", Child: true));
                    }
                    else
                    {
                        kept.Add(step);
                    }
                }

                if (kept.Count == 0)
                {
                    return;
                }

                var savepoint = $"bridge_apply_{savepoints++}";
                var idsBefore = new Dictionary<(ObjectKind, string), int>(ids);
                var queueBefore = new HashSet<(string Type, int? Id, string Action)>(queue);
                await transaction.SaveAsync(savepoint, ct);
                try
                {
                    await WriteStepsAsync(sql, plan, kept, ids, queue, now, Progress, ct);
                    await transaction.ReleaseAsync(savepoint, ct);
                    return;
                }
                catch (Exception e) when (Run.Failures.DataError(e, dialect) is { } reason)
                {
                    await transaction.RollbackAsync(savepoint, ct);
                    ids.Clear();
                    idsBefore.ToList().ForEach(p => ids[p.Key] = p.Value);
                    queue.Clear();
                    queue.UnionWith(queueBefore);
                    if (kept.Count == 1)
                    {
                        if (kept[0].Action == PlanAction.Insert)
                        {
                            missing.Add((kept[0].Kind, kept[0].Key));
                        }

                        refused.Add(new RefusedStep(kept[0], "the standby's database refused it: " + reason, Child: false));
                        if (refused.Count(r => !r.Child) > MaxRefused)
                        {
                            throw new TooManyRefusedException(MaxRefused, refused.Where(r => !r.Child).Select(r => $"{r.Step.Kind.Name()} {r.Step.Key}: {r.Reason}").First());
                        }

                        return;
                    }
                }

                var half = kept.Count / 2;
                await ApplyOrSplitAsync(kept.Take(half).ToList());
                await ApplyOrSplitAsync(kept.Skip(half).ToList());
            }

            await ApplyOrSplitAsync(plan.Steps);
        }

        if (QueueAll)
        {
            foreach (var (kind, type) in new[] { (ObjectKind.Site, "site"), (ObjectKind.Zone, "zone"), (ObjectKind.MailDomain, "mail") })
            {
                foreach (var key in SourceKeys(plan, local, kind))
                {
                    if (ids.TryGetValue((kind, key), out var id))
                    {
                        queue.Add((type, id, "write"));
                    }
                }
            }
        }

        // Removals first: a zone deleted and re-created under a new id must not have its fresh file removed after it is written.
        var queueRows = queue
            .OrderBy(q => q.Action == "remove" ? 0 : 1)
            .ThenBy(q => q.Type, StringComparer.Ordinal)
            .ThenBy(q => q.Id)
            .ToList();
        if (queueRows.Count > 0)
        {
            await BlechWrites.QueueRegenerationAsync(sql, queueRows, now, ct);
            await Progress("regen_queue insert", queueRows.Count);
        }

        return (new ApplyResult(queueRows.Count, statements) { Ids = ids }, refused);
    }

    // The steps' writes, in the plan's order: inserts parents first, then updates, then deletes children first.
    private async Task WriteStepsAsync(Statements sql, SyncPlan plan, IReadOnlyList<PlanStep> steps, Dictionary<(ObjectKind, string), int> ids,
        HashSet<(string Type, int? Id, string Action)> queue, DateTime now, Func<string, int, Task> progress, CancellationToken ct)
    {
        IEnumerable<PlanStep> Of(ObjectKind kind, PlanAction action) => steps.Where(s => s.Kind == kind && s.Action == action);
        int Id(ObjectKind kind, string key) => ids.TryGetValue((kind, key), out var id) ? id
            : throw new InvalidOperationException($"no standby id for {kind.Name()} '{key}'");

        // The standby's ids of inserted rows, in the order of their items, under the items' keys: what children are placed by
        // and what the pairs of the next sync are made of.
        void Learn(ObjectKind kind, List<SyncItem> items, IReadOnlyList<int> newIds)
        {
            for (var i = 0; i < items.Count; i++)
            {
                ids[(kind, items[i].Key)] = newIds[i];
            }
        }

        // A child written means its parent's file is written again: a regen_queue row for each parent of the items.
        void QueueParents(List<SyncItem> items, ObjectKind parentKind, string type) =>
            queue.UnionWith(items.Select(i => i.ParentKey!).Distinct(StringComparer.Ordinal).Select(parent => (type, (int?)Id(parentKind, parent), "write")));

        // Inserts, parents first; a parent's new id comes back for its children and its regen_queue row.
        var clients = Of(ObjectKind.Client, PlanAction.Insert).Select(s => s.Source!).ToList();
        if (clients.Count > 0)
        {
            var newIds = await sql.InsertReturningIdsAsync("client", BlechColumns.ClientInsert,
                Rows(clients, i =>
                {
                    var c = (ClientRow)i.Row;
                    return [c.Login, c.Name, c.Email, c.PasswordHash, c.Active, now];
                }), ct);
            Learn(ObjectKind.Client, clients, newIds);

            await progress("client insert", clients.Count);
        }

        var sites = Of(ObjectKind.Site, PlanAction.Insert).Select(s => s.Source!).ToList();
        if (sites.Count > 0)
        {
            var newIds = await sql.InsertReturningIdsAsync("site", BlechColumns.SiteInsert,
                Rows(sites, i => SiteValues((SiteRow)i.Row, Id(ObjectKind.Client, i.ParentKey!), now)), ct);
            Learn(ObjectKind.Site, sites, newIds);
            queue.UnionWith(newIds.Select(id => ("site", (int?)id, "write")));

            await progress("site insert", sites.Count);
        }

        var zones = Of(ObjectKind.Zone, PlanAction.Insert).Select(s => s.Source!).ToList();
        if (zones.Count > 0)
        {
            var newIds = await sql.InsertReturningIdsAsync("dns_zone", BlechColumns.ZoneInsert,
                Rows(zones, i => ZoneValues((ZoneRow)i.Row, Id(ObjectKind.Client, i.ParentKey!), now)), ct);
            Learn(ObjectKind.Zone, zones, newIds);
            queue.UnionWith(newIds.Select(id => ("zone", (int?)id, "write")));

            await progress("dns_zone insert", zones.Count);
        }

        var records = Of(ObjectKind.Record, PlanAction.Insert).Select(s => s.Source!).ToList();
        if (records.Count > 0)
        {
            QueueParents(records, ObjectKind.Zone, "zone");
            var newIds = await sql.InsertReturningIdsAsync("dns_record", BlechColumns.RecordInsert,
                Rows(records, i =>
                {
                    var r = (RecordRow)i.Row;
                    return [Id(ObjectKind.Zone, i.ParentKey!), r.Name, r.Type, r.Ttl, r.Priority, r.Data, r.Active, now];
                }), ct);
            Learn(ObjectKind.Record, records, newIds);
            await progress("dns_record insert", records.Count);
        }

        var mailDomains = Of(ObjectKind.MailDomain, PlanAction.Insert).Select(s => s.Source!).ToList();
        if (mailDomains.Count > 0)
        {
            var newIds = await sql.InsertReturningIdsAsync("mail_domain", BlechColumns.MailDomainInsert,
                Rows(mailDomains, i =>
                {
                    var d = (MailDomainRow)i.Row;
                    return [Id(ObjectKind.Client, i.ParentKey!), d.Domain, d.Active, now];
                }), ct);
            Learn(ObjectKind.MailDomain, mailDomains, newIds);
            queue.UnionWith(newIds.Select(id => ("mail", (int?)id, "write")));

            await progress("mail_domain insert", mailDomains.Count);
        }

        var mailboxes = Of(ObjectKind.Mailbox, PlanAction.Insert).Select(s => s.Source!).ToList();
        if (mailboxes.Count > 0)
        {
            QueueParents(mailboxes, ObjectKind.MailDomain, "mail");
            var newIds = await sql.InsertReturningIdsAsync("mailbox", BlechColumns.MailboxInsert,
                Rows(mailboxes, i =>
                {
                    var m = (MailboxRow)i.Row;
                    return [Id(ObjectKind.MailDomain, i.ParentKey!), m.LocalPart, m.PasswordHash, m.QuotaMb, m.ForwardTo, m.Active, now];
                }), ct);
            Learn(ObjectKind.Mailbox, mailboxes, newIds);
            await progress("mailbox insert", mailboxes.Count);
        }

        var aliases = Of(ObjectKind.Alias, PlanAction.Insert).Select(s => s.Source!).ToList();
        if (aliases.Count > 0)
        {
            QueueParents(aliases, ObjectKind.MailDomain, "mail");
            var newIds = await sql.InsertReturningIdsAsync("mail_alias", BlechColumns.AliasInsert,
                Rows(aliases, i =>
                {
                    var a = (AliasRow)i.Row;
                    return [Id(ObjectKind.MailDomain, i.ParentKey!), a.Source, a.Destination, a.Active, now];
                }), ct);
            Learn(ObjectKind.Alias, aliases, newIds);
            await progress("mail_alias insert", aliases.Count);
        }

        // Updates: whole rows from the peer, onto the standby's ids, set-based per table.
        var updates = ObjectKinds.All.ToDictionary(k => k, _ => new List<object?[]>());
        foreach (var step in steps.Where(s => s.Action == PlanAction.Update))
        {
            var id = step.Target!.Id;
            switch (step.Source!.Row)
            {
                case ClientRow c:
                    updates[ObjectKind.Client].Add([id, c.Name, c.Email, c.PasswordHash, c.Active, now]);
                    break;
                case SiteRow s:
                    updates[ObjectKind.Site].Add([id, Id(ObjectKind.Client, step.Source.ParentKey!), s.Aliases, s.IpAddress, s.HttpPort, s.HttpsPort, s.DocumentRoot,
                        s.SslCertPath, s.SslKeyPath, s.PhpVersion, s.CustomDirectives, s.Active, now]);
                    queue.Add(("site", id, "write"));
                    break;
                case ZoneRow z:
                    updates[ObjectKind.Zone].Add([id, Id(ObjectKind.Client, step.Source.ParentKey!), z.PrimaryNs, z.Hostmaster, z.Serial, z.Refresh, z.Retry, z.Expire,
                        z.Minimum, z.DefaultTtl, z.Active, now]);
                    queue.Add(("zone", id, "write"));
                    break;
                case RecordRow r:
                    updates[ObjectKind.Record].Add([id, r.Ttl, r.Priority, r.Active, now]);
                    queue.Add(("zone", Id(ObjectKind.Zone, step.Source.ParentKey!), "write"));
                    break;
                case MailDomainRow d:
                    updates[ObjectKind.MailDomain].Add([id, Id(ObjectKind.Client, step.Source.ParentKey!), d.Active, now]);
                    queue.Add(("mail", id, "write"));
                    break;
                case MailboxRow m:
                    updates[ObjectKind.Mailbox].Add([id, m.PasswordHash, m.QuotaMb, m.ForwardTo, m.Active, now]);
                    queue.Add(("mail", Id(ObjectKind.MailDomain, step.Source.ParentKey!), "write"));
                    break;
                case AliasRow a:
                    updates[ObjectKind.Alias].Add([id, a.Destination, a.Active, now]);
                    queue.Add(("mail", Id(ObjectKind.MailDomain, step.Source.ParentKey!), "write"));
                    break;
            }
        }

        foreach (var (kind, rows) in updates.Where(u => u.Value.Count > 0))
        {
            await sql.UpdateByIdAsync(Table(kind), UpdateColumns(kind), rows, ct);
            await progress($"{Table(kind)} update", rows.Count);
        }

        // Deletes, children first (the plan is ordered so). Children of a deleted parent need no regeneration of that parent.
        var deletedZones = plan.Of(ObjectKind.Zone, PlanAction.Delete).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var deletedDomains = plan.Of(ObjectKind.MailDomain, PlanAction.Delete).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var group in steps.Where(s => s.Action == PlanAction.Delete).GroupBy(s => s.Kind))
        {
            foreach (var step in group)
            {
                var parent = step.Target!.ParentKey;
                switch (group.Key)
                {
                    case ObjectKind.Site:
                        queue.Add(("site", step.Target.Id, "remove"));
                        break;
                    case ObjectKind.Zone:
                        queue.Add(("zone", step.Target.Id, "remove"));
                        break;
                    case ObjectKind.Record when !deletedZones.Contains(parent!):
                        queue.Add(("zone", Id(ObjectKind.Zone, parent!), "write"));
                        break;
                    case ObjectKind.MailDomain:
                        queue.Add(("mail", step.Target.Id, "remove"));
                        break;
                    case ObjectKind.Mailbox or ObjectKind.Alias when !deletedDomains.Contains(parent!):
                        queue.Add(("mail", Id(ObjectKind.MailDomain, parent!), "write"));
                        break;
                }
            }

            var list = group.Select(s => s.Target!.Id).Distinct().ToList();
            await sql.DeleteByIdsAsync(Table(group.Key), list, ct);
            await progress($"{Table(group.Key)} delete", list.Count);
        }

    }


    // The peer's keys of a kind: every standby object that is not being deleted, and every one being inserted.
    private static IEnumerable<string> SourceKeys(SyncPlan plan, SyncSet local, ObjectKind kind)
    {
        var deleted = plan.Of(kind, PlanAction.Delete).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        return local[kind].Keys.Where(k => !deleted.Contains(k)).Concat(plan.Of(kind, PlanAction.Insert).Select(s => s.Key));
    }

    // An insert's rows, made one by one as the writer takes them (their parents' ids are all known by then).
    private static ProjectedRows<SyncItem> Rows(List<SyncItem> items, Func<SyncItem, object?[]> project) => new(items, project);

    public static string Table(ObjectKind kind) => Schema.BlechTables.Of(kind).Name;

    private static BulkColumn[] UpdateColumns(ObjectKind kind) => Schema.BlechTables.Of(kind).Update();

    private static object?[] SiteValues(SiteRow s, int clientId, DateTime now) =>
        [clientId, s.Domain, s.Aliases, s.IpAddress, s.HttpPort, s.HttpsPort, s.DocumentRoot, s.SslCertPath, s.SslKeyPath, s.PhpVersion, s.CustomDirectives, s.Active, now];

    private static object?[] ZoneValues(ZoneRow z, int clientId, DateTime now) =>
        [clientId, z.Origin, z.PrimaryNs, z.Hostmaster, z.Serial, z.Refresh, z.Retry, z.Expire, z.Minimum, z.DefaultTtl, z.Active, now];
}
