using System.Text.RegularExpressions;

namespace Bridge.Runtime.Requests;

/// <summary>Blech's documented alphabet for an admin login (BLECH.md §4): letters, digits and <c>._@-</c>, at most 64 of them.</summary>
public static partial class AdminName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    // \z, not $: "$" would let a trailing newline through.
    [GeneratedRegex(@"\A[A-Za-z0-9._@-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
