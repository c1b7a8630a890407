using System.Net;
using System.Net.Sockets;
using Bridge.Core.Normalize;

namespace Bridge.Apache;

/// <summary>Finding and formatting IP addresses inside Apache arguments.</summary>
internal static class AddressText
{
    /// <summary>An address inside a string: where it is and what it means.</summary>
    public readonly record struct Found(int Start, int Length, IPAddress Address, string Port);

    /// <summary>
    /// Reads an <c>addr[:port]</c> argument of VirtualHost, Listen or NameVirtualHost:
    /// <c>192.0.2.2</c>, <c>192.0.2.2:80</c>, <c>192.0.2.2:*</c>, <c>[2001:db8::2]:443</c>, <c>2001:db8::2</c>.
    /// Host names, <c>*</c> and <c>_default_</c> are not addresses.
    /// </summary>
    public static Found? ParseHostPort(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (value[0] == '[')
        {
            var close = value.IndexOf(']');
            if (close < 0)
            {
                return null;
            }

            var rest = value[(close + 1)..];
            if (rest.Length > 0 && !(rest[0] == ':' && IsPort(rest[1..])))
            {
                return null;
            }

            return TryParseIPv6(value[1..close]) is { } v6 ? new Found(0, close + 1, v6, rest.Length > 0 ? rest[1..] : "") : null;
        }

        if (TryParseStrict(value) is { } whole)
        {
            return new Found(0, value.Length, whole, "");
        }

        var colon = value.LastIndexOf(':');
        if (colon > 0 && IsPort(value[(colon + 1)..]) && TryParseIPv4(value[..colon]) is { } v4)
        {
            return new Found(0, colon, v4, value[(colon + 1)..]);
        }

        return null;
    }

    /// <summary>
    /// Every whole-token mention of <paramref name="target"/> in free text: a bare address, one followed
    /// by <c>:port</c> or <c>/prefix</c>, a bracketed IPv6 address, or the host of a URL.
    /// <c>192.0.2.2</c> is not found inside <c>192.0.2.20</c>, <c>10.192.0.2.2</c> or <c>192.0.2.2.example</c>.
    /// </summary>
    public static IEnumerable<(int Start, int Length)> FindMentions(string s, IPAddress target)
    {
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '[')
            {
                var close = s.IndexOf(']', i + 1);
                if (close > i && TryParseIPv6(s[(i + 1)..close]) is { } v6 && v6.Equals(target))
                {
                    yield return (i, close - i + 1);
                    i = close + 1;
                    continue;
                }

                i++;
                continue;
            }

            if (!IsRunChar(c))
            {
                i++;
                continue;
            }

            var j = i;
            while (j < s.Length && IsRunChar(s[j]))
            {
                j++;
            }

            var before = i > 0 ? s[i - 1] : ' ';
            var after = j < s.Length ? s[j] : ' ';
            if (!IsWordChar(before) && !IsWordChar(after))
            {
                // A trailing dot is punctuation ("on 192.0.2.2."); a name continuing after it was rejected above.
                var length = MatchLength(s[i..j].TrimEnd('.'), target);
                if (length > 0)
                {
                    yield return (i, length);
                }
            }

            i = j;
        }
    }

    private static int MatchLength(string run, IPAddress target)
    {
        if (TryParseStrict(run) is { } whole && whole.Equals(target))
        {
            return run.Length;
        }

        if (target.AddressFamily == AddressFamily.InterNetwork)
        {
            var colon = run.IndexOf(':');
            if (colon > 0 && TryParseIPv4(run[..colon]) is { } v4 && v4.Equals(target))
            {
                return colon;
            }
        }

        return 0;
    }

    /// <summary>How an address is written in Apache: IPv6 always in brackets.</summary>
    public static string Format(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    /// <summary>A strict dotted quad, or an IPv6 address (no zone id), by the one rule Bridge parses addresses with everywhere.</summary>
    public static IPAddress? TryParseStrict(string s) => Addresses.TryParseExact(s, out var a) ? a : null;

    public static IPAddress? TryParseIPv4(string s) => TryParseStrict(s) is { AddressFamily: AddressFamily.InterNetwork } a ? a : null;

    public static IPAddress? TryParseIPv6(string s) => TryParseStrict(s) is { AddressFamily: AddressFamily.InterNetworkV6 } a ? a : null;

    private static bool IsPort(string s) => s == "*" || (s.Length is > 0 and <= 5 && s.All(char.IsAsciiDigit));

    private static bool IsRunChar(char c) => char.IsAsciiHexDigit(c) || c is ':' or '.';

    // Characters that would make a neighbouring address part of a longer name or number.
    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}
