using System.Globalization;
using Bridge.Core.Model;
using Bridge.Core.Normalize;
using Bridge.Core.Plan;

namespace Bridge.Core.Guard;

/// <summary>The guard's answer: allowed, or refused with one refusal per kind (or one for an empty peer).</summary>
public sealed record GuardVerdict(bool Allowed, IReadOnlyList<GuardRefusal> Refusals)
{
    public static readonly GuardVerdict Allow = new(true, []);

    /// <summary>One line per refusal, as the reports print them.</summary>
    public IReadOnlyList<string> Reasons => Refusals.Select(r => r.Text).ToList();
}

/// <summary>
/// One thing the guard refused: deleting <see cref="Deletes"/> of the standby's <see cref="Total"/> objects of <see cref="Kind"/>
/// (<see cref="Limit"/> being the largest share allowed), or, with no kind, emptying the standby from a peer with no objects at all.
/// </summary>
public sealed record GuardRefusal(ObjectKind? Kind, int Deletes, int Total, double Limit)
{
    /// <summary>True when the peer has no objects at all: not overridable with <c>--force</c>.</summary>
    public bool PeerEmpty => Kind is null;

    public string Text => Kind is { } kind
        ? string.Create(CultureInfo.InvariantCulture,
            $"would delete {Deletes} of the standby's {Total} {kind.Name()} objects ({(double)Deletes / Total:P0}, limit {Limit:P0}); run with --force if this is intended")
        : string.Create(CultureInfo.InvariantCulture,
            $"the peer has no objects at all while the standby has {Total}: refusing to empty the standby (--force does not override this)");
}

/// <summary>
/// Refuses runs that would delete a large share of the standby: a wrong connection string or a half-restored peer database looks
/// exactly like "the customer deleted everything", and the standby is the last good copy.
/// </summary>
public static class DeleteGuard
{
    public const double DefaultMaxDeleteShare = 0.10;

    public static GuardVerdict Check(SyncPlan plan, double maxDeleteShare, bool force)
    {
        var localTotal = plan.LocalCounts.Values.Sum();
        var peerTotal = plan.PeerCounts.Values.Sum() + plan.Skipped.Count;
        if (peerTotal == 0 && localTotal > 0)
        {
            // Not overridable: an empty peer is far more likely a wrong or broken database than a real state.
            return new GuardVerdict(false, [new GuardRefusal(null, localTotal, localTotal, maxDeleteShare)]);
        }

        if (force)
        {
            return GuardVerdict.Allow;
        }

        var reasons = new List<GuardRefusal>();
        foreach (var kind in ObjectKinds.All)
        {
            var deletes = kind == ObjectKind.Record ? RecordDeletesNotReplaced(plan) : plan.CountOf(kind, PlanAction.Delete);
            var total = plan.LocalCounts[kind];
            // In decimal: as doubles, 0.29 * 100 is 28.999999999999996, and deleting exactly the allowed share would be refused.
            if (deletes > 0 && deletes > (decimal)maxDeleteShare * total)
            {
                reasons.Add(new GuardRefusal(kind, deletes, total, maxDeleteShare));
            }
        }

        return reasons.Count == 0 ? GuardVerdict.Allow : new GuardVerdict(false, reasons);
    }

    // A record's data is part of its key, so editing it is a delete and an insert of the same owner name and type: that is a
    // replacement, not a loss, and it must not trip the guard on a small zone.
    private static int RecordDeletesNotReplaced(SyncPlan plan)
    {
        // Only the owner names and types that lose a record are counted among the inserts: a full sync inserts every record
        // and deletes none, and grouping all of them would only make garbage.
        var deleted = plan.Of(ObjectKind.Record, PlanAction.Delete).Select(s => OwnerAndType(s.Key)).ToList();
        if (deleted.Count == 0)
        {
            return 0;
        }

        var inserted = deleted.Distinct(StringComparer.Ordinal).ToDictionary(owner => owner, _ => 0, StringComparer.Ordinal);
        foreach (var insert in plan.Of(ObjectKind.Record, PlanAction.Insert))
        {
            var owner = OwnerAndType(insert.Key);
            if (inserted.TryGetValue(owner, out var n))
            {
                inserted[owner] = n + 1;
            }
        }

        var count = 0;
        foreach (var owner in deleted)
        {
            if (inserted[owner] is var n && n > 0)
            {
                inserted[owner] = n - 1;
            }
            else
            {
                count++;
            }
        }

        return count;
    }

    private static string OwnerAndType(string recordKey) => Normalizer.RecordOwnerAndType(recordKey) ?? recordKey;
}
