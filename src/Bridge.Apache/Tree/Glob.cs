namespace Bridge.Apache;

/// <summary>apr_fnmatch with APR_FNM_PERIOD: <c>*</c>, <c>?</c> and <c>[...]</c>; a leading dot must be matched literally.</summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string name)
    {
        if (name.StartsWith('.') && !pattern.StartsWith('.'))
        {
            return false;
        }

        return Match(pattern, 0, name, 0);
    }

    private static bool Match(string p, int pi, string s, int si)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            switch (c)
            {
                case '*':
                    while (pi < p.Length && p[pi] == '*')
                    {
                        pi++;
                    }

                    if (pi == p.Length)
                    {
                        return true;
                    }

                    for (var k = si; k <= s.Length; k++)
                    {
                        if (Match(p, pi, s, k))
                        {
                            return true;
                        }
                    }

                    return false;
                case '?':
                    if (si >= s.Length)
                    {
                        return false;
                    }

                    pi++;
                    si++;
                    break;
                case '[':
                    if (si >= s.Length || !MatchClass(p, ref pi, s[si]))
                    {
                        return false;
                    }

                    si++;
                    break;
                case '\\' when pi + 1 < p.Length:
                    if (si >= s.Length || s[si] != p[pi + 1])
                    {
                        return false;
                    }

                    pi += 2;
                    si++;
                    break;
                default:
                    if (si >= s.Length || s[si] != c)
                    {
                        return false;
                    }

                    pi++;
                    si++;
                    break;
            }
        }

        return si == s.Length;
    }

    // Reads "[...]" at p[pi] and leaves pi after it; an unclosed '[' matches itself.
    private static bool MatchClass(string p, ref int pi, char ch)
    {
        var close = p.IndexOf(']', pi + 2 <= p.Length ? pi + 2 : p.Length);
        if (close < 0)
        {
            pi++;
            return ch == '[';
        }

        var body = p[(pi + 1)..close];
        pi = close + 1;
        var negate = body.Length > 0 && body[0] is '!' or '^';
        if (negate)
        {
            body = body[1..];
        }

        var hit = false;
        for (var k = 0; k < body.Length; k++)
        {
            if (k + 2 < body.Length && body[k + 1] == '-')
            {
                hit |= ch >= body[k] && ch <= body[k + 2];
                k += 2;
            }
            else
            {
                hit |= ch == body[k];
            }
        }

        return hit != negate;
    }
}
