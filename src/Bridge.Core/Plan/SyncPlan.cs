using Bridge.Core.Model;

namespace Bridge.Core.Plan;

/// <summary>What a step does to the standby.</summary>
public enum PlanAction
{
    Insert,
    Update,
    Delete,
}

/// <summary>
/// One change to one standby object. <see cref="Source"/> is the peer's object (insert, update), <see cref="Target"/> the standby's
/// (update, delete). A revert is an update that only puts back what Bridge wrote before and Blech undid. A conflict is an
/// update or delete of a standby object that someone edited on the standby since Bridge's last run: the active machine wins,
/// and the report names it.
/// </summary>
public sealed record PlanStep(ObjectKind Kind, PlanAction Action, string Key, SyncItem? Source, SyncItem? Target, IReadOnlyList<FieldChange> Changes, bool Revert = false)
{
    public bool Conflict { get; init; }
}

/// <summary>Everything a run would do to the standby, in the order it is applied, with what it leaves out.</summary>
public sealed record SyncPlan(
    IReadOnlyList<PlanStep> Steps,
    IReadOnlyList<SkippedObject> Skipped,
    IReadOnlyList<string> AddressesToRegister,
    IReadOnlyDictionary<string, string> SiteAddresses,
    IReadOnlyDictionary<ObjectKind, int> PeerCounts,
    IReadOnlyDictionary<ObjectKind, int> LocalCounts)
{
    /// <summary>A plan with no object steps: only <paramref name="addressesToRegister"/>, if any.</summary>
    public static SyncPlan Nothing(IReadOnlyList<string> addressesToRegister)
    {
        var zero = ObjectKinds.All.ToDictionary(k => k, _ => 0);
        return new SyncPlan([], [], addressesToRegister, new Dictionary<string, string>(), zero, zero);
    }

    /// <summary>Peer objects carried as they are but named for an admin's look.</summary>
    public IReadOnlyList<SkippedObject> Warnings { get; init; } = [];

    /// <summary>
    /// Standby objects the peer lacks only because the peer's own last sync from this machine left them out: kept, not deleted.
    /// </summary>
    public IReadOnlyList<SkippedObject> Kept { get; init; } = [];

    /// <summary>True when applying the plan would change the standby's Blech data.</summary>
    public bool HasChanges => Pending > 0;

    /// <summary>How many changes applying the plan would make: its steps and the addresses it registers.</summary>
    public int Pending => Steps.Count + AddressesToRegister.Count;

    public IEnumerable<PlanStep> Of(ObjectKind kind, PlanAction action) => Steps.Where(s => s.Kind == kind && s.Action == action);

    public int CountOf(ObjectKind kind, PlanAction action, bool reverts = false) => Steps.Count(s => s.Kind == kind && s.Action == action && s.Revert == reverts);

    public IEnumerable<PlanStep> Reverts => Steps.Where(s => s.Revert);

    public IEnumerable<PlanStep> Conflicts => Steps.Where(s => s.Conflict);
}
