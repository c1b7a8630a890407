using System.Diagnostics.CodeAnalysis;

namespace Bridge.Core.Normalize;

/// <summary>Spelling-insensitive forms and checks of DNS host names as Blech stores them.</summary>
public static class HostNames
{
    /// <summary>Lower case, absolute, with the trailing dot: <c>Example.COM</c> and <c>example.com.</c> both give <c>example.com.</c>.</summary>
    public static string Origin(string origin)
    {
        var o = origin.Trim().ToLowerInvariant();
        return o.EndsWith('.') ? o : o + ".";
    }

    /// <summary>A site or mail domain: lower case, no trailing dot.</summary>
    public static string Domain(string domain) => domain.Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>
    /// A record owner or target name made absolute against the zone's origin: <c>@</c>, a relative name and an absolute one
    /// that mean the same host all give the same text.
    /// </summary>
    public static string Absolute(string name, string normalizedOrigin)
    {
        var n = name.Trim();
        if (n.Length == 0 || n == "@")
        {
            return normalizedOrigin;
        }

        n = n.ToLowerInvariant();
        return n.EndsWith('.') ? n : n + "." + normalizedOrigin;
    }

    /// <summary>Checks a host name (relative or absolute; <c>*</c> allowed as a whole first label when <paramref name="allowWildcard"/>).</summary>
    public static bool IsValid(string name, bool allowWildcard, [NotNullWhen(false)] out string? reason)
    {
        if (name.Length == 0)
        {
            reason = "empty host name";
            return false;
        }

        foreach (var ch in name)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                reason = ch switch
                {
                    '\n' => "host name contains a newline",
                    '\r' => "host name contains a carriage return",
                    '\t' => "host name contains a tab",
                    ' ' => "host name contains a space",
                    _ => "host name contains a control character",
                };
                return false;
            }

            if (ch == '/')
            {
                reason = "host name contains '/'";
                return false;
            }
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            reason = "host name contains '..'";
            return false;
        }

        // Read in place: this runs for every record, site and mail domain of a sync, and a split would allocate every label.
        var body = name.AsSpan(0, name.EndsWith('.') ? name.Length - 1 : name.Length);
        if (body.Length == 0 || body.Length > 253)
        {
            reason = body.Length == 0 ? "host name is only a dot" : "host name is longer than 253 characters";
            return false;
        }

        var first = true;
        foreach (var range in body.Split('.'))
        {
            var label = body[range];
            if (label.Length == 0)
            {
                reason = "host name has an empty label";
                return false;
            }

            if (label.Length > 63)
            {
                reason = $"label '{label[..10]}...' is longer than 63 characters";
                return false;
            }

            if (label is "*" && first && allowWildcard)
            {
                first = false;
                continue;
            }

            first = false;
            foreach (var ch in label)
            {
                if (!(char.IsAsciiLetterOrDigit(ch) || ch == '-' || ch == '_'))
                {
                    reason = $"host name contains '{ch}'";
                    return false;
                }
            }
        }

        reason = null;
        return true;
    }
}
