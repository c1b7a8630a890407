using System.Globalization;
using System.Net;
using System.Text;

namespace Bridge.Mail;

/// <summary>
/// The HTML body, written for mail clients: a full document with inline styles only, layout by tables,
/// no scripts, no external images or fonts, every value encoded.
/// </summary>
internal static class ReportHtml
{
    private const string Font = "font-family:Arial,Helvetica,sans-serif;";
    private const string Mono = "font-family:Consolas,Menlo,'Courier New',monospace;";
    private const string TableStyle = "border-collapse:collapse;margin:0 0 12px 0;font-size:13px;" + Font;
    private const string Th = "border:1px solid #c8c8c8;background-color:#eeeeee;padding:4px 8px;text-align:left;font-weight:bold;";
    private const string Td = "border:1px solid #c8c8c8;padding:4px 8px;vertical-align:top;text-align:left;";
    private const string TdNum = "border:1px solid #c8c8c8;padding:4px 8px;vertical-align:top;text-align:right;";
    private const string TdMono = "border:1px solid #c8c8c8;padding:4px 8px;vertical-align:top;text-align:left;word-break:break-all;" + Mono;
    private const string H2 = "font-size:17px;margin:22px 0 8px 0;padding:0 0 4px 0;border-bottom:2px solid #dddddd;color:#222222;" + Font;
    private const string H3 = "font-size:14px;margin:14px 0 6px 0;color:#333333;" + Font;
    private const string P = "margin:0 0 10px 0;font-size:14px;" + Font;
    private const string MoreStyle = "margin:0 0 12px 0;font-size:13px;font-style:italic;color:#555555;" + Font;
    private const string Old = "color:#a40000;";
    private const string New = "color:#006400;";

    public static string Render(ReportView view)
    {
        var (background, border) = view.Tone switch
        {
            VerdictTone.InSync => ("#2e7d32", "#1b5e20"),
            VerdictTone.Pending => ("#b26a00", "#8a5200"),
            _ => ("#c62828", "#8e0000"),
        };
        var sb = new StringBuilder(16384);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<title>").Append(E(view.Subject)).Append("</title>\n</head>\n")
          .Append("<body style=\"margin:0;padding:16px;background-color:#f4f4f4;color:#222222;").Append(Font).Append("\">\n")
          .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"max-width:980px;background-color:#ffffff;border:1px solid #dddddd;\">\n")
          .Append("<tr><td style=\"padding:14px 20px;background-color:").Append(background).Append(";border-bottom:3px solid ").Append(border)
          .Append(";color:#ffffff;font-size:20px;font-weight:bold;").Append(Font).Append("\">").Append(E(view.Verdict)).Append("</td></tr>\n")
          .Append("<tr><td style=\"padding:12px 20px 20px 20px;\">\n")
          .Append("<p style=\"").Append(P).Append("color:#555555;\">").Append(E(view.Generated)).Append("</p>\n");

        if (view.ReadyVerdict is not null)
        {
            sb.Append("<h2 style=\"").Append(H2).Append("\">Ready to take over?</h2>\n");
            sb.Append("<p style=\"").Append(P).Append(view.Ready ? "color:#1a7f37;" : "color:#a40000;").Append("font-weight:bold;\">").Append(E(view.ReadyVerdict)).Append("</p>\n");
            if (view.ReadyProblems.Rows.Count > 0)
            {
                sb.Append("<ul style=\"").Append(P).Append("\">\n");
                foreach (var problem in view.ReadyProblems.Rows)
                {
                    sb.Append("<li>").Append(E(problem)).Append("</li>\n");
                }

                sb.Append("</ul>\n");
            }

            if (view.ReadyProblems.More > 0)
            {
                sb.Append("<p style=\"").Append(P).Append("\">").Append(E(ReportView.MoreText(view.ReadyProblems.More, "problem", "problems"))).Append("</p>\n");
            }
        }

        sb.Append("<h2 style=\"").Append(H2).Append("\">Changes pending</h2>\n");
        if (view.Error is not null)
        {
            sb.Append("<p style=\"").Append(P).Append("color:#a40000;\">The dry-run failed: ").Append(E(view.Error)).Append("</p>\n");
        }
        if (view.PendingTotal == 0)
        {
            sb.Append("<p style=\"").Append(P).Append("\">").Append(view.Error is null ? "No changes pending." : "What is pending is not known.").Append("</p>\n");
        }
        else
        {
            Pending(sb, view);
        }

        if (view.Reverted.Rows.Count > 0)
        {
            sb.Append("<h2 style=\"").Append(H2).Append("\">Reverted by Blech since the last report</h2>\n");
            TableStart(sb, ["At (UTC)", "Kind", "Key", "Field", "Change"]);
            foreach (var r in view.Reverted.Rows)
            {
                sb.Append("<tr>");
                Cell(sb, Td, E(r.At));
                Cell(sb, Td, E(r.Kind));
                Cell(sb, TdMono, E(r.Key));
                Cell(sb, Td, E(r.Field));
                Cell(sb, TdMono, r.Changed is not null ? E(r.Changed) : FromTo(r.From!, r.To!));
                sb.Append("</tr>\n");
            }
            TableEnd(sb, view.Reverted.More, "reverted field", "reverted fields");
        }

        if (view.Skipped.Rows.Count > 0)
        {
            sb.Append("<h2 style=\"").Append(H2).Append("\">Rows skipped as bad</h2>\n");
            TableStart(sb, ["Kind", "Key", "Reason"]);
            foreach (var r in view.Skipped.Rows)
            {
                sb.Append("<tr>");
                Cell(sb, Td, E(r.Kind));
                Cell(sb, TdMono, E(r.Key));
                Cell(sb, Td, E(r.Reason));
                sb.Append("</tr>\n");
            }
            TableEnd(sb, view.Skipped.More, "skipped row", "skipped rows");
        }

        if (view.Serials.Rows.Count > 0)
        {
            sb.Append("<h2 style=\"").Append(H2).Append("\">Zones whose serials differ</h2>\n");
            TableStart(sb, ["Zone", $"{view.Active} (active)", $"{view.Standby} (standby)"]);
            foreach (var r in view.Serials.Rows)
            {
                sb.Append("<tr>");
                Cell(sb, TdMono, E(r.Zone));
                Cell(sb, TdNum + Mono, E(r.Active));
                Cell(sb, TdNum + Mono, E(r.Standby));
                sb.Append("</tr>\n");
            }
            TableEnd(sb, view.Serials.More, "zone", "zones");
        }

        if (view.Runs.Rows.Count > 0)
        {
            sb.Append("<h2 style=\"").Append(H2).Append("\">Runs since the last report</h2>\n");
            TableStart(sb, ["Started (UTC)", "Took", "Command", "Requested by", "Outcome", "Details"]);
            foreach (var r in view.Runs.Rows)
            {
                sb.Append(r.Failed ? "<tr style=\"background-color:#fdecea;\">" : "<tr>");
                Cell(sb, Td + "white-space:nowrap;", E(r.Started));
                Cell(sb, TdNum, E(r.Took));
                Cell(sb, TdMono, E(r.Command));
                Cell(sb, Td, E(r.RequestedBy));
                Cell(sb, r.Failed ? Td + "color:#a40000;font-weight:bold;" : Td, E(r.Outcome));
                Cell(sb, Td, E(r.Details));
                sb.Append("</tr>\n");
            }
            TableEnd(sb, view.Runs.More, "run", "runs");
        }

        sb.Append("<p style=\"").Append(P).Append("margin-top:20px;font-size:12px;color:#777777;\">Bridge daily report (dry-run: nothing was changed).</p>\n")
          .Append("</td></tr>\n</table>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Pending(StringBuilder sb, ReportView view)
    {
        TableStart(sb, ["Kind", .. view.Actions.Select(Title), "Total"]);
        foreach (var kind in view.Kinds)
        {
            sb.Append("<tr>");
            Cell(sb, Td, E(kind.Kind));
            foreach (var count in kind.Counts)
            {
                Cell(sb, TdNum, Num(count));
            }
            Cell(sb, TdNum + "font-weight:bold;", Num(kind.Total));
            sb.Append("</tr>\n");
        }
        sb.Append("<tr>");
        Cell(sb, Td + "font-weight:bold;", "Total");
        for (var i = 0; i < view.Actions.Count; i++)
        {
            Cell(sb, TdNum + "font-weight:bold;", Num(view.Kinds.Sum(k => k.Counts[i])));
        }
        Cell(sb, TdNum + "font-weight:bold;", Num(view.PendingTotal));
        sb.Append("</tr>\n</table>\n");

        foreach (var kind in view.Kinds)
        {
            sb.Append("<h3 style=\"").Append(H3).Append("\">").Append(E(kind.Kind)).Append(" (").Append(Num(kind.Total)).Append(")</h3>\n");
            TableStart(sb, ["Action", "Key", "What differs"]);
            foreach (var obj in kind.Objects.Rows)
            {
                sb.Append("<tr>");
                Cell(sb, Td, E(obj.Action));
                Cell(sb, TdMono, E(obj.Key));
                var fields = new StringBuilder();
                foreach (var f in obj.Fields)
                {
                    if (fields.Length > 0)
                    {
                        fields.Append("<br>");
                    }
                    fields.Append(f.Changed is not null ? E(f.Changed) : $"<b>{E(f.Name)}</b>: {FromTo(f.From!, f.To!)}");
                }
                Cell(sb, TdMono, fields.ToString());
                sb.Append("</tr>\n");
            }
            TableEnd(sb, kind.Objects.More, $"{kind.Kind} change", $"{kind.Kind} changes");
        }
    }

    private static string FromTo(string from, string to) =>
        $"<span style=\"{Old}\">{E(from)}</span> &rarr; <span style=\"{New}\">{E(to)}</span>";

    private static void TableStart(StringBuilder sb, IEnumerable<string> headers)
    {
        sb.Append("<table cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"").Append(TableStyle).Append("\">\n<tr>");
        foreach (var h in headers)
        {
            sb.Append("<th style=\"").Append(Th).Append("\">").Append(E(h)).Append("</th>");
        }
        sb.Append("</tr>\n");
    }

    private static void TableEnd(StringBuilder sb, int more, string one, string many)
    {
        sb.Append("</table>\n");
        if (more > 0)
        {
            sb.Append("<p style=\"").Append(MoreStyle).Append("\">").Append(E(ReportView.MoreText(more, one, many))).Append("</p>\n");
        }
    }

    /// <summary>Appends a cell; <paramref name="html"/> must already be encoded.</summary>
    private static void Cell(StringBuilder sb, string style, string html) =>
        sb.Append("<td style=\"").Append(style).Append("\">").Append(html).Append("</td>");

    private static string Title(string action) => action.Length == 0 ? action : char.ToUpperInvariant(action[0]) + action[1..];

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
