using System.Text;

namespace Bridge.Apache;

/// <summary>httpd's reading rules (server/util.c: ap_cfg_getline, cfg_trim_line, ap_getword_conf).</summary>
internal static class ApacheReader
{
    public static List<ApacheLine> Read(string text)
    {
        var lines = new List<ApacheLine>();
        var pos = 0;
        var lineNumber = 1;
        var logical = new StringBuilder();
        var map = new List<int>();
        while (pos < text.Length)
        {
            var start = pos;
            var firstLine = lineNumber;
            var physical = 0;
            logical.Clear();
            map.Clear();
            while (true)
            {
                var lf = text.IndexOf('\n', pos);
                var hasLf = lf >= 0;
                var next = hasLf ? lf + 1 : text.Length;
                var contentEnd = hasLf ? lf : text.Length;
                for (var i = pos; i < contentEnd; i++)
                {
                    logical.Append(text[i]);
                    map.Add(i);
                }

                physical++;
                pos = next;
                if (hasLf)
                {
                    lineNumber++;
                }

                // Like httpd, look at the whole buffer, not just this physical line: skip one CR before
                // the LF, then a backslash continues the line and is cut off together with that CR.
                // So an empty line after "foo\\" continues too, its first backslash now being last.
                if (hasLf)
                {
                    var cp = logical.Length;
                    if (cp > 0 && logical[cp - 1] == '\r')
                    {
                        cp--;
                    }

                    if (cp > 0 && logical[cp - 1] == '\\')
                    {
                        logical.Length = cp - 1;
                        map.RemoveRange(cp - 1, map.Count - (cp - 1));
                        if (pos < text.Length)
                        {
                            continue;
                        }
                    }
                }

                break;
            }

            lines.Add(Build(text, start, pos, firstLine, physical, logical.ToString(), [.. map]));
        }

        return lines;
    }

    private static ApacheLine Build(string text, int start, int end, int lineNumber, int physical, string logical, int[] map)
    {
        var raw = text[start..end];
        var textStart = 0;
        while (textStart < logical.Length && IsSpace(logical[textStart]))
        {
            textStart++;
        }

        var textEnd = logical.Length;
        while (textEnd > textStart && IsSpace(logical[textEnd - 1]))
        {
            textEnd--;
        }

        if (textStart == textEnd)
        {
            return new ApacheLine(start, raw, lineNumber, physical, logical, map, textStart, 0, ApacheLineKind.Blank, null, []);
        }

        if (logical[textStart] == '#')
        {
            return new ApacheLine(start, raw, lineNumber, physical, logical, map, textStart, textEnd - textStart, ApacheLineKind.Comment, null, []);
        }

        var cursor = textStart;
        var nameWord = NextWord(logical, ref cursor, textEnd)!;
        var name = nameWord.Value;
        ApacheLineKind kind;
        var argsEnd = textEnd;
        if (name.StartsWith("</", StringComparison.Ordinal))
        {
            kind = ApacheLineKind.SectionClose;
            name = name[2..].TrimEnd('>');
        }
        else if (name.StartsWith('<'))
        {
            kind = ApacheLineKind.SectionOpen;
            name = name[1..];
            // httpd cuts a section's arguments at the last '>' of the line, quoted or not.
            var gt = logical.LastIndexOf('>', textEnd - 1, textEnd - cursor);
            if (gt >= 0)
            {
                argsEnd = gt;
            }

            if (name.EndsWith('>'))
            {
                name = name.TrimEnd('>');
            }
        }
        else
        {
            kind = ApacheLineKind.Directive;
        }

        var arguments = new List<ApacheArgument>();
        while (NextWord(logical, ref cursor, argsEnd) is { } word)
        {
            var rawOffset = map[word.Start];
            var rawEnd = map[word.End - 1] + 1;
            arguments.Add(new ApacheArgument(word.Value, word.Quote, rawOffset, text[rawOffset..rawEnd], word.ValueMap));
        }

        return new ApacheLine(start, raw, lineNumber, physical, logical, map, textStart, textEnd - textStart, kind, name, arguments);
    }

    private sealed record Word(string Value, char? Quote, int Start, int End, int[] ValueMap);

    // ap_getword_conf: a word is a quoted string (\quote and \\ escapes) or a run of non-space characters.
    private static Word? NextWord(string s, ref int i, int end)
    {
        while (i < end && IsSpace(s[i]))
        {
            i++;
        }

        if (i >= end)
        {
            return null;
        }

        var start = i;
        var q = s[i];
        Word word;
        if (q is '"' or '\'')
        {
            var j = i + 1;
            while (j < end && s[j] != q)
            {
                j += s[j] == '\\' && j + 1 < end && (s[j + 1] == q || s[j + 1] == '\\') ? 2 : 1;
            }

            var (value, valueMap) = Unescape(s, i + 1, j, q);
            if (j < end && s[j] == q)
            {
                j++;
            }

            word = new Word(value, q, start, j, valueMap);
            i = j;
        }
        else
        {
            var j = i;
            while (j < end && !IsSpace(s[j]))
            {
                j++;
            }

            var (value, valueMap) = Unescape(s, i, j, null);
            word = new Word(value, null, start, j, valueMap);
            i = j;
        }

        return word;
    }

    // substring_conf: unquoted words lose the first backslash of "\\" too.
    private static (string Value, int[] Map) Unescape(string s, int from, int to, char? quote)
    {
        var value = new StringBuilder(to - from);
        var map = new List<int>(to - from);
        for (var k = from; k < to; k++)
        {
            if (s[k] == '\\' && k + 1 < to && (s[k + 1] == '\\' || (quote is { } q && s[k + 1] == q)))
            {
                k++;
            }

            value.Append(s[k]);
            map.Add(k);
        }

        return (value.ToString(), [.. map]);
    }

    // apr_isspace: the C locale's white space.
    internal static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
