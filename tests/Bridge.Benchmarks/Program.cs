using System.Globalization;
using Bridge.Benchmarks;

// bridge-bench: measures Bridge against the servers' own clients and pt-table-sync; see README.md. Run by scripts/bench.sh.
//   bridge-bench run --size S --runs N --work DIR --out DIR --bridge blech-bridge|blech-bridge.dll --dataset DLL --pg-chip P --pg-dale P --my-chip P --my-dale P [--engines postgres,mysql] [--warmup 1|0] [--pt-bridge yes|no] [--skip full,noop,change,resync,pt]
//   bridge-bench report --out DIR        (re-renders RESULTS.md from the results files)
// The servers' password comes from BRIDGE_TEST_PASSWORD.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

const int Success = 0, Failure = 1, Usage = 2;
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Need(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
int Port(string name) => int.Parse(Need(name), CultureInfo.InvariantCulture);

try
{
    switch (args.FirstOrDefault())
    {
        case "report":
            ResultsFile.Render(Need("out"));
            return Success;
        case "run":
            {
                var password = Environment.GetEnvironmentVariable("BRIDGE_TEST_PASSWORD") ?? throw new ArgumentException("BRIDGE_TEST_PASSWORD is not set");
                var o = new BenchOptions(Need("size"), int.Parse(Need("runs"), CultureInfo.InvariantCulture), Need("work"), Need("out"), Need("bridge"), Need("dataset"), password)
                {
                    PgChip = Port("pg-chip"),
                    PgDale = Port("pg-dale"),
                    MyChip = Port("my-chip"),
                    MyDale = Port("my-dale"),
                    Warmup = !options.TryGetValue("warmup", out var w) || w != "0",
                    PtBridge = !options.TryGetValue("pt-bridge", out var pb) || pb != "no",
                    Skip = options.TryGetValue("skip", out var skip) ? skip.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet() : [],
                    Engines = options.TryGetValue("engines", out var e) ? e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : ["postgres", "mysql"],
                };
                if (o.Problems() is { Count: > 0 } problems)
                {
                    throw new ArgumentException(string.Join("; ", problems));
                }

                await new Bench(o, Console.Out).RunAsync(cancel.Token);
                Console.WriteLine($"results: {ResultsFile.PathFor(o.OutputFolder, o.Size)} and {Path.Combine(o.OutputFolder, ResultsFile.Markdown)}");
                return Success;
            }

        default:
            Console.Error.WriteLine("usage: bridge-bench run --size S --runs N ... | bridge-bench report --out DIR");
            return Usage;
    }
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"bridge-bench: {e.Message}");
    return Usage;
}
catch (Exception e) when (e is InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"bridge-bench: {e.Message}");
    return Failure;
}
