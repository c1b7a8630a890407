using System.Globalization;
using System.Text;

namespace Bridge.Benchmarks;

/// Renders RESULTS.md: machine, versions, method, targets on large, a table per size and engine, phases, growth.
public static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Engine, string Title, double ApplyTarget)[] EngineList =
        [("postgres", "PostgreSQL", 100_000), ("mysql", "MariaDB", 50_000)];

    private static readonly string[] PhaseNames = ["startup", "read peer", "read local", "normalize, plan, guard", "apply", "state, commit", "report, exit"];

    public static string Render(IReadOnlyList<BenchResults> all, string? analysis)
    {
        var md = new StringBuilder();
        md.AppendLine("# Bridge benchmark results").AppendLine();
        md.AppendLine("Made by `scripts/bench.sh SIZE RUNS` (one run of the script per size; the raw samples are in `results-SIZE.json` beside this file).");
        md.AppendLine("Every figure is wall-clock time of a whole process, measured by `bridge-bench` around the child, with peak memory from");
        md.AppendLine("`/usr/bin/time -v` (\"Maximum resident set size\"). Medians of the counted runs, after one warm-up run that is not counted.").AppendLine();
        foreach (var r in all)
        {
            md.AppendLine(Inv, $"- **{r.Size}**: {r.Runs} counted run{(r.Runs == 1 ? "" : "s")}, {r.StartedAt:yyyy-MM-dd HH:mm} to {r.FinishedAt:HH:mm} UTC ({(r.FinishedAt - r.StartedAt).TotalMinutes:F0} min)");
        }

        md.AppendLine();
        if (all.Count == 0)
        {
            return md.ToString();
        }

        Machine(md, all[^1]);
        Method(md);
        var large = all.FirstOrDefault(r => r.Size == "large");
        var huge = all.FirstOrDefault(r => r.Size == "huge");
        if (large is not null)
        {
            Targets(md, large, huge);
        }

        if (!string.IsNullOrWhiteSpace(analysis))
        {
            md.AppendLine(analysis.TrimEnd()).AppendLine();
        }

        foreach (var r in all)
        {
            md.AppendLine(Inv, $"## {r.Size}").AppendLine();
            foreach (var (engine, title, _) in EngineList.Where(e => r.Samples.Any(s => s.Engine == e.Engine)))
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

        if (all.Count > 1)
        {
            Growth(md, all);
        }

        return md.ToString();
    }

    private static void Machine(StringBuilder md, BenchResults r)
    {
        md.AppendLine("## Machine and versions").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine(Inv, $"| CPU | {r.Machine.Cpu}, {r.Machine.Cores} cores (`lscpu`) |");
        md.AppendLine(Inv, $"| memory | {r.Machine.Memory} |");
        md.AppendLine(Inv, $"| kernel | {r.Machine.Kernel} |");
        foreach (var (k, v) in r.Machine.Versions)
        {
            md.AppendLine(Inv, $"| {k} | {v.ReplaceLineEndings(" ")} |");
        }

        md.AppendLine();
        md.AppendLine("All four servers (a PostgreSQL pair and a MariaDB pair) run on this machine on 127.0.0.1, started by `scripts/lib/servers.sh`");
        md.AppendLine("(PostgreSQL with fsync off; MariaDB with `innodb_flush_log_at_trx_commit=0`, buffer pool raised to 2 GiB by bench.sh). The");
        md.AppendLine("bridge process, the client and the servers share the same cores, so a figure includes the server's work too.").AppendLine();
    }

    private static void Method(StringBuilder md)
    {
        md.AppendLine("## What is measured").AppendLine();
        md.AppendLine("""
            - **full sync**: `blech-bridge sync --force --format json` into a standby recreated empty (Blech schema, server row, no content)
              before every run; **full diff**: `blech-bridge diff --format json` on that same empty standby, just before the sync.
            - **no-op sync**: consecutive `blech-bridge sync` runs after a sync, nothing changed on either side (fingerprint shortcut).
            - **1% sync**: `bridge-dataset change --percent 1` on chip (edits, inserts and deletes over every kind, a new seed each run),
              then `blech-bridge diff`, then `blech-bridge sync --force`. Each run starts from the state the previous sync left, where chip and dale
              are identical, so no recreation is needed.
            - **apply**: the apply step alone, from bridge's log line `Applied N changes in S statements, ... in Ms ms`: N / Ms.
            - **floor**: the same nine queries Bridge's snapshot reader runs (server, ip_address, client, site ⋈ client, dns_zone ⋈ client,
              dns_record ⋈ dns_zone, mail_domain ⋈ client, mailbox ⋈ mail_domain, mail_alias ⋈ mail_domain, each `ORDER BY id`), run
              with the servers' own clients, output to /dev/null: `psql -f` with `COPY (query) TO STDOUT` for each, and
              `mariadb --quick --batch`. First chip's database, then dale's, one after the other; the floor is the sum, measured in
              the same iteration as the bridge runs it is compared with. For the full sync the standby is the empty one, so that
              floor is reading chip's tables plus an empty standby; for the no-op and 1% cases it is reading both full databases.
            - **pt-table-sync** (MariaDB only): chip and dale created from the same seed (ids align), then one 1% change on chip;
              `pt-table-sync --no-check-slave --no-check-triggers --databases blech --tables client,site,dns_zone,dns_record,mail_domain,mailbox,mail_alias
              h=127.0.0.1,P=chip,u=bridge,p=… h=127.0.0.1,P=dale`, once with `--dry-run` and once with `--print` (output to /dev/null).
              Note that pt-table-sync's `--dry-run` "stops before it compares any data" (its manual): it only connects, inspects the
              tables and picks an algorithm. `--print` is the run that really compares the tables (checksums by chunk, then rows)
              and prints the statements that would fix dale, changing nothing; it is the fair peer. On the same pair, in the same
              iterations, `blech-bridge diff` is timed; `blech-bridge sync` on that pair can run once only (it changes dale).
            - Every process is started anew (`dotnet blech-bridge.dll`, `psql`, `mariadb`, `pt-table-sync`), so every figure includes
              process start-up: about 0.1-0.2 s for .NET, a few ms for the C clients. On small this dominates.

            """);
    }

    private static void Targets(StringBuilder md, BenchResults large, BenchResults? huge)
    {
        md.AppendLine("## Targets (on large)").AppendLine();
        md.AppendLine("| target | engine | measured | met? |").AppendLine("|---|---|---|---|");
        foreach (var (engine, title, applyTarget) in EngineList.Where(e => large.Samples.Any(s => s.Engine == e.Engine)))
        {
            RatioTarget(md, large, engine, title, "full diff within 2× the floor", "full.diff", "full.floor", 2.0);
            RatioTarget(md, large, engine, title, "full sync within 2× the floor", "full.sync", "full.floor", 2.0);
            RatioTarget(md, large, engine, title, "1% sync within 1.5× the floor", "change.sync", "change.floor", 1.5);
            RatioTarget(md, large, engine, title, "no-op sync at most 0.25× the floor", "noop.sync", "noop.floor", 0.25);

            var rps = Stat.Of(large.Counted(engine, "full.sync").Select(s => s.ApplyRowsPerSecond).OfType<double>());
            if (rps is not null)
            {
                var met = rps.Median >= applyTarget;
                md.AppendLine(Inv, $"| apply ≥ {applyTarget:N0} rows/s (full sync's apply step) | {title} | {rps.Median:N0} rows/s ({rps.Min:N0}–{rps.Max:N0}) | {(met ? "met" : $"**missed**: {rps.Median / applyTarget:P0} of the target, short by {applyTarget - rps.Median:N0} rows/s")} |");
            }

            if (engine == "mysql")
            {
                foreach (var (label, scenario) in new[] { ("1% sync", "change.sync"), ("1% diff", "change.diff"), ("diff on pt's pair", "pt.diff") })
                {
                    RatioTarget(md, large, engine, title, $"{label} faster than pt-table-sync --dry-run", scenario, "pt.dry-run", 1.0, strict: true);
                    RatioTarget(md, large, engine, title, $"{label} faster than pt-table-sync --print", scenario, "pt.print", 1.0, strict: true);
                }
            }

            var rss = PeakRssMb(large, engine);
            if (rss is not null)
            {
                md.AppendLine(Inv, $"| peak memory under 400 MB (largest max RSS of any bridge run) | {title} | {rss.Value.Mb:N0} MB ({rss.Value.Scenario}) | {(rss.Value.Mb < 400 ? "met" : $"**missed** by {rss.Value.Mb - 400:N0} MB ({rss.Value.Mb / 400:F2}×)")} |");
            }

            var hugeRss = huge is null ? null : PeakRssMb(huge, engine);
            if (rss is not null && hugeRss is not null && huge!.Rows.TryGetValue(engine, out var hugeRows) && large.Rows.TryGetValue(engine, out var largeRows))
            {
                var memGrowth = hugeRss.Value.Mb / rss.Value.Mb;
                var rowGrowth = (double)hugeRows.Values.Sum() / largeRows.Values.Sum();
                md.AppendLine(Inv, $"| peak memory grows no faster than linearly, large → huge | {title} | {rss.Value.Mb:N0} → {hugeRss.Value.Mb:N0} MB: ×{memGrowth:F2} for ×{rowGrowth:F2} rows | {(memGrowth <= rowGrowth ? "met" : $"**missed** by {memGrowth / rowGrowth:F2}×")} |");
            }
        }

        md.AppendLine();
    }

    private static void RatioTarget(StringBuilder md, BenchResults r, string engine, string title, string label, string scenario, string baseline, double limit, bool strict = false)
    {
        var a = r.Wall(engine, scenario);
        var b = r.Wall(engine, baseline);
        if (a is null || b is null)
        {
            return;
        }

        var ratio = a.Median / b.Median;
        var met = strict ? ratio < limit : ratio <= limit;
        var verdict = met ? "met" : $"**missed** by {ratio / limit:F2}× ({Ms(a.Median - (b.Median * limit))} too slow)";
        md.AppendLine(Inv, $"| {label} | {title} | {Ms(a.Median)} vs {Ms(b.Median)}: **{ratio:F2}×** | {verdict} |");
    }

    private static (double Mb, string Scenario)? PeakRssMb(BenchResults r, string engine)
    {
        var bridgeRuns = r.Samples.Where(s => s.Engine == engine && !s.Warmup && s.MaxRssKb is not null
            && !s.Scenario.EndsWith(".floor", StringComparison.Ordinal) && !s.Scenario.StartsWith("pt.dry", StringComparison.Ordinal) && s.Scenario != "pt.print").ToList();
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
        var pt = engine == "mysql";
        md.Append("| measurement | median | min–max | floor (median) | × floor |");
        md.AppendLine(pt ? " × pt --print | × pt --dry-run | peak RSS median (max) | CPU user+sys |" : " peak RSS median (max) | CPU user+sys |");
        md.AppendLine(pt ? "|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|");

        void Row(string label, string scenario, string? floor)
        {
            var all = r.Counted(engine, scenario).ToList();
            var wall = Stat.Of(all.Select(s => s.WallMs));
            if (wall is null)
            {
                return;
            }

            var f = floor is null ? null : r.Wall(engine, floor);
            var rss = Stat.Of(all.Where(s => s.MaxRssKb is not null).Select(s => s.MaxRssKb!.Value / 1024.0));
            var cpu = Stat.Of(all.Select(s => (s.UserSeconds ?? 0) + (s.SystemSeconds ?? 0)));
            md.Append(Inv, $"| {label} | {Ms(wall.Median)} | {Ms(wall.Min)}–{Ms(wall.Max)}{(wall.Count < r.Runs ? $" ({wall.Count} run{(wall.Count == 1 ? "" : "s")})" : "")} | {(f is null ? "" : Ms(f.Median))} | {(f is null ? "" : $"{wall.Median / f.Median:F2}×")} |");
            if (pt)
            {
                var print = r.Wall(engine, "pt.print");
                var dry = r.Wall(engine, "pt.dry-run");
                var vsPt = scenario is "change.sync" or "change.diff" or "pt.diff" or "pt.sync";
                md.Append(Inv, $" {(vsPt && print is not null ? $"{wall.Median / print.Median:F2}×" : "")} | {(vsPt && dry is not null ? $"{wall.Median / dry.Median:F2}×" : "")} |");
            }

            md.AppendLine(Inv, $" {(rss is null ? "" : $"{rss.Median:N0} MB ({rss.Max:N0})")} | {(cpu is null ? "" : $"{cpu.Median:F2} s")} |");
        }

        Row("full sync into an empty standby", "full.sync", "full.floor");
        Row("diff of the same (empty standby)", "full.diff", "full.floor");
        Row("no-op sync", "noop.sync", "noop.floor");
        Row("(`blech-bridge --version`: .NET start-up alone)", "startup", "noop.floor");
        Row("1% change: sync", "change.sync", "change.floor");
        Row("1% change: diff", "change.diff", "change.floor");
        if (pt)
        {
            Row("pt-table-sync --dry-run (compares nothing)", "pt.dry-run", "pt.floor");
            Row("pt-table-sync --print (compares all rows)", "pt.print", "pt.floor");
            Row("blech-bridge diff on pt's pair", "pt.diff", "pt.floor");
            Row("blech-bridge sync on pt's pair", "pt.sync", "pt.floor");
        }

        Row("floor: read chip + the empty standby", "full.floor", null);
        Row("floor: read both full databases (no-op)", "noop.floor", null);
        Row("floor: read both full databases (1%)", "change.floor", null);
        if (pt)
        {
            Row("floor: read both (pt's pair)", "pt.floor", null);
        }

        md.AppendLine();
        var floors = new[] { "full.floor", "noop.floor" }
            .Select(f => (f, peer: Stat.Of(r.Counted(engine, f).Select(s => s.Phases.GetValueOrDefault("peer"))), local: Stat.Of(r.Counted(engine, f).Select(s => s.Phases.GetValueOrDefault("local")))))
            .Where(x => x.peer is not null && x.local is not null)
            .Select(x => $"{x.f}: chip {Ms(x.peer!.Median)} + dale {Ms(x.local!.Median)}");
        md.AppendLine(Inv, $"Floor split (medians): {string.Join("; ", floors)}.").AppendLine();
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
        md.AppendLine("*startup*: process start to the start of the peer's read (runtime, JIT, config, run lock, state check, fingerprints);");
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
        foreach (var (engine, title, _) in EngineList)
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
                         ("full sync", "full.sync"), ("full diff", "full.diff"), ("floor (chip + empty)", "full.floor"), ("no-op sync", "noop.sync"),
                         ("1% sync", "change.sync"), ("1% diff", "change.diff"), ("floor (both full)", "change.floor"),
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
