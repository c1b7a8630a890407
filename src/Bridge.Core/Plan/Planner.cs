using Bridge.Core.Model;
using Bridge.Core.Normalize;

namespace Bridge.Core.Plan;

/// <summary>What the planner needs besides the two sides: the standby's registered addresses and what Bridge wrote last time.</summary>
/// <summary>
/// What the planner needs besides the two sides: the standby's registered addresses, what Bridge wrote last time, and when
/// Bridge's last successful run ended (standby rows written after it were edited on the standby).
/// </summary>
public sealed record PlanContext(IReadOnlyCollection<string> LocalIpAddresses, IReadOnlyDictionary<string, string> LastSiteAddresses, DateTime? LastSync = null)
{
    /// <summary>
    /// Standby objects the peer never received: its own last sync from this machine left them out (bad rows), so their absence
    /// there is no deletion. They are kept (with their children) and reported, and do not count toward the delete guard.
    /// </summary>
    public IReadOnlyList<SkippedObject> NeverCopied { get; init; } = [];

    /// <summary>The peer's name, for the report's "kept: never copied to ..." lines.</summary>
    public string? PeerName { get; init; }
}

/// <summary>The inserts and updates of some kinds, made before the rest of the plan (<see cref="Planner.Writes"/>).</summary>
public sealed record PlannedWrites(IReadOnlyList<ObjectKind> Kinds, List<PlanStep> Inserts, List<PlanStep> Updates)
{
    public int Count => Inserts.Count + Updates.Count;
}

/// <summary>Compares the peer's objects with the standby's and orders the changes for the standby's foreign keys.</summary>
public static class Planner
{
    /// <summary>
    /// The plan; with <paramref name="written"/>, the inserts and updates of its kinds are those steps (already written by the
    /// caller, see <see cref="Writes"/>), not made again.
    /// </summary>
    public static SyncPlan Plan(SyncSet peer, SyncSet local, PlanContext context, PlannedWrites? written = null)
    {
        var protectedKeys = ProtectedKeys(peer.Skipped, local);
        var neverCopied = NeverCopiedKeys(context.NeverCopied, local);
        var kept = new List<SkippedObject>();
        var inserts = new List<PlanStep>();
        var updates = new List<PlanStep>();
        var deletes = new List<PlanStep>();

        foreach (var kind in ObjectKinds.All)
        {
            var theirs = peer[kind];
            var ours = local[kind];
            if (written is not null && written.Kinds.Contains(kind))
            {
                inserts.AddRange(written.Inserts.Where(s => s.Kind == kind));
                updates.AddRange(written.Updates.Where(s => s.Kind == kind));
            }
            else
            {
                InsertsAndUpdates(kind, theirs, ours, context, inserts, updates);
            }

            foreach (var (key, target) in ours)
            {
                if (!theirs.ContainsKey(key) && neverCopied.TryGetValue((kind, key), out var why))
                {
                    kept.Add(new SkippedObject(kind, key, $"never copied to {context.PeerName ?? "the peer"}, reason: {why}"));
                }
                else if (!theirs.ContainsKey(key) && !protectedKeys.Contains((kind, key)))
                {
                    deletes.Add(new PlanStep(kind, PlanAction.Delete, key, null, target, []));
                }
            }
        }

        foreach (var duplicate in local.Duplicates)
        {
            deletes.Add(new PlanStep(duplicate.Kind, PlanAction.Delete, duplicate.Key, null, duplicate, [], Revert: false));
        }

        KeepReferencedClients(deletes, updates, local);
        updates = Conflicts(updates, context);
        if (context.LastSync is { } lastSync)
        {
            deletes = [.. deletes.Select(d => d.Target!.UpdatedAt > lastSync ? d with { Conflict = true } : d)];
        }

        // Children go before parents when deleting; ObjectKind is declared parents first.
        deletes = [.. deletes.OrderByDescending(d => d.Kind)];

        var toRegister = AddressesToRegister(peer, context);
        var siteAddresses = peer[ObjectKind.Site].ToDictionary(p => p.Key, p => ((SiteRow)p.Value.Row).IpAddress, StringComparer.Ordinal);

        return new SyncPlan(
            [.. inserts, .. updates, .. deletes],
            peer.Skipped,
            toRegister,
            siteAddresses,
            ObjectKinds.All.ToDictionary(k => k, peer.Count),
            ObjectKinds.All.ToDictionary(k => k, k => local.Count(k) + local.Duplicates.Count(d => d.Kind == k)))
        {
            Warnings = peer.Warnings,
            Kept = kept,
        };
    }

    /// <summary>
    /// The inserts and updates of the given kinds only, exactly as <see cref="Plan"/> makes them: a kind's inserts and updates
    /// depend on that kind's objects alone (deletes, which look across kinds, are left to <see cref="Plan"/>). A run writes
    /// these while it is still normalizing the other kinds.
    /// </summary>
    public static PlannedWrites Writes(SyncSet peer, SyncSet local, PlanContext context, IEnumerable<ObjectKind> kinds)
    {
        var ordered = kinds.Order().ToList();
        var inserts = new List<PlanStep>();
        var updates = new List<PlanStep>();
        foreach (var kind in ordered)
        {
            InsertsAndUpdates(kind, peer[kind], local[kind], context, inserts, updates);
        }

        return new PlannedWrites(ordered, inserts, Conflicts(updates, context));
    }

    /// <summary>The peer's site addresses that the standby has not registered yet, each once, in order.</summary>
    public static List<string> AddressesToRegister(SyncSet peer, PlanContext context)
    {
        var registered = new HashSet<string>(context.LocalIpAddresses.Select(a => Addresses.Canonical(a) ?? a), StringComparer.Ordinal);
        return peer[ObjectKind.Site].Values
            .Select(s => ((SiteRow)s.Row).IpAddress)
            .Where(a => !registered.Contains(a))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static void InsertsAndUpdates(ObjectKind kind, IReadOnlyDictionary<string, SyncItem> theirs, IReadOnlyDictionary<string, SyncItem> ours, PlanContext context,
        List<PlanStep> inserts, List<PlanStep> updates)
    {
        foreach (var (key, source) in theirs)
        {
            if (!ours.TryGetValue(key, out var target))
            {
                inserts.Add(new PlanStep(kind, PlanAction.Insert, key, source, null, []));
                continue;
            }

            var changes = Compare(target.Fields, source.Fields);
            if (changes.Count > 0)
            {
                var revert = kind == ObjectKind.Site && changes.Count == 1 && changes[0].Name == "ip_address"
                    && context.LastSiteAddresses.TryGetValue(key, out var written) && written == changes[0].To;
                updates.Add(new PlanStep(kind, PlanAction.Update, key, source, target, changes, revert));
            }
        }
    }

    // An update of a standby row edited there after Bridge's last successful run is a conflict (the peer's version wins; the
    // report says so), unless it only puts back the address Bridge wrote.
    private static List<PlanStep> Conflicts(List<PlanStep> updates, PlanContext context) => context.LastSync is { } lastSync
        ? [.. updates.Select(u => u.Revert || u.Conflict || !(u.Target!.UpdatedAt > lastSync) ? u : u with { Conflict = true })]
        : updates;

    // The never-copied objects and, under each, the standby's children of it (the peer skipped them with their parent).
    private static Dictionary<(ObjectKind, string), string> NeverCopiedKeys(IReadOnlyList<SkippedObject> neverCopied, SyncSet local)
    {
        var keys = new Dictionary<(ObjectKind, string), string>();
        if (neverCopied.Count == 0)
        {
            return keys;
        }

        foreach (var s in neverCopied)
        {
            keys.TryAdd((s.Kind, s.Key), s.Reason);
        }

        foreach (var kind in ObjectKinds.All)
        {
            var parentKind = ParentKind(kind);
            foreach (var item in local[kind].Values)
            {
                if (parentKind is { } pk && item.ParentKey is { } parent && keys.ContainsKey((pk, parent)))
                {
                    keys.TryAdd((kind, item.Key), $"its {pk.Name()} {parent} was never copied");
                }
            }
        }

        return keys;
    }

    /// <summary>Field-by-field differences, in the order the fields are listed.</summary>
    public static List<FieldChange> Compare(IReadOnlyList<FieldValue> from, IReadOnlyList<FieldValue> to)
    {
        var changes = new List<FieldChange>();
        for (var i = 0; i < to.Count; i++)
        {
            if (!string.Equals(from[i].Value, to[i].Value, StringComparison.Ordinal))
            {
                changes.Add(new FieldChange(to[i].Name, from[i].Value, to[i].Value, to[i].Secret));
            }
        }

        return changes;
    }

    // A skipped peer object must not take the standby's good copy with it: the standby keeps its object of the same key, its
    // children, and (for a record) any record of the same name and type, which is most likely the good version of the bad row.
    private static HashSet<(ObjectKind, string)> ProtectedKeys(IReadOnlyList<SkippedObject> skipped, SyncSet local)
    {
        var keys = new HashSet<(ObjectKind, string)>();
        var parents = new HashSet<(ObjectKind, string)>();
        var recordPrefixes = new List<string>();
        foreach (var s in skipped)
        {
            keys.Add((s.Kind, s.Key));
            parents.Add((s.Kind, s.Key));
            if (s.Kind == ObjectKind.Record && Normalizer.RecordOwnerAndType(s.Key) is { } prefix)
            {
                recordPrefixes.Add(prefix);
            }
        }

        foreach (var kind in ObjectKinds.All)
        {
            var parentKind = ParentKind(kind);
            foreach (var item in local[kind].Values)
            {
                var isProtected = (parentKind is { } pk && item.ParentKey is { } parent && parents.Contains((pk, parent)))
                    || (kind == ObjectKind.Record && recordPrefixes.Exists(p => item.Key.StartsWith(p, StringComparison.Ordinal)));
                if (isProtected && keys.Add((kind, item.Key)))
                {
                    parents.Add((kind, item.Key));
                }
            }
        }

        return keys;
    }

    public static ObjectKind? ParentKind(ObjectKind kind) => kind switch
    {
        ObjectKind.Site or ObjectKind.Zone or ObjectKind.MailDomain => ObjectKind.Client,
        ObjectKind.Record => ObjectKind.Zone,
        ObjectKind.Mailbox or ObjectKind.Alias => ObjectKind.MailDomain,
        _ => null,
    };

    // A client row cannot go while a standby site, zone or mail domain that stays still points at it.
    private static void KeepReferencedClients(List<PlanStep> deletes, List<PlanStep> updates, SyncSet local)
    {
        var deleted = deletes.Select(d => (d.Kind, d.Key)).ToHashSet();
        var moved = updates.Where(u => u.Source is not null).ToDictionary(u => (u.Kind, u.Key), u => u.Source!.ParentKey);
        var stillUsed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in new[] { ObjectKind.Site, ObjectKind.Zone, ObjectKind.MailDomain })
        {
            foreach (var item in local[kind].Values)
            {
                if (!deleted.Contains((kind, item.Key)))
                {
                    stillUsed.Add(moved.TryGetValue((kind, item.Key), out var newClient) ? newClient! : item.ParentKey!);
                }
            }
        }

        deletes.RemoveAll(d => d.Kind == ObjectKind.Client && stillUsed.Contains(d.Key));
    }
}
