using System.Globalization;
using System.Text;

namespace Bridge.Benchmarks;

/// Renders RESULTS.md: the headline (each case against its floor and goal), machine, method, then per size and engine the
/// detail tables, phases and growth. Everything from the results files; ANALYSIS.md (hand-written) is included as it is.
public static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Engine, string Title)[] EngineList = [("postgres", "PostgreSQL"), ("mysql", "MariaDB")];

    private static readonly string[] PhaseNames = ["startup", "read peer", "read local", "normalize, plan, guard", "apply", "state, commit", "report, exit"];

    public static string Render(IReadOnlyList<BenchResults> all, string? analysis)
    {
        var md = new StringBuilder();
        md.AppendLine("# Bridge benchmark results").AppendLine();
        md.AppendLine("Made by `scripts/bench.sh SIZE RUNS` (one run of the script per size; the raw samples are in `results-SIZE.json` beside this file)");
        md.AppendLine("and rendered by `bridge-bench report`. Every figure is the wall-clock time of a whole process, measured by `bridge-bench` around");
        md.AppendLine("the child, with peak memory from `/usr/bin/time -v` (\"Maximum resident set size\"). Each case is measured against its floor in");
        md.AppendLine("the same iteration, back to back; the ratio is taken per iteration and the median of those ratios is reported, beside the");
        md.AppendLine("medians of the absolute times.").AppendLine();
        var current = all.Where(r => r.Method == BenchResults.CurrentMethod).ToList();
        foreach (var r in current)
        {
            md.AppendLine(Inv, $"- **{r.Size}**: {r.Runs} counted run{(r.Runs == 1 ? "" : "s")}, {r.StartedAt:yyyy-MM-dd HH:mm} to {r.FinishedAt:HH:mm} UTC ({(r.FinishedAt - r.StartedAt).TotalMinutes:F0} min)");
        }

        foreach (var r in all.Where(r => r.Method != BenchResults.CurrentMethod))
        {
            md.AppendLine(Inv, $"- **{r.Size}**: not shown. `results-{r.Size}.json` was measured on {r.StartedAt:yyyy-MM-dd} with the older method (the floor was Bridge's own joined queries, no copy floor); run `scripts/bench.sh {r.Size}` again.");
        }

        md.AppendLine();
        if (current.Count == 0)
        {
            return md.ToString();
        }

        foreach (var r in current.OrderBy(r => r.Size == Cases.GoalSize ? 0 : 1))
        {
            Headline(md, r);
        }

        Machine(md, current);
        Method(md);
        if (!string.IsNullOrWhiteSpace(analysis))
        {
            md.AppendLine(analysis.TrimEnd()).AppendLine();
        }

        foreach (var r in current)
        {
            md.AppendLine(Inv, $"## {r.Size}: every measurement").AppendLine();
            foreach (var (engine, title) in EngineList.Where(e => r.Samples.Any(s => s.Engine == e.Engine)))
            {
                EngineTable(md, r, engine, title);
                ApplyTable(md, r, engine, title);
                PhaseTable(md, r, engine, title);
            }

            if (r.Notes.Count > 0)
            {
                md.AppendLine("Notes of this run:").AppendLine();
                foreach (var n in r.Notes)
                {
                    md.AppendLine(Inv, $"- {n}");
                }

                md.AppendLine();
            }
        }

        if (current.Count > 1)
        {
            Growth(md, current);
        }

        return md.ToString();
    }

    /// The ratio of one case: per iteration (median, min, max of the ratios) when interleaved, else the ratio of the medians.
    public static Stat? Ratio(BenchResults r, string engine, Case c)
    {
        if (!c.Interleaved)
        {
            var a = r.Wall(engine, c.Scenario);
            var b = r.Wall(engine, c.Baseline);
            return a is null || b is null || b.Median <= 0 ? null : new Stat(a.Median / b.Median, a.Median / b.Median, a.Median / b.Median, 1);
        }

        var floors = r.Counted(engine, c.Baseline).Where(s => s.WallMs > 0).ToDictionary(s => s.Run, s => s.WallMs);
        return Stat.Of(r.Counted(engine, c.Scenario).Where(s => floors.ContainsKey(s.Run)).Select(s => s.WallMs / floors[s.Run]));
    }

    private static void Headline(StringBuilder md, BenchResults r)
    {
        var goals = r.Size == Cases.GoalSize;
        md.AppendLine(Inv, $"## Headline: {r.Size}").AppendLine();
        md.AppendLine(goals
            ? "The goals of issue 11 are set for this size. *ratio*: the median of the per-iteration ratios (min–max)."
            : $"The goals are set for {Cases.GoalSize}; on {r.Size} the verdicts are for reference only. *ratio*: the median of the per-iteration ratios (min–max).");
        md.AppendLine();
        md.AppendLine("| case | engine | bridge (median) | against | its median | ratio | goal | verdict |").AppendLine("|---|---|---|---|---|---|---|---|");
        var missed = new List<string>();
        var verdicts = 0;
        foreach (var (engine, title) in EngineList.Where(e => r.Samples.Any(s => s.Engine == e.Engine)))
        {
            foreach (var c in Cases.All.Where(c => !c.MariaDbOnly || engine == "mysql"))
            {
                var a = r.Wall(engine, c.Scenario);
                var b = r.Wall(engine, c.Baseline);
                var ratio = Ratio(r, engine, c);
                if (a is null || b is null || ratio is null)
                {
                    if (c.Goal is not null && goals)
                    {
                        md.AppendLine(Inv, $"| {c.Label} | {title} | {(a is null ? "not measured" : Ms(a.Median))} | {c.BaselineLabel} | {(b is null ? "not measured" : Ms(b.Median))} | | {c.Goal.Text} | not measured |");
                    }

                    continue;
                }

                var range = ratio.Count > 1 ? $" ({ratio.Min:F2}–{ratio.Max:F2})" : c.Interleaved ? "" : " (of the medians)";
                var verdict = string.Empty;
                if (c.Goal is { } g)
                {
                    verdicts++;
                    var met = ratio.Median <= g.Limit;
                    verdict = met ? "met" : $"**missed** by {ratio.Median / g.Limit:F2}×";
                    if (!met)
                    {
                        missed.Add($"{c.Label}, {title}: {Ms(a.Median)} against {c.BaselineLabel} {Ms(b.Median)}, ratio {ratio.Median:F2}× where the goal is {g.Text}. {WhereTimeWent(r, engine, c.Scenario)}");
                    }
                }

                md.AppendLine(Inv, $"| {c.Label} | {title} | {Ms(a.Median)} | {c.BaselineLabel} | {Ms(b.Median)} | **{ratio.Median:F2}×**{range} | {c.Goal?.Text ?? ""} | {verdict} |");
            }

            var syncRss = Stat.Of(r.Counted(engine, "change.sync").Where(s => s.MaxRssKb is not null).Select(s => s.MaxRssKb!.Value / 1024.0));
            if (syncRss is not null)
            {
                verdicts++;
                var met = syncRss.Max <= Cases.RssGoalMb;
                md.AppendLine(Inv, $"| peak RSS of a 1% sync (largest of its runs) | {title} | {syncRss.Max:N0} MB | | | | ≤ {Cases.RssGoalMb:N0} MB | {(met ? "met" : $"**missed** by {syncRss.Max - Cases.RssGoalMb:N0} MB")} |");
                if (!met)
                {
                    missed.Add($"peak RSS of a 1% sync, {title}: {syncRss.Max:N0} MB (median {syncRss.Median:N0} MB) where the goal is ≤ {Cases.RssGoalMb:N0} MB.");
                }
            }

            if (PeakRssMb(r, engine) is { } peak)
            {
                md.AppendLine(Inv, $"| largest peak RSS of any bridge run | {title} | {peak.Mb:N0} MB ({peak.Scenario}) | | | | | |");
            }
        }

        md.AppendLine();
        if (goals && verdicts > 0)
        {
            md.AppendLine(Inv, $"Goals on {r.Size}: {verdicts - missed.Count} of {verdicts} met.{(missed.Count > 0 ? " Missed, with what was measured and where bridge's time went (phase medians, see the phase tables below):" : "")}").AppendLine();
            foreach (var m in missed)
            {
                md.AppendLine(Inv, $"- {m}");
            }

            if (missed.Count > 0)
            {
                md.AppendLine();
            }
        }
    }

    // The largest phases of a bridge run, from its log lines (see BridgeLog): the measured part of "why".
    private static string WhereTimeWent(BenchResults r, string engine, string scenario)
    {
        var runs = r.Counted(engine, scenario).ToList();
        var phases = PhaseNames
            .Select(p => (p, s: Stat.Of(runs.Where(x => x.Phases.ContainsKey(p)).Select(x => x.Phases[p]))))
            .Where(x => x.s is not null && x.s.Median > 0)
            .OrderByDescending(x => x.s!.Median)
            .Take(4)
            .Select(x => $"{x.p} {Ms(x.s!.Median)}")
            .ToList();
        var startup = scenario == "noop.sync" ? r.Wall(engine, "startup") : null;
        return (phases.Count == 0 ? string.Empty : $"Bridge's time went to: {string.Join(", ", phases)}.")
            + (startup is null ? string.Empty : $"{(phases.Count == 0 ? "" : " ")}Start-up alone (`blech-bridge --version`): {Ms(startup.Median)}.");
    }

    // The machine of the last size's run; the Bridge build of every size (the sizes may come from runs of different builds).
    private static void Machine(StringBuilder md, IReadOnlyList<BenchResults> all)
    {
        var r = all[^1];
        md.AppendLine("## Machine and versions").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine(Inv, $"| CPU | {r.Machine.Cpu}, {r.Machine.Cores} cores (`lscpu`) |");
        md.AppendLine(Inv, $"| memory | {r.Machine.Memory} |");
        md.AppendLine(Inv, $"| kernel | {r.Machine.Kernel} |");
        // A line that is not the same for every size (the build measured, a server setting, one a size's run did not record
        // yet) is given per size.
        foreach (var k in all.SelectMany(size => size.Machine.Versions.Keys).Distinct(StringComparer.Ordinal))
        {
            var values = all.Select(size => size.Machine.Versions.GetValueOrDefault(k)).ToList();
            if (values.Distinct(StringComparer.Ordinal).Count() == 1)
            {
                md.AppendLine(Inv, $"| {k} | {values[0]!.ReplaceLineEndings(" ")} |");
                continue;
            }

            foreach (var size in all)
            {
                md.AppendLine(Inv, $"| {k} ({size.Size}) | {(size.Machine.Versions.GetValueOrDefault(k) ?? "not recorded").ReplaceLineEndings(" ")} |");
            }
        }

        md.AppendLine();
        md.AppendLine("All four servers (a PostgreSQL pair and a MariaDB pair) run on this machine on 127.0.0.1, started by `scripts/lib/servers.sh`");
        md.AppendLine("(PostgreSQL with fsync off, its shared memory on 4 KiB pages unless `BENCH_PG_HUGE_PAGES=on`, as *PostgreSQL huge_pages*");
        md.AppendLine("says; MariaDB with `innodb_flush_log_at_trx_commit=0`, buffer pool raised to 2 GiB by bench.sh). The");
        md.AppendLine("bridge process, the client and the servers share the same cores, so a figure includes the server's work too.").AppendLine();
    }

    private static void Method(StringBuilder md)
    {
        md.AppendLine("## What is measured").AppendLine();
        md.AppendLine("""
            - **read floor**: every Blech table Bridge reads (server, ip_address, client, site, dns_zone, dns_record, mail_domain,
              mailbox, mail_alias), whole, no joins, with the server's own client, output to /dev/null: `psql -f` running
              `COPY table TO STDOUT` for each, and `mariadb --quick --batch` running `SELECT * FROM table` for each. First chip's
              database, then dale's; the floor is the sum.
            - **copy floor**: into a standby recreated empty (the emulator's `BlechServer.CreateAsync`: Blech's schema, its `server`
              row and its own `ip_address` row, no content), chip's content tables (client, site, dns_zone, dns_record, mail_domain,
              mailbox, mail_alias) copied as one pipeline: `pg_dump --data-only -t ... | psql` on PostgreSQL, `mariadb-dump
              --no-create-info --skip-triggers ... | mariadb` on MariaDB. `server` and `ip_address` are not copied: the empty
              standby already holds its own row in each (copying chip's would collide on the primary key), and Bridge does not
              copy them either (it registers the service address, one row). Bridge also queues a `regen_queue` row per object,
              which the copy does not. The first iteration checks that dale then holds as many rows as chip in each copied table.
            - **full sync**: per iteration, dale recreated empty, `blech-bridge diff` (the **full diff**, no floor), the copy floor,
              dale recreated empty again, `blech-bridge sync --force --format json`. Ratio: full sync / copy floor.
            - **no-op sync**: after a sync, nothing changed on either side: the read floor, then `blech-bridge sync`
              (the fingerprint shortcut). `blech-bridge --version` (start-up alone) is timed in the same iteration.
            - **1% diff and 1% sync**: per iteration `bridge-dataset change --percent 1` on chip (edits, inserts and deletes over every
              kind, a new seed each iteration), then `blech-bridge diff`, the read floor, `blech-bridge sync --force`: the floor
              runs back to back with both. Each iteration starts from the state the previous sync left.
            - **1% resync**: per iteration another 1% change, the read floor, then `blech-bridge resync` (compares everything,
              queues the regeneration of every synced object), to set incremental against full comparison.
            - **pt-table-sync** (MariaDB only): chip and dale created from the same seed (ids align), then one 1% change on chip;
              `pt-table-sync --no-check-slave --no-check-triggers --databases blech --tables client,site,dns_zone,dns_record,mail_domain,mailbox,mail_alias
              h=127.0.0.1,P=chip,u=bridge,p=… h=127.0.0.1,P=dale`, with `--dry-run` (it "stops before it compares any data", its
              manual says) and with `--print` (compares the tables and prints the statements that would fix dale, changing nothing).
              Per iteration `--print` and `blech-bridge diff` run back to back on that pair; `blech-bridge sync` on it runs once
              (it changes dale). The goal "1% sync at least 5× faster than pt-table-sync --print" is the median 1% sync of the
              bench pair over the median `--print`: the same size of change, but measured in different phases of the run.
            - **apply**: the apply step alone, from bridge's log line `Applied N changes in S statements, ... in Ms ms`: N / Ms.
            - **peak RSS**: `/usr/bin/time -v` of every bridge run; the headline gives the 1% sync's largest and the largest of all.
            - Every process is started anew (`blech-bridge`, `psql`, `mariadb`, `pg_dump`, `pt-table-sync`), so every figure includes
              process start-up. Which `blech-bridge` was run (the published command or the build output) is in the table above.

            """);
    }

    private static (double Mb, string Scenario)? PeakRssMb(BenchResults r, string engine)
    {
        var bridgeRuns = r.Samples.Where(s => s.Engine == engine && !s.Warmup && s.MaxRssKb is not null
            && !s.Scenario.EndsWith(".floor", StringComparison.Ordinal) && s.Scenario is not ("full.copy" or "pt.dry-run" or "pt.print")).ToList();
        if (bridgeRuns.Count == 0)
        {
            return null;
        }

        var top = bridgeRuns.MaxBy(s => s.MaxRssKb)!;
        return (top.MaxRssKb!.Value / 1024.0, top.Scenario);
    }

    private static void EngineTable(StringBuilder md, BenchResults r, string engine, string title)
    {
        var rows = r.Rows.TryGetValue(engine, out var counts) ? counts.Where(c => c.Key != "regen_queue").Sum(c => c.Value) : 0;
        md.AppendLine(Inv, $"### {title}, {r.Size} ({rows:N0} rows on chip)").AppendLine();
        md.AppendLine("*× floor*: the median of the per-iteration ratios to the floor named; runs that failed are not counted.").AppendLine();
        md.AppendLine("| measurement | median | min–max | floor | floor median | × floor | peak RSS median (max) | CPU user+sys |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");

        void Row(string label, string scenario, string? floor = null, string? floorLabel = null, bool interleaved = true)
        {
            var all = r.Counted(engine, scenario).ToList();
            var wall = Stat.Of(all.Select(s => s.WallMs));
            if (wall is null)
            {
                return;
            }

            var f = floor is null ? null : r.Wall(engine, floor);
            var ratio = floor is null ? null : Ratio(r, engine, new Case(label, scenario, floor, floorLabel ?? floor, interleaved, null));
            var rss = Stat.Of(all.Where(s => s.MaxRssKb is not null).Select(s => s.MaxRssKb!.Value / 1024.0));
            var cpu = Stat.Of(all.Select(s => (s.UserSeconds ?? 0) + (s.SystemSeconds ?? 0)));
            var runs = wall.Count < r.Runs ? $" ({wall.Count} run{(wall.Count == 1 ? "" : "s")})" : "";
            md.AppendLine(Inv, $"| {label} | {Ms(wall.Median)} | {Ms(wall.Min)}–{Ms(wall.Max)}{runs} | {(f is null ? "" : floorLabel)} | {(f is null ? "" : Ms(f.Median))} | {(ratio is null ? "" : $"{ratio.Median:F2}×")} | {(rss is null ? "" : $"{rss.Median:N0} MB ({rss.Max:N0})")} | {(cpu is null ? "" : $"{cpu.Median:F2} s")} |");
        }

        Row("full sync into an empty standby", "full.sync", "full.copy", Cases.CopyFloor);
        Row("full diff (empty standby)", "full.diff");
        Row("no-op sync", "noop.sync", "noop.floor", Cases.ReadFloor);
        Row("(`blech-bridge --version`: start-up alone)", "startup", "noop.floor", Cases.ReadFloor);
        Row("1% change: sync", "change.sync", "change.floor", Cases.ReadFloor);
        Row("1% change: diff", "change.diff", "change.floor", Cases.ReadFloor);
        Row("1% change: resync", "resync.sync", "resync.floor", Cases.ReadFloor);
        Row("pt-table-sync --dry-run (compares nothing)", "pt.dry-run");
        Row("pt-table-sync --print (compares all rows)", "pt.print");
        Row("blech-bridge diff on pt's pair", "pt.diff", "pt.print", "pt --print");
        Row("blech-bridge sync on pt's pair", "pt.sync", "pt.print", "pt --print", interleaved: false);
        Row("copy floor: dump chip | load the empty standby", "full.copy");
        Row("read floor: both databases (no-op)", "noop.floor");
        Row("read floor: both databases (1% diff, sync)", "change.floor");
        Row("read floor: both databases (1% resync)", "resync.floor");
        md.AppendLine();
        var floors = new[] { "noop.floor", "change.floor" }
            .Select(f => (f, peer: Stat.Of(r.Counted(engine, f).Select(s => s.Phases.GetValueOrDefault("peer"))), local: Stat.Of(r.Counted(engine, f).Select(s => s.Phases.GetValueOrDefault("local")))))
            .Where(x => x.peer is not null && x.local is not null)
            .Select(x => $"{x.f}: chip {Ms(x.peer!.Median)} + dale {Ms(x.local!.Median)}")
            .ToList();
        if (floors.Count > 0)
        {
            md.AppendLine(Inv, $"Read floor split (medians): {string.Join("; ", floors)}.").AppendLine();
        }
    }

    private static void ApplyTable(StringBuilder md, BenchResults r, string engine, string title)
    {
        md.AppendLine(Inv, $"Apply step alone, {title} {r.Size}:").AppendLine();
        md.AppendLine("| run | changes applied | statements | apply time median (min–max) | rows/s median (min–max) |").AppendLine("|---|---|---|---|---|");
        foreach (var (label, scenario) in new[] { ("full sync into an empty standby", "full.sync"), ("1% change sync", "change.sync"), ("sync on pt's pair", "pt.sync") })
        {
            var all = r.Counted(engine, scenario).Where(s => s.ApplyMs is not null).ToList();
            if (all.Count == 0)
            {
                continue;
            }

            var ms = Stat.Of(all.Select(s => s.ApplyMs!.Value))!;
            var rps = Stat.Of(all.Select(s => s.ApplyRowsPerSecond ?? 0))!;
            var changes = Stat.Of(all.Select(s => (double)(s.AppliedChanges ?? 0)))!;
            var statements = Stat.Of(all.Select(s => (double)(s.Statements ?? 0)))!;
            md.AppendLine(Inv, $"| {label} | {changes.Median:N0} | {statements.Median:N0} | {Ms(ms.Median)} ({Ms(ms.Min)}–{Ms(ms.Max)}) | {rps.Median:N0} ({rps.Min:N0}–{rps.Max:N0}) |");
        }

        md.AppendLine();
    }

    private static void PhaseTable(StringBuilder md, BenchResults r, string engine, string title)
    {
        var scenarios = new[] { ("full sync", "full.sync"), ("full diff", "full.diff"), ("1% sync", "change.sync"), ("1% diff", "change.diff"), ("no-op sync", "noop.sync") }
            .Where(s => r.Counted(engine, s.Item2).Any(x => x.Phases.Count > 0)).ToList();
        if (scenarios.Count == 0)
        {
            return;
        }

        md.AppendLine(Inv, $"Where bridge's time goes, {title} {r.Size} (medians, ms; from the log lines' own timings and the times they arrived).");
        md.AppendLine("*startup*: process start to the standby's role (runtime, configuration, run lock, the role read);");
        md.AppendLine("*read peer*: from the standby's role to the end of the peer's read (for an incremental run: the fingerprints, both listings,");
        md.AppendLine("the stored pairs and the read of what changed); *report, exit*: everything after the last log line (for a sync, the");
        md.AppendLine("apply's: the standby listed again, the pairs, the state, the commit, the report);");
        md.AppendLine("for a diff, *normalize, plan, guard* runs to the exit (it logs nothing after its reads); for the no-op sync, *startup* is");
        md.AppendLine("everything up to its verdict.").AppendLine();
        md.AppendLine("| run | " + string.Join(" | ", PhaseNames) + " | wall | CPU user+sys |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", PhaseNames.Length + 2)));
        foreach (var (label, scenario) in scenarios)
        {
            var all = r.Counted(engine, scenario).ToList();
            md.Append(Inv, $"| {label} |");
            foreach (var p in PhaseNames)
            {
                var s = Stat.Of(all.Where(x => x.Phases.ContainsKey(p)).Select(x => x.Phases[p]));
                md.Append(Inv, $" {(s is null ? "–" : s.Median.ToString("N0", Inv))} |");
            }

            var wall = Stat.Of(all.Select(x => x.WallMs))!;
            var cpu = Stat.Of(all.Select(x => ((x.UserSeconds ?? 0) + (x.SystemSeconds ?? 0)) * 1000))!;
            md.AppendLine(Inv, $" {wall.Median:N0} | {cpu.Median:N0} |");
        }

        md.AppendLine();
    }

    private static void Growth(StringBuilder md, IReadOnlyList<BenchResults> all)
    {
        md.AppendLine("## Growth from small to large to huge").AppendLine();
        md.AppendLine("Medians of wall time (and the largest max RSS of the bridge runs); each size from its own run of the script.").AppendLine();
        foreach (var (engine, title) in EngineList)
        {
            var sizes = all.Where(r => r.Samples.Any(s => s.Engine == engine)).ToList();
            if (sizes.Count < 2)
            {
                continue;
            }

            md.AppendLine(Inv, $"### {title}").AppendLine();
            md.Append("| measurement |");
            foreach (var r in sizes)
            {
                md.Append(Inv, $" {r.Size} |");
            }

            for (var i = 1; i < sizes.Count; i++)
            {
                md.Append(Inv, $" {sizes[i].Size} / {sizes[i - 1].Size} |");
            }

            md.AppendLine().AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", (sizes.Count * 2) - 1)));

            void Line(string label, Func<BenchResults, double?> value, Func<double, string> format)
            {
                var values = sizes.Select(value).ToList();
                md.Append(Inv, $"| {label} |");
                foreach (var v in values)
                {
                    md.Append(Inv, $" {(v is null ? "–" : format(v.Value))} |");
                }

                for (var i = 1; i < values.Count; i++)
                {
                    md.Append(Inv, $" {(values[i] is { } b && values[i - 1] is { } a && a > 0 ? $"×{b / a:F1}" : "–")} |");
                }

                md.AppendLine();
            }

            Line("rows on chip", r => r.Rows.TryGetValue(engine, out var c) ? c.Where(x => x.Key != "regen_queue").Sum(x => x.Value) : null, v => v.ToString("N0", Inv));
            foreach (var (label, scenario) in new[]
                     {
                         ("full sync", "full.sync"), ("full diff", "full.diff"), ("copy floor", "full.copy"), ("no-op sync", "noop.sync"),
                         ("1% sync", "change.sync"), ("1% diff", "change.diff"), ("read floor (1%)", "change.floor"), ("1% resync", "resync.sync"),
                         ("pt-table-sync --print", "pt.print"), ("pt-table-sync --dry-run", "pt.dry-run"),
                     })
            {
                if (sizes.Any(r => r.Wall(engine, scenario) is not null))
                {
                    Line(label, r => r.Wall(engine, scenario)?.Median, Ms);
                }
            }

            Line("apply rows/s (full sync)", r => Stat.Of(r.Counted(engine, "full.sync").Select(s => s.ApplyRowsPerSecond).OfType<double>())?.Median, v => v.ToString("N0", Inv));
            Line("peak RSS, MB", r => PeakRssMb(r, engine)?.Mb, v => v.ToString("N0", Inv));
            md.AppendLine();
        }
    }

    private static string Ms(double ms) => Math.Abs(ms) >= 10_000
        ? (ms / 1000).ToString("N1", Inv) + " s"
        : Math.Abs(ms) >= 100 ? ms.ToString("N0", Inv) + " ms" : ms.ToString("N1", Inv) + " ms";
}
