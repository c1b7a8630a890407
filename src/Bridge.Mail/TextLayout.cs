using System.Text;

namespace Bridge.Mail;

/// <summary>Word wrapping and aligned monospace tables for the plain-text body.</summary>
internal static class TextLayout
{
    public const int Width = 78;

    /// <summary>Wraps at spaces; a word longer than the width (a DKIM key, a long path) is broken hard.</summary>
    public static List<string> Wrap(string text, int width)
    {
        width = Math.Max(width, 1);
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = word;
            while (rest.Length > 0)
            {
                var room = line.Length == 0 ? width : width - line.Length - 1;
                if (rest.Length <= room)
                {
                    if (line.Length > 0)
                    {
                        line.Append(' ');
                    }
                    line.Append(rest);
                    rest = string.Empty;
                }
                else if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                else
                {
                    var take = char.IsHighSurrogate(rest[width - 1]) && width > 1 ? width - 1 : width;
                    lines.Add(rest[..take]);
                    rest = rest[take..];
                }
            }
        }
        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line.ToString());
        }
        return lines;
    }

    /// <summary>Appends text wrapped to the width: the first line after <paramref name="indent"/>, the others after <paramref name="hanging"/>.</summary>
    public static void AppendWrapped(StringBuilder sb, string text, string indent, string hanging)
    {
        var lines = Wrap(text, Width - Math.Max(indent.Length, hanging.Length));
        for (var i = 0; i < lines.Count; i++)
        {
            sb.Append(i == 0 ? indent : hanging).Append(lines[i]).Append('\n');
        }
    }

    /// <summary>
    /// Appends a table: a header, a rule, then the rows. Columns keep their natural width while the table fits;
    /// otherwise the widest columns are narrowed and their cells wrap onto more lines.
    /// </summary>
    public static void AppendTable(StringBuilder sb, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlySet<int>? rightAligned = null, string indent = "")
    {
        var n = header.Count;
        var widths = new int[n];
        for (var c = 0; c < n; c++)
        {
            widths[c] = Math.Max(header[c].Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length));
        }
        var budget = Width - indent.Length - (2 * (n - 1));
        const int MinWidth = 10;
        while (widths.Sum() > budget)
        {
            var widest = Array.IndexOf(widths, widths.Max());
            if (widths[widest] <= MinWidth)
            {
                break;
            }
            widths[widest]--;
        }
        AppendRow(sb, header, widths, rightAligned, indent);
        sb.Append(indent).AppendJoin("  ", widths.Select(w => new string('-', w))).Append('\n');
        foreach (var row in rows)
        {
            AppendRow(sb, row, widths, rightAligned, indent);
        }
    }

    private static void AppendRow(StringBuilder sb, IReadOnlyList<string> cells, int[] widths, IReadOnlySet<int>? rightAligned, string indent)
    {
        var wrapped = cells.Select((cell, c) => cell.Length <= widths[c] ? [cell] : Wrap(cell, widths[c])).ToList();
        var height = wrapped.Max(w => w.Count);
        for (var line = 0; line < height; line++)
        {
            var text = new StringBuilder(indent);
            for (var c = 0; c < cells.Count; c++)
            {
                var part = line < wrapped[c].Count ? wrapped[c][line] : string.Empty;
                if (c > 0)
                {
                    text.Append("  ");
                }
                text.Append(rightAligned?.Contains(c) == true ? part.PadLeft(widths[c]) : part.PadRight(widths[c]));
            }
            sb.Append(text.ToString().TrimEnd()).Append('\n');
        }
    }
}
