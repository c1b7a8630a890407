namespace Bridge.Benchmarks;

/// A limit on a ratio: <c>measured / baseline</c> at most <see cref="Limit"/>.
public sealed record Goal(double Limit, string Text);

/// One headline case: a bridge run (<see cref="Scenario"/>) measured against its floor (<see cref="Baseline"/>).
/// <see cref="Interleaved"/>: the two ran back to back in every iteration, so the ratio is taken per iteration and its median
/// reported; otherwise (pt-table-sync, measured on its own pair in its own phase) the ratio of the two medians.
public sealed record Case(string Label, string Scenario, string Baseline, string BaselineLabel, bool Interleaved, Goal? Goal, bool MariaDbOnly = false);

/// The cases of the issue "Benchmark" (issue 11), their floors and the goals set for the <c>large</c> dataset.
public static class Cases
{
    public const string GoalSize = "large";

    /// Peak RSS of a 1% sync, in MB.
    public const double RssGoalMb = 300;

    public const string ReadFloor = "read floor";

    public const string CopyFloor = "copy floor";

    public static readonly IReadOnlyList<Case> All =
    [
        new("no-op sync", "noop.sync", "noop.floor", ReadFloor, true, new(0.25, "≤ 0.25× the read floor")),
        new("1% sync", "change.sync", "change.floor", ReadFloor, true, new(0.75, "≤ 0.75× the read floor")),
        new("1% diff", "change.diff", "change.floor", ReadFloor, true, null),
        new("1% resync (compares everything)", "resync.sync", "resync.floor", ReadFloor, true, null),
        new("full sync into an empty standby", "full.sync", "full.copy", CopyFloor, true, new(1.5, "≤ 1.5× the copy floor")),
        new("1% sync vs pt-table-sync --print", "change.sync", "pt.print", "pt-table-sync --print", false, new(0.2, "at least 5× faster (≤ 0.20×)"), MariaDbOnly: true),
        new("diff on pt's pair vs pt-table-sync --print (same change)", "pt.diff", "pt.print", "pt-table-sync --print", true, null, MariaDbOnly: true),
        new("sync on pt's pair vs pt-table-sync --print (same change, one run)", "pt.sync", "pt.print", "pt-table-sync --print", false, null, MariaDbOnly: true),
    ];
}
