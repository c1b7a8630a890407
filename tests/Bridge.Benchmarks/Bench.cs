using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bridge.Emulator;

namespace Bridge.Benchmarks;

/// The measurements of one size on both engine pairs, in the order the brief gives, each after its own reset.
public sealed class Bench(BenchOptions o, TextWriter log)
{
    public const string ServiceAddress = "192.0.2.100";
    public const string DaleAddress = "192.0.2.2";
    public const string ChipAddress = "192.0.2.1";

    private readonly Child _child = new(o.WorkFolder, new Dictionary<string, string>
    {
        ["PGPASSWORD"] = o.Password,
        ["MYSQL_PWD"] = o.Password,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    });

    private BenchResults _results = null!;

    public async Task<BenchResults> RunAsync(CancellationToken ct)
    {
        _results = new BenchResults
        {
            Method = BenchResults.CurrentMethod,
            Size = o.Size,
            Runs = o.Runs,
            StartedAt = DateTime.UtcNow,
            Machine = await Machine.DescribeAsync(o, ct),
        };
        // Measuring some engines only keeps the other engines' samples of this size from an earlier run of the script.
        if (ResultsFile.TryRead(o.OutputFolder, o.Size) is { Method: BenchResults.CurrentMethod } earlier)
        {
            _results.Samples.AddRange(earlier.Samples.Where(s => !o.Engines.Contains(s.Engine)));
            foreach (var (engine, rows) in earlier.Rows.Where(r => !o.Engines.Contains(r.Key)))
            {
                _results.Rows[engine] = rows;
            }

            _results.Setup.AddRange(earlier.Setup.Where(s => !o.Engines.Contains(s.Engine)));
            // Only the notes about the engines kept; this run writes its own about the engines it measures.
            var measured = o.Engines.Select(Title).Concat(o.Engines).ToList();
            _results.Notes.AddRange(earlier.Notes.Where(n => !n.StartsWith("Each figure", StringComparison.Ordinal)
                && !measured.Any(t => n.StartsWith(t, StringComparison.Ordinal)) && !n.Contains(" by this one.", StringComparison.Ordinal)));
            if (earlier.Samples.Any(s => !o.Engines.Contains(s.Engine)))
            {
                _results.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{string.Join(", ", earlier.Samples.Select(s => s.Engine).Distinct().Where(e => !o.Engines.Contains(e)))} measured by an earlier run of the script ({earlier.StartedAt:yyyy-MM-dd HH:mm} UTC); {string.Join(", ", o.Engines)} by this one."));
            }
        }

        if (o.Skip.Count > 0)
        {
            _results.Notes.Add($"{string.Join(", ", o.Engines)}: phases left out of this run: {string.Join(", ", o.Skip)}.");
        }

        _results.Notes.Add(o.Warmup
            ? $"Each figure: {o.Runs} runs after one warm-up run (run 0, not counted)."
            : $"Each figure: {o.Runs} run(s), no warm-up run (each run takes minutes, so the JIT's fixed cost is small beside it).");
        try
        {
            foreach (var engine in o.Engines)
            {
                EnginePair pair = engine == "postgres"
                    ? new PostgresPair(o.PgChip, o.PgDale, o.Password)
                    : new MariaDbPair(o.MyChip, o.MyDale, o.Password);
                await MeasureAsync(pair, ct);
                Save();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _results.Notes.Add($"The run stopped early: {e.Message}");
            Save();
            throw;
        }

        return _results;
    }

    private async Task MeasureAsync(EnginePair pair, CancellationToken ct)
    {
        var floorScript = Path.Combine(o.WorkFolder, $"floor-{pair.Name}.sql");
        await File.WriteAllTextAsync(floorScript, pair.ReadFloorScript(), ct);
        var config = await WriteConfigAsync(pair, ct);
        var runs = o.Runs;
        var first = o.Warmup ? 0 : 1;

        Say($"{pair.Title}: creating chip's {o.Size} dataset (seed 1)");
        await DatasetAsync(pair, "create chip", ["create", "--engine", pair.Name, "--admin", pair.AdminConnection(pair.ChipPort), "--size", o.Size, "--seed", "1"], ct);
        _results.Rows[pair.Name] = await CountAsync(pair, pair.ChipPort, ct);

        if (pair is MariaDbPair my && !o.Skip.Contains("pt"))
        {
            // pt-table-sync needs the ids to align: dale gets the same dataset from the same seed, then chip changes 1%.
            Say($"{pair.Title}: creating dale's copy (seed 1) for pt-table-sync");
            await DatasetAsync(pair, "create dale (same seed)",
                ["create", "--engine", pair.Name, "--admin", pair.AdminConnection(pair.DalePort), "--size", o.Size, "--seed", "1", "--hostname", "dale", "--main-ip", DaleAddress, "--site-ip", ServiceAddress], ct);
            await ChangeAsync(pair, 2, ct);
            for (var i = first; i <= runs; i++)
            {
                Say($"{pair.Title}: pt-table-sync run {i}/{runs}");
                Add(Sample.From(pair.Name, "pt.dry-run", i, await _child.ShellAsync(PtCommand(my, "--dry-run"), ct)));
                // pt-table-sync --print and blech-bridge diff on the same change, back to back.
                Add(Sample.From(pair.Name, "pt.print", i, Checked(pair, "pt-table-sync --print", await _child.ShellAsync(PtCommand(my, "--print"), ct), differencesExit: true)));
                if (o.PtBridge)
                {
                    await BridgeAsync(pair, "pt.diff", i, ["diff", "--config", config, "--format", "json"], ct);
                }
            }

            // One sync on exactly the tables pt-table-sync compared: it changes dale, so it can run only once.
            if (o.PtBridge)
            {
                await BridgeAsync(pair, "pt.sync", 1, ["sync", "--config", config, "--format", "json", "--force"], ct);
            }
        }
        else
        {
            // The same 1% change as the MariaDB chip gets, so both engines' chips hold the same rows.
            await ChangeAsync(pair, 2, ct);
        }

        for (var i = first; i <= runs && !o.Skip.Contains("full"); i++)
        {
            Say($"{pair.Title}: full diff, copy floor and full sync into an empty standby, run {i}/{runs}");
            await RecreateDaleAsync(pair, ct);
            await BridgeAsync(pair, "full.diff", i, ["diff", "--config", config, "--format", "json"], ct);
            // The copy floor and the full sync back to back, each into a standby just made empty.
            await CopyFloorAsync(pair, i, checkRows: i == first, ct);
            await RecreateDaleAsync(pair, ct);
            await BridgeAsync(pair, "full.sync", i, ["sync", "--config", config, "--format", "json", "--force"], ct);
        }

        if (o.Skip.Contains("full"))
        {
            // The later phases need dale in step with chip: one unmeasured sync, from pt-table-sync's copy when there is one
            // (a 1% sync), else into an empty dale.
            if (pair is not MariaDbPair || o.Skip.Contains("pt"))
            {
                await RecreateDaleAsync(pair, ct);
            }

            var sw = Stopwatch.StartNew();
            var r = await _child.RunAsync(BridgeFile, [.. BridgeArgs, "sync", "--config", config, "--format", "json", "--force"], null, ct, measure: false);
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException($"the set-up sync ({pair.Title}) exited {r.ExitCode}:\n{Tail(r.StderrText)}");
            }

            Setup(pair, "full sync (set-up, not measured)", sw.Elapsed.TotalMilliseconds);
        }

        for (var i = first; i <= runs && !o.Skip.Contains("noop"); i++)
        {
            Say($"{pair.Title}: no-op sync, run {i}/{runs}");
            // The fixed cost every bridge run pays: the .NET runtime and the command line, no database touched.
            Add(Sample.From(pair.Name, "startup", i, await _child.RunAsync(BridgeFile, [.. BridgeArgs, "--version"], null, ct)));
            await ReadFloorAsync(pair, "noop.floor", i, floorScript, ct);
            var s = await BridgeAsync(pair, "noop.sync", i, ["sync", "--config", config, "--format", "json", "--force"], ct);
            if (i > 0 && s.NothingChanged != true)
            {
                _results.Notes.Add($"{pair.Title} no-op sync run {i} did not take the fingerprint shortcut.");
            }
        }

        for (var i = first; i <= runs && !o.Skip.Contains("change"); i++)
        {
            Say($"{pair.Title}: 1% change, diff, read floor, sync, run {i}/{runs}");
            await ChangeAsync(pair, 100 + i, ct);
            // The floor between the two bridge runs it is compared with: back to back with each.
            await BridgeAsync(pair, "change.diff", i, ["diff", "--config", config, "--format", "json"], ct);
            await ReadFloorAsync(pair, "change.floor", i, floorScript, ct);
            await BridgeAsync(pair, "change.sync", i, ["sync", "--config", config, "--format", "json", "--force"], ct);
        }

        for (var i = first; i <= runs && !o.Skip.Contains("resync"); i++)
        {
            Say($"{pair.Title}: 1% change, read floor, resync, run {i}/{runs}");
            await ChangeAsync(pair, 200 + i, ct);
            await ReadFloorAsync(pair, "resync.floor", i, floorScript, ct);
            await BridgeAsync(pair, "resync.sync", i, ["resync", "--config", config, "--format", "json"], ct);
        }
    }

    // How a bridge command is started: the published command itself, or the build output through dotnet.
    private string BridgeFile => o.BridgeCommand.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet" : o.BridgeCommand;

    private IReadOnlyList<string> BridgeArgs => o.BridgeCommand.EndsWith(".dll", StringComparison.Ordinal) ? [o.BridgeCommand] : [];

    private async Task RecreateDaleAsync(EnginePair pair, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        await new BlechServer(pair.Engine, pair.AdminConnection(pair.DalePort)).CreateAsync("dale", DaleAddress, EnginePair.Database, "bridge", ct);
        Setup(pair, "recreate empty dale", sw.Elapsed.TotalMilliseconds);
    }

    private async Task<Sample> BridgeAsync(EnginePair pair, string scenario, int run, IReadOnlyList<string> args, CancellationToken ct)
    {
        var stdout = Path.Combine(o.WorkFolder, $"{pair.Name}-{scenario}.json");
        var r = await _child.RunAsync(BridgeFile, [.. BridgeArgs, .. args], stdout, ct);
        var sample = Sample.FromBridge(pair.Name, scenario, run, r, await ReportHeadAsync(stdout, ct));
        Add(sample);
        await File.WriteAllTextAsync(Path.Combine(o.WorkFolder, $"{pair.Name}-{scenario}-{run}.log"), r.StderrText, ct);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"blech-bridge {string.Join(' ', args.Take(1))} ({scenario}, {pair.Title}) exited {r.ExitCode}:\n{Tail(r.StderrText)}");
        }

        if (sample.SerialsRaised == true)
        {
            _results.Notes.Add($"{pair.Title} {scenario} run {run} raised zone serials on chip.");
        }

        return sample;
    }

    // The first few KB of a JSON report: its note (the no-op verdict) comes before the changes, which can be hundreds of MB.
    private static async Task<string> ReportHeadAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        await using var stream = File.OpenRead(path);
        var buffer = new byte[4096];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    // The read floor: chip's tables, then dale's, one after the other, each whole; the floor is their sum.
    private async Task ReadFloorAsync(EnginePair pair, string scenario, int run, string script, CancellationToken ct)
    {
        var peer = Checked(pair, $"the read floor ({scenario}) on chip", await _child.ShellAsync(pair.ReadFloorCommand(pair.ChipPort, script), ct));
        var local = Checked(pair, $"the read floor ({scenario}) on dale", await _child.ShellAsync(pair.ReadFloorCommand(pair.DalePort, script), ct));
        Add(new Sample
        {
            Engine = pair.Name,
            Scenario = scenario,
            Run = run,
            WallMs = Math.Round(peer.WallMs + local.WallMs, 1),
            ExitCode = 0,
            MaxRssKb = Math.Max(peer.MaxRssKb ?? 0, local.MaxRssKb ?? 0),
            UserSeconds = (peer.UserSeconds ?? 0) + (local.UserSeconds ?? 0),
            SystemSeconds = (peer.SystemSeconds ?? 0) + (local.SystemSeconds ?? 0),
            Phases = new() { ["peer"] = Math.Round(peer.WallMs, 1), ["local"] = Math.Round(local.WallMs, 1) },
        });
    }

    // The copy floor: the server's own dump of chip's content tables piped into its own client on dale (empty), one pipeline.
    private async Task CopyFloorAsync(EnginePair pair, int run, bool checkRows, CancellationToken ct)
    {
        var r = Checked(pair, "the copy floor", await _child.RunAsync("/bin/bash", ["-c", "set -o pipefail; " + pair.CopyFloorCommand()], null, ct));
        Add(Sample.From(pair.Name, "full.copy", run, r));
        if (checkRows)
        {
            // The floor must have copied every row, or it is no floor.
            var chip = await CountAsync(pair, pair.ChipPort, ct);
            var dale = await CountAsync(pair, pair.DalePort, ct);
            var missing = EnginePair.CopyTables.Where(t => chip.GetValueOrDefault(t) != dale.GetValueOrDefault(t)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"the copy floor ({pair.Title}) left dale's {string.Join(", ", missing.Select(t => $"{t} at {dale.GetValueOrDefault(t)} rows of chip's {chip.GetValueOrDefault(t)}"))}");
            }
        }
    }

    // pt-table-sync exits 2 when a table differed, as it does here by design.
    private static ChildResult Checked(EnginePair pair, string what, ChildResult r, bool differencesExit = false) => r.ExitCode == 0 || (differencesExit && r.ExitCode == 2)
        ? r
        : throw new InvalidOperationException($"{what} ({pair.Title}) exited {r.ExitCode}:\n{Tail(r.StderrText)}");

    private static string PtCommand(MariaDbPair pair, string mode) =>
        "exec pt-table-sync " + string.Join(' ', pair.PtTableSyncArgs(mode).Select(a => "'" + a + "'")) + " > /dev/null";

    private async Task ChangeAsync(EnginePair pair, int seed, CancellationToken ct) =>
        await DatasetAsync(pair, "change 1%",
            ["change", "--engine", pair.Name, "--conn", pair.BlechConnection(pair.ChipPort), "--percent", "1", "--seed", seed.ToString(CultureInfo.InvariantCulture)], ct);

    private async Task DatasetAsync(EnginePair pair, string step, IReadOnlyList<string> args, CancellationToken ct)
    {
        var r = await _child.RunAsync("dotnet", [o.DatasetDll, .. args], null, ct, measure: false);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"bridge-dataset {args[0]} ({pair.Title}) exited {r.ExitCode}:\n{Tail(r.StderrText)}");
        }

        Setup(pair, step, r.WallMs);
    }

    private async Task<Dictionary<string, long>> CountAsync(EnginePair pair, int port, CancellationToken ct)
    {
        var output = Path.Combine(o.WorkFolder, "count.txt");
        var r = await _child.RunAsync("dotnet", [o.DatasetDll, "count", "--engine", pair.Name, "--conn", pair.BlechConnection(port)], output, ct, measure: false);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"bridge-dataset count exited {r.ExitCode}");
        }

        return (await File.ReadAllLinesAsync(output, ct))
            .Select(l => l.Split(' '))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private async Task<string> WriteConfigAsync(EnginePair pair, CancellationToken ct)
    {
        var path = Path.Combine(o.WorkFolder, $"bridge-{pair.Name}.json");
        var config = new
        {
            serviceAddress = ServiceAddress,
            local = new { engine = pair.Name, connectionString = pair.BlechConnection(pair.DalePort), address = DaleAddress },
            peer = new { engine = pair.Name, connectionString = pair.BlechConnection(pair.ChipPort), address = ChipAddress },
            lockFile = Path.Combine(o.WorkFolder, $"bridge-{pair.Name}.lock"),
            apache = new { enabled = false },
            guard = new { maxDeleteShare = 0.10 },
            // No retries: a retried run would be timed as one; the limit is far above any run here.
            retry = new { maxAttempts = 0, totalTimeoutSeconds = 7200 },
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }), ct);
        return path;
    }

    private static string Title(string engine) => engine == "postgres" ? "PostgreSQL" : "MariaDB";

    private void Add(Sample s)
    {
        _results.Samples.Add(s);
        var extra = s.ApplyRowsPerSecond is { } rps ? $", apply {rps:N0} rows/s" : string.Empty;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {s.Engine,-8} {s.Scenario,-14} run {s.Run}: {s.WallMs,9:F0} ms, max RSS {(s.MaxRssKb ?? 0) / 1024.0,6:F0} MB{extra}"));
    }

    private void Setup(EnginePair pair, string step, double ms) => _results.Setup.Add(new SetupStep(pair.Name, step, Math.Round(ms)));

    private void Say(string message) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {message}"));

    private void Save()
    {
        _results.FinishedAt = DateTime.UtcNow;
        ResultsFile.Write(o.OutputFolder, _results);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15));
}
