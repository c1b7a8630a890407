using System.Globalization;
using System.Text;

namespace Bridge.Mail;

/// <summary>The plain-text body: 78 columns, aligned tables for a monospace reader.</summary>
internal static class ReportText
{
    public static string Render(ReportView view)
    {
        var sb = new StringBuilder();
        TextLayout.AppendWrapped(sb, view.Verdict, "", "");
        sb.Append('\n');
        TextLayout.AppendWrapped(sb, view.Generated, "", "");

        if (view.ReadyVerdict is not null)
        {
            Heading(sb, "Ready to take over?");
            TextLayout.AppendWrapped(sb, view.ReadyVerdict, "", "  ");
            foreach (var problem in view.ReadyProblems.Rows)
            {
                TextLayout.AppendWrapped(sb, "- " + problem, "", "  ");
            }

            More(sb, view.ReadyProblems.More, "problem", "problems", "");
        }

        Heading(sb, "Changes pending");
        if (view.Error is not null)
        {
            TextLayout.AppendWrapped(sb, "The dry-run failed: " + view.Error, "", "  ");
        }
        if (view.PendingTotal == 0)
        {
            sb.Append(view.Error is null ? "No changes pending.\n" : "What is pending is not known.\n");
        }
        else
        {
            Pending(sb, view);
        }

        if (view.Reverted.Rows.Count > 0)
        {
            Heading(sb, "Reverted by Blech since the last report");
            TextLayout.AppendTable(sb, ["at (UTC)", "kind", "key", "field", "change"],
                [.. view.Reverted.Rows.Select(r => (IReadOnlyList<string>)[r.At, r.Kind, r.Key, r.Field, r.Changed ?? $"{r.From} -> {r.To}"])]);
            More(sb, view.Reverted.More, "reverted field", "reverted fields", "");
        }

        if (view.Skipped.Rows.Count > 0)
        {
            Heading(sb, "Rows skipped as bad");
            TextLayout.AppendTable(sb, ["kind", "key", "reason"],
                [.. view.Skipped.Rows.Select(r => (IReadOnlyList<string>)[r.Kind, r.Key, r.Reason])]);
            More(sb, view.Skipped.More, "skipped row", "skipped rows", "");
        }

        if (view.Serials.Rows.Count > 0)
        {
            Heading(sb, "Zones whose serials differ");
            TextLayout.AppendTable(sb, ["zone", $"{view.Active} (active)", $"{view.Standby} (standby)"],
                [.. view.Serials.Rows.Select(r => (IReadOnlyList<string>)[r.Zone, r.Active, r.Standby])], new HashSet<int> { 1, 2 });
            More(sb, view.Serials.More, "zone", "zones", "");
        }

        if (view.Runs.Rows.Count > 0)
        {
            Heading(sb, "Runs since the last report");
            TextLayout.AppendTable(sb, ["started (UTC)", "took", "command", "by", "outcome", "details"],
                [.. view.Runs.Rows.Select(r => (IReadOnlyList<string>)[r.Started, r.Took, r.Command, r.RequestedBy, r.Failed ? r.Outcome.ToUpperInvariant() : r.Outcome, r.Details])]);
            More(sb, view.Runs.More, "run", "runs", "");
        }

        sb.Append("\n-- \nBridge daily report (dry-run: nothing was changed).\n");
        return sb.ToString();
    }

    private static void Pending(StringBuilder sb, ReportView view)
    {
        var header = new List<string> { "kind" };
        header.AddRange(view.Actions);
        header.Add("total");
        var rows = view.Kinds.Select(k => (IReadOnlyList<string>)[k.Kind, .. k.Counts.Select(Num), Num(k.Total)]).ToList();
        rows.Add(["total", .. view.Actions.Select((_, i) => Num(view.Kinds.Sum(k => k.Counts[i]))), Num(view.PendingTotal)]);
        TextLayout.AppendTable(sb, header, rows, new HashSet<int>(Enumerable.Range(1, header.Count - 1)));

        foreach (var kind in view.Kinds)
        {
            sb.Append('\n').Append(kind.Kind).Append(" (").Append(Num(kind.Total)).Append(")\n");
            foreach (var obj in kind.Objects.Rows)
            {
                TextLayout.AppendWrapped(sb, $"{obj.Action} {obj.Key}", "  ", "      ");
                foreach (var field in obj.Fields)
                {
                    TextLayout.AppendWrapped(sb, field.Changed ?? $"{field.Name}: {field.From} -> {field.To}", "      ", "        ");
                }
            }
            More(sb, kind.Objects.More, $"{kind.Kind} change", $"{kind.Kind} changes", "  ");
        }
    }

    private static void Heading(StringBuilder sb, string title) =>
        sb.Append('\n').Append(title).Append('\n').Append('=', title.Length).Append("\n\n");

    private static void More(StringBuilder sb, int more, string one, string many, string indent)
    {
        if (more > 0)
        {
            sb.Append(indent).Append(ReportView.MoreText(more, one, many)).Append('\n');
        }
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
