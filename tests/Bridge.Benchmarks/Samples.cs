namespace Bridge.Benchmarks;

/// One measured run of one thing. Run 0 is the warm-up and counts for nothing.
public sealed record Sample
{
    public required string Engine { get; init; }

    /// What was measured: <c>full.sync</c>, <c>full.diff</c>, <c>full.copy</c> (copy floor), <c>noop.floor</c> (read floor), <c>noop.sync</c>, <c>change.sync</c>, <c>pt.print</c>...
    public required string Scenario { get; init; }

    public required int Run { get; init; }

    public bool Warmup => Run == 0;

    public required double WallMs { get; init; }

    public required int ExitCode { get; init; }

    public long? MaxRssKb { get; init; }

    public double? UserSeconds { get; init; }

    public double? SystemSeconds { get; init; }

    /// Bridge's apply step: changes applied and the step's own time, from its log line.
    public long? AppliedChanges { get; init; }

    public double? ApplyMs { get; init; }

    public long? Statements { get; init; }

    public double? PeerReadMs { get; init; }

    public double? LocalReadMs { get; init; }

    public bool? NothingChanged { get; init; }

    public bool? SerialsRaised { get; init; }

    /// Where a bridge run's wall time went (see <see cref="BridgeLog"/>); for a floor, the peer's and the standby's reads.
    public Dictionary<string, double> Phases { get; init; } = [];

    public static Sample From(string engine, string scenario, int run, ChildResult r) => new()
    {
        Engine = engine,
        Scenario = scenario,
        Run = run,
        WallMs = Math.Round(r.WallMs, 1),
        ExitCode = r.ExitCode,
        MaxRssKb = r.MaxRssKb,
        UserSeconds = r.UserSeconds,
        SystemSeconds = r.SystemSeconds,
    };

    public static Sample FromBridge(string engine, string scenario, int run, ChildResult r, string? reportHead = null)
    {
        var log = BridgeLog.Parse(r, reportHead);
        return From(engine, scenario, run, r) with
        {
            AppliedChanges = log.AppliedChanges,
            ApplyMs = log.ApplyMs,
            Statements = log.Statements,
            PeerReadMs = log.PeerReadMs,
            LocalReadMs = log.LocalReadMs,
            NothingChanged = log.NothingChanged,
            SerialsRaised = log.SerialsRaised,
            Phases = log.Phases.ToDictionary(p => p.Key, p => Math.Round(p.Value, 1)),
        };
    }

    /// Rows a second of the apply step alone.
    public double? ApplyRowsPerSecond => AppliedChanges is > 0 && ApplyMs is > 0 ? AppliedChanges / (ApplyMs / 1000.0) : null;
}

/// The median, min and max of the runs that count.
public sealed record Stat(double Median, double Min, double Max, int Count)
{
    public static Stat? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Stat(median, sorted[0], sorted[^1], sorted.Length);
    }
}

/// Everything one run of <c>scripts/bench.sh SIZE</c> measured, as written to <c>results-SIZE.json</c>.
public sealed record BenchResults
{
    /// The method of issue 11: read floor of whole tables, copy floor, interleaved ratios. Files without it (0) are older.
    public const int CurrentMethod = 2;

    public int Method { get; init; }

    public required string Size { get; init; }

    public required int Runs { get; init; }

    public required DateTime StartedAt { get; init; }

    public DateTime FinishedAt { get; set; }

    public required MachineInfo Machine { get; init; }

    /// Rows of each Blech table on chip after creation, per engine.
    public Dictionary<string, Dictionary<string, long>> Rows { get; init; } = [];

    /// Set-up steps that are not measured but took time (creating datasets, changes), in ms.
    public List<SetupStep> Setup { get; init; } = [];

    public List<string> Notes { get; init; } = [];

    public List<Sample> Samples { get; init; } = [];

    public IEnumerable<Sample> Counted(string engine, string scenario) =>
        Samples.Where(s => s.Engine == engine && s.Scenario == scenario && !s.Warmup && s.ExitCode is 0 or 2);

    public Stat? Wall(string engine, string scenario) => Stat.Of(Counted(engine, scenario).Select(s => s.WallMs));
}

public sealed record SetupStep(string Engine, string Step, double Ms);

/// The machine and the versions of everything measured.
public sealed record MachineInfo(string Cpu, int Cores, string Memory, string Kernel, Dictionary<string, string> Versions);
