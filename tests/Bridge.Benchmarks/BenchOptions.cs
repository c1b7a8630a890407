namespace Bridge.Benchmarks;

/// What <c>bridge-bench run</c> was asked to do; bench.sh passes all of it.
/// <see cref="BridgeCommand"/>: the published <c>blech-bridge</c> executable, or the build output's <c>blech-bridge.dll</c> (run with dotnet).
public sealed record BenchOptions(string Size, int Runs, string WorkFolder, string OutputFolder, string BridgeCommand, string DatasetDll, string Password)
{
    public int PgChip { get; init; }

    public int PgDale { get; init; }

    public int MyChip { get; init; }

    public int MyDale { get; init; }

    /// One uncounted warm-up run before the counted ones.
    public bool Warmup { get; init; } = true;

    /// Also time bridge diff and sync on pt-table-sync's own pair (MariaDB); the 1% runs measure the same work.
    public bool PtBridge { get; init; } = true;

    /// Phases left out: any of <c>full</c>, <c>noop</c>, <c>change</c>, <c>resync</c>, <c>pt</c>.
    public IReadOnlySet<string> Skip { get; init; } = new HashSet<string>();

    /// Engines to measure, in order: postgres, mysql or both.
    public IReadOnlyList<string> Engines { get; init; } = ["postgres", "mysql"];

    public static readonly IReadOnlyList<string> KnownEngines = ["postgres", "mysql"];

    public static readonly IReadOnlyList<string> KnownPhases = ["full", "noop", "change", "resync", "pt"];

    /// Every problem with the options at once, each naming the value and what is allowed; empty when they are fine.
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Size is not ("small" or "large" or "huge"))
        {
            problems.Add($"--size '{Size}' is not one of small, large, huge");
        }

        if (Runs < 1)
        {
            problems.Add($"--runs {Runs} must be at least 1");
        }

        problems.AddRange(Engines.Where(e => !KnownEngines.Contains(e)).Select(e => $"--engines: '{e}' is not one of {string.Join(", ", KnownEngines)}"));
        if (Engines.Count == 0)
        {
            problems.Add("--engines names no engine");
        }

        problems.AddRange(Skip.Where(p => !KnownPhases.Contains(p)).Select(p => $"--skip: '{p}' is not one of {string.Join(", ", KnownPhases)}"));
        return problems;
    }
}
