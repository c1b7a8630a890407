using System.Net;
using System.Text.RegularExpressions;

namespace Bridge.Mail.Tests;

/// <summary>Just enough HTML reading for the tests: visible text and table cells.</summary>
internal static partial class HtmlText
{
    /// <summary>The body's text with tags removed and entities decoded, whitespace collapsed.</summary>
    public static string BodyText(string html)
    {
        var start = html.IndexOf("<body", StringComparison.Ordinal);
        var body = start >= 0 ? html[start..] : html;
        return Collapse(WebUtility.HtmlDecode(Tag().Replace(body, " ")));
    }

    /// <summary>Every innermost table row in document order, as its cells' decoded text.</summary>
    public static List<string[]> Rows(string html) =>
        [.. RowRx().Matches(html).Select(m => CellRx().Matches(m.Groups[1].Value).Select(c => CellText(c.Groups[1].Value)).ToArray())
            .Where(cells => cells.Length > 0)];

    private static string CellText(string html) => Collapse(WebUtility.HtmlDecode(Tag().Replace(html.Replace("<br>", " ", StringComparison.Ordinal), "")));

    private static string Collapse(string s) => Space().Replace(s, " ").Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();

    [GeneratedRegex("<tr[^>]*>((?:(?!<tr).)*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowRx();

    [GeneratedRegex("<t[dh][^>]*>(.*?)</t[dh]>", RegexOptions.Singleline)]
    private static partial Regex CellRx();
}
