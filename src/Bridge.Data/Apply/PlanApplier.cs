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
    private IEngineDialect Dialect { get; } = dialect;

    private Func<ApplyProgress, CancellationToken, Task>? OnProgress { get; } = onProgress;

    /// <summary>Queue regeneration of every object the peer has, changed or not (a full resync), not only of those touched.</summary>
    public bool QueueAll { get; init; }

    /// <summary>How many rows the standby's database may refuse in one apply before the apply gives up as a whole.</summary>
    public int MaxRefused { get; init; } = 50;

    /// <summary>Applies the whole plan or throws: any error rolls back with the caller's transaction.</summary>
    public async Task<ApplyResult> ApplyAsync(DbConnection connection, DbTransaction transaction, SyncPlan plan, SyncSet local, DateTime now, CancellationToken ct)
    {
        var session = Begin(connection, transaction, now, isolate: false);
        session.Know(local, ObjectKinds.All);
        await session.RegisterAsync(plan.AddressesToRegister, ct);
        await session.WriteAsync(plan.Steps, plan, ct);
        return (await session.FinishAsync(plan, local, ct)).Result;
    }

    /// <summary>
    /// Starts an apply written in one part or more: the standby's ids of the kinds it has been told of
    /// (<see cref="ApplySession.Know"/>), the regeneration rows and the refused steps carry from one part to the next, so that a
    /// plan written in two parts writes exactly what it would have written in one. With <paramref name="isolate"/>, when the
    /// standby's database refuses a row's data (a constraint, a value it cannot hold that the pre-apply checks did not know),
    /// a part rolls back to a savepoint and applies its steps in halves, down to the single steps it refuses, which are left
    /// out with the database's reason, together with the steps of their children. Everything stays in the caller's
    /// transaction, so a transient failure still rolls back the whole run. More than <see cref="MaxRefused"/> refused rows, or
    /// a refused address registration, throw.
    /// </summary>
    public ApplySession Begin(DbConnection connection, DbTransaction transaction, DateTime now, bool isolate = true) =>
        new(this, connection, transaction, now, isolate);

    /// <summary>One apply, written in parts (see <see cref="Begin"/>).</summary>
    public sealed class ApplySession
    {
        private readonly PlanApplier _applier;
        private readonly DbTransaction _transaction;
        private readonly Statements _sql;
        private readonly DateTime _now;
        private readonly bool _isolate;
        private readonly int _pid;
        private readonly Dictionary<(ObjectKind, string), int> _ids = [];
        private readonly HashSet<(string Type, int? Id, string Action)> _queue = [];
        private readonly List<RefusedStep> _refused = [];

        // Objects whose insert was refused: not on the standby, so their children cannot be written either.
        private readonly HashSet<(ObjectKind, string)> _missing = [];
        private int _statements;
        private int _savepoints;

        internal ApplySession(PlanApplier applier, DbConnection connection, DbTransaction transaction, DateTime now, bool isolate)
        {
            _applier = applier;
            _transaction = transaction;
            _sql = new Statements(connection, transaction, applier.Dialect);
            _pid = applier.Dialect.ServerProcessId(connection);
            _now = now;
            _isolate = isolate;
        }

        /// <summary>The standby's objects of these kinds, by natural key: what the steps' parents and updates are placed by.</summary>
        public void Know(SyncSet local, IEnumerable<ObjectKind> kinds)
        {
            foreach (var kind in kinds)
            {
                foreach (var (key, item) in local[kind])
                {
                    _ids[(kind, key)] = item.Id;
                }
            }
        }

        /// <summary>Registers the addresses sites are about to be written with; a refusal throws.</summary>
        public async Task RegisterAsync(IReadOnlyList<string> addresses, CancellationToken ct)
        {
            foreach (var address in addresses)
            {
                await BlechWrites.RegisterAddressAsync(_sql, address, ct);
                await ProgressAsync("ip_address", 1, ct);
            }
        }

        /// <summary>
        /// Writes these steps (inserts parents first, then updates, then deletes children first); <paramref name="plan"/>, when
        /// the steps include deletes, is the whole plan they come from (a record deleted with its zone needs no regeneration
        /// of that zone).
        /// </summary>
        public async Task WriteAsync(IReadOnlyList<PlanStep> steps, SyncPlan? plan, CancellationToken ct)
        {
            if (plan is null && steps.Any(s => s.Action == PlanAction.Delete))
            {
                throw new ArgumentException("deletes are written with the plan they come from", nameof(plan));
            }

            (HashSet<string> Zones, HashSet<string> Domains) deleted = plan is null ? ([], [])
                : (plan.Of(ObjectKind.Zone, PlanAction.Delete).Select(s => s.Key).ToHashSet(StringComparer.Ordinal),
                    plan.Of(ObjectKind.MailDomain, PlanAction.Delete).Select(s => s.Key).ToHashSet(StringComparer.Ordinal));

            Task Progress(string step, int rows) => ProgressAsync(step, rows, ct);
            if (!_isolate)
            {
                await _applier.WriteStepsAsync(_sql, deleted, steps, _ids, _queue, _now, Progress, ct);
                return;
            }

            await ApplyOrSplitAsync(steps, deleted, Progress, ct);
        }

        /// <summary>Queues the regeneration rows of everything written (with <see cref="QueueAll"/>, of every object the peer has).</summary>
        public async Task<(ApplyResult Result, IReadOnlyList<RefusedStep> Refused)> FinishAsync(SyncPlan plan, SyncSet local, CancellationToken ct)
        {
            if (_applier.QueueAll)
            {
                foreach (var (kind, type) in new[] { (ObjectKind.Site, "site"), (ObjectKind.Zone, "zone"), (ObjectKind.MailDomain, "mail") })
                {
                    foreach (var key in SourceKeys(plan, local, kind))
                    {
                        if (_ids.TryGetValue((kind, key), out var id))
                        {
                            _queue.Add((type, id, "write"));
                        }
                    }
                }
            }

            // Removals first: a zone deleted and re-created under a new id must not have its fresh file removed after it is written.
            var queueRows = _queue
                .OrderBy(q => q.Action == "remove" ? 0 : 1)
                .ThenBy(q => q.Type, StringComparer.Ordinal)
                .ThenBy(q => q.Id)
                .ToList();
            if (queueRows.Count > 0)
            {
                await BlechWrites.QueueRegenerationAsync(_sql, queueRows, _now, ct);
                await ProgressAsync("regen_queue insert", queueRows.Count, ct);
            }

            return (new ApplyResult(queueRows.Count, _statements) { Ids = _ids }, _refused);
        }

        private async Task ProgressAsync(string step, int rows, CancellationToken ct)
        {
            _statements++;
            if (_applier.OnProgress is not null)
            {
                await _applier.OnProgress(new ApplyProgress(step, rows, _pid), ct);
            }
        }

        // Applies steps under a savepoint; on a data error, rolls back to it and tries each half, down to single steps.
        private async Task ApplyOrSplitAsync(IReadOnlyList<PlanStep> steps, (HashSet<string> Zones, HashSet<string> Domains) deleted, Func<string, int, Task> progress, CancellationToken ct)
        {
            var kept = new List<PlanStep>(steps.Count);
            foreach (var step in steps)
            {
                var item = step.Source ?? step.Target!;
                if (Planner.ParentKind(step.Kind) is { } parentKind && item.ParentKey is { } parent && _missing.Contains((parentKind, parent)))
                {
                    if (step.Action == PlanAction.Insert)
                    {
                        _missing.Add((step.Kind, step.Key));
                    }

                    _refused.Add(new RefusedStep(step, $"its {parentKind.Name()} {parent} was refused by the standby's database", Child: true));
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

            var savepoint = $"bridge_apply_{_savepoints++}";
            var idsBefore = new Dictionary<(ObjectKind, string), int>(_ids);
            var queueBefore = new HashSet<(string Type, int? Id, string Action)>(_queue);
            await _transaction.SaveAsync(savepoint, ct);
            try
            {
                await _applier.WriteStepsAsync(_sql, deleted, kept, _ids, _queue, _now, progress, ct);
                await _transaction.ReleaseAsync(savepoint, ct);
                return;
            }
            catch (Exception e) when (Run.Failures.DataError(e, _applier.Dialect) is { } reason)
            {
                await _transaction.RollbackAsync(savepoint, ct);
                _ids.Clear();
                idsBefore.ToList().ForEach(p => _ids[p.Key] = p.Value);
                _queue.Clear();
                _queue.UnionWith(queueBefore);
                if (kept.Count == 1)
                {
                    if (kept[0].Action == PlanAction.Insert)
                    {
                        _missing.Add((kept[0].Kind, kept[0].Key));
                    }

                    _refused.Add(new RefusedStep(kept[0], "the standby's database refused it: " + reason, Child: false));
                    if (_refused.Count(r => !r.Child) > _applier.MaxRefused)
                    {
                        throw new TooManyRefusedException(_applier.MaxRefused, _refused.Where(r => !r.Child).Select(r => $"{r.Step.Kind.Name()} {r.Step.Key}: {r.Reason}").First());
                    }

                    return;
                }
            }

            var half = kept.Count / 2;
            await ApplyOrSplitAsync(kept.Take(half).ToList(), deleted, progress, ct);
            await ApplyOrSplitAsync(kept.Skip(half).ToList(), deleted, progress, ct);
        }
    }

    // The steps' writes, in the plan's order: inserts parents first, then updates, then deletes children first.
    private async Task WriteStepsAsync(Statements sql, (HashSet<string> Zones, HashSet<string> Domains) deleted, IReadOnlyList<PlanStep> steps, Dictionary<(ObjectKind, string), int> ids,
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
        var (deletedZones, deletedDomains) = deleted;
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
