using System.Text;

namespace Bridge.Apache;

/// <summary>Unified diffs (<c>--- a/path</c>, <c>+++ b/path</c>, hunks with three lines of context).</summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    private enum Op
    {
        Equal,
        Delete,
        Insert,
    }

    private readonly record struct Step(Op Op, int A, int B);

    /// <summary>
    /// The diff from <paramref name="oldText"/> to <paramref name="newText"/> labelled with <paramref name="path"/>;
    /// empty when they are equal. Line endings stay part of the lines, so CRLF files diff as such.
    /// </summary>
    public static string Create(string path, string oldText, string newText)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.Equals(oldText, newText, StringComparison.Ordinal))
        {
            return "";
        }

        var a = SplitLines(oldText);
        var b = SplitLines(newText);
        var steps = Myers(a, b);
        var label = path.TrimStart('/');
        var output = new StringBuilder().Append("--- a/").Append(label).Append('\n').Append("+++ b/").Append(label).Append('\n');
        var i = 0;
        while (i < steps.Count)
        {
            while (i < steps.Count && steps[i].Op == Op.Equal)
            {
                i++;
            }

            if (i == steps.Count)
            {
                break;
            }

            var start = Math.Max(0, i - Context);
            var end = i;
            while (true)
            {
                while (end < steps.Count && steps[end].Op != Op.Equal)
                {
                    end++;
                }

                var equalEnd = end;
                while (equalEnd < steps.Count && steps[equalEnd].Op == Op.Equal)
                {
                    equalEnd++;
                }

                if (equalEnd < steps.Count && equalEnd - end <= 2 * Context)
                {
                    end = equalEnd;
                    continue;
                }

                end = Math.Min(end + Context, equalEnd);
                break;
            }

            WriteHunk(output, a, b, steps, start, end);
            i = end;
        }

        return output.ToString();
    }

    private static void WriteHunk(StringBuilder output, List<string> a, List<string> b, List<Step> steps, int start, int end)
    {
        var hunk = steps.Skip(start).Take(end - start).ToList();
        var aCount = hunk.Count(s => s.Op != Op.Insert);
        var bCount = hunk.Count(s => s.Op != Op.Delete);
        output.Append("@@ -").Append(Range(hunk[0].A, aCount)).Append(" +").Append(Range(hunk[0].B, bCount)).Append(" @@\n");
        foreach (var step in hunk)
        {
            var (prefix, line) = step.Op switch
            {
                Op.Equal => (' ', a[step.A]),
                Op.Delete => ('-', a[step.A]),
                _ => ('+', b[step.B]),
            };
            output.Append(prefix);
            if (line.EndsWith('\n'))
            {
                output.Append(line);
            }
            else
            {
                output.Append(line).Append("\n\\ No newline at end of file\n");
            }
        }
    }

    private static string Range(int start, int count) => count switch
    {
        0 => $"{start},0",
        1 => $"{start + 1}",
        _ => $"{start + 1},{count}",
    };

    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var pos = 0;
        while (pos < text.Length)
        {
            var lf = text.IndexOf('\n', pos);
            var end = lf < 0 ? text.Length : lf + 1;
            lines.Add(text[pos..end]);
            pos = end;
        }

        return lines;
    }

    // Myers' O(ND) diff; D is small here because a rewrite touches few lines.
    private static List<Step> Myers(List<string> a, List<string> b)
    {
        int n = a.Count, m = b.Count, max = n + m, offset = max + 1;
        var v = new int[(2 * max) + 3];
        var trace = new List<int[]>();
        for (var d = 0; d <= max; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset]) ? v[k + 1 + offset] : v[k - 1 + offset] + 1;
                var y = x - k;
                while (x < n && y < m && string.Equals(a[x], b[y], StringComparison.Ordinal))
                {
                    x++;
                    y++;
                }

                v[k + offset] = x;
                if (x >= n && y >= m)
                {
                    return Backtrack(trace, n, m, offset);
                }
            }
        }

        throw new InvalidOperationException("Unreachable: Myers' diff always ends by D = N + M.");
    }

    private static List<Step> Backtrack(List<int[]> trace, int n, int m, int offset)
    {
        var steps = new List<Step>();
        int x = n, y = m;
        for (var d = trace.Count - 1; d > 0; d--)
        {
            var v = trace[d];
            var k = x - y;
            var previousK = k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset]) ? k + 1 : k - 1;
            var previousX = v[previousK + offset];
            var previousY = previousX - previousK;
            while (x > previousX && y > previousY)
            {
                x--;
                y--;
                steps.Add(new Step(Op.Equal, x, y));
            }

            if (x == previousX)
            {
                y--;
                steps.Add(new Step(Op.Insert, x, y));
            }
            else
            {
                x--;
                steps.Add(new Step(Op.Delete, x, y));
            }
        }

        while (x > 0 && y > 0)
        {
            x--;
            y--;
            steps.Add(new Step(Op.Equal, x, y));
        }

        steps.Reverse();
        return steps;
    }
}
