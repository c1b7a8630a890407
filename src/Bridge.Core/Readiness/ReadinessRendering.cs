using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Core.Readiness;

/// <summary>The readiness answer as text (verdict first, then each problem, then the checks) and as JSON.</summary>
public static class ReadinessRendering
{
    /// <summary>The verdict, each problem on a line of its own (at most <paramref name="maxProblems"/>), and one line per check.</summary>
    public static string Text(ReadinessReport report, int maxProblems = 200)
    {
        var b = new StringBuilder().Append(report.Verdict).Append('\n');
        foreach (var p in report.Problems.Take(maxProblems))
        {
            b.Append("  ").Append(ReadinessReport.Name(p.Area).PadRight(8)).Append(' ').Append(p.Reason).Append('\n');
        }

        if (report.Problems.Count > maxProblems)
        {
            b.Append("  ... and ").Append(report.Problems.Count - maxProblems).Append(" more (--format json lists them all)\n");
        }

        foreach (var w in report.Warnings)
        {
            b.Append("  warning  ").Append(w.Reason).Append('\n');
        }

        foreach (var c in report.Checks)
        {
            b.Append("check ").Append(ReadinessReport.Name(c.Area)).Append(": ").Append(ReadinessReport.Name(c.State)).Append(" (").Append(c.Detail).Append(")\n");
        }

        return b.ToString();
    }

    // Built as a JSON tree, not serialized by reflection, so that the Native AOT command writes the same text.
    public static JsonObject JsonModel(ReadinessReport report) => new()
    {
        ["ready"] = report.Ready,
        ["verdict"] = report.Verdict,
        ["machine"] = report.Machine,
        ["serviceAddress"] = report.ServiceAddress,
        ["counts"] = new JsonObject
        {
            ["sites"] = report.Counts.Sites,
            ["zones"] = report.Counts.Zones,
            ["mailboxes"] = report.Counts.Mailboxes,
            ["aliases"] = report.Counts.Aliases,
            ["mailDomains"] = report.Counts.MailDomains,
        },
        ["checks"] = new JsonArray([.. report.Checks.Select(c => new JsonObject
        {
            ["area"] = ReadinessReport.Name(c.Area),
            ["state"] = ReadinessReport.Name(c.State),
            ["detail"] = c.Detail,
        })]),
        ["problems"] = new JsonArray([.. report.Problems.Select(p => Problem(p, withCount: true))]),
        ["warnings"] = new JsonArray([.. report.Warnings.Select(p => Problem(p, withCount: false))]),
    };

    private static JsonObject Problem(ReadyProblem p, bool withCount)
    {
        var o = new JsonObject
        {
            ["area"] = ReadinessReport.Name(p.Area),
            ["issue"] = ReadinessReport.Code(p.Issue),
            ["key"] = p.Key,
            ["reason"] = p.Reason,
        };
        if (withCount)
        {
            o["count"] = p.Count;
        }

        return o;
    }

    public static string Json(ReadinessReport report) => JsonModel(report).ToJsonString(Indented) + "\n";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
