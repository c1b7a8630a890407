using System.Text.RegularExpressions;

namespace Bridge.Mail;

/// <summary>Keeps password hashes out of the report even when a caller forgets to mark a field secret.</summary>
internal static partial class Redaction
{
    public const string Placeholder = "[hash]";

    /// <summary>Field names that hold credentials whatever the Secret flag says.</summary>
    public static bool IsSecretName(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("hash", StringComparison.OrdinalIgnoreCase);

    /// <summary>"password changed" for password fields, "&lt;name&gt; changed" for other secrets.</summary>
    public static string ChangedText(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) ? "password changed" : $"{name} changed";

    /// <summary>Replaces anything shaped like a crypt(3) hash or a Dovecot scheme prefix with a placeholder.</summary>
    public static string Scrub(string text) =>
        text.Contains('$') || text.Contains('{') ? CryptHash().Replace(text, Placeholder) : text;

    // $1$ $2a$ $2b$ $2y$ $5$ $6$ $7$ $y$ $gy$ $argon2id$ ..., and {SHA512-CRYPT}-style prefixes with what follows.
    [GeneratedRegex(@"(\{[A-Z0-9.-]*(CRYPT|SHA|MD5|ARGON2[A-Z]*|PLAIN)[A-Z0-9.-]*\})?\$(1|2[abxy]?|5|6|7|y|gy|argon2(id|i|d))\$[^\s'"",;<>]*|\{[A-Z0-9.-]*(CRYPT|SHA|MD5|ARGON2[A-Z]*|PLAIN)[A-Z0-9.-]*\}[^\s'"",;<>]*", RegexOptions.CultureInvariant)]
    private static partial Regex CryptHash();
}
