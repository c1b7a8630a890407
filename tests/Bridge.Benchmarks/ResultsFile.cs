using System.Text.Json;

namespace Bridge.Benchmarks;

/// The raw samples of one size (<c>results-SIZE.json</c>) and RESULTS.md made from every size present.
public static class ResultsFile
{
    public const string Markdown = "RESULTS.md";

    /// Hand-written findings (causes of missed targets, what would close them), included in RESULTS.md as they are.
    public const string Analysis = "ANALYSIS.md";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string PathFor(string folder, string size) => Path.Combine(folder, $"results-{size}.json");

    public static void Write(string folder, BenchResults results)
    {
        File.WriteAllText(PathFor(folder, results.Size), JsonSerializer.Serialize(results, Json) + "\n");
        Render(folder);
    }

    public static BenchResults? TryRead(string folder, string size) =>
        File.Exists(PathFor(folder, size)) ? JsonSerializer.Deserialize<BenchResults>(File.ReadAllText(PathFor(folder, size)), Json) : null;

    /// Rewrites RESULTS.md from the results files in <paramref name="folder"/>.
    public static void Render(string folder)
    {
        var all = new[] { "small", "large", "huge" }
            .Select(size => TryRead(folder, size))
            .OfType<BenchResults>()
            .ToList();
        var analysisPath = Path.Combine(folder, Analysis);
        var analysis = File.Exists(analysisPath) ? File.ReadAllText(analysisPath) : null;
        File.WriteAllText(Path.Combine(folder, Markdown), Report.Render(all, analysis));
    }
}
