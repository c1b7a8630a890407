using System.Data.Common;
using System.Text.RegularExpressions;

namespace Bridge.Core;

/// <summary>
/// Keeps secrets out of every message Bridge prints, stores or mails: the passwords it knows (connection strings, the mail
/// login) by their text, and password hashes by their shape.
/// </summary>
public sealed partial class Secrets
{
    /// <summary>What a password hash is replaced with.</summary>
    public const string HashPlaceholder = "[hash]";

    private readonly List<string> _secrets = [];

    /// <summary>Remembers the password of a connection string (any of the usual key spellings).</summary>
    public void AddConnectionString(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return;
        }

        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in new[] { "password", "pwd" })
            {
                if (builder.TryGetValue(key, out var value) && value is string s && s.Length > 0)
                {
                    Add(s);
                }
            }
        }
        catch (ArgumentException)
        {
            // A malformed connection string is reported by the driver; its text is never printed, so there is nothing to redact.
        }
    }

    public void Add(string secret)
    {
        if (secret.Length >= 3 && !_secrets.Contains(secret))
        {
            _secrets.Add(secret);
            _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        }
    }

    /// <summary>The text with every known secret replaced by <c>***</c>.</summary>
    public string Redact(string text)
    {
        foreach (var s in _secrets)
        {
            text = text.Replace(s, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Replaces anything shaped like a crypt(3) hash or a Dovecot scheme prefix with <see cref="HashPlaceholder"/>.</summary>
    public static string ScrubHashes(string text) =>
        text.Contains('$') || text.Contains('{') ? CryptHash().Replace(text, HashPlaceholder) : text;

    // $1$ $2a$ $2b$ $2y$ $5$ $6$ $7$ $y$ $gy$ $argon2id$ ..., and {SHA512-CRYPT}-style prefixes with what follows.
    [GeneratedRegex(@"(\{[A-Z0-9.-]*(CRYPT|SHA|MD5|ARGON2[A-Z]*|PLAIN)[A-Z0-9.-]*\})?\$(1|2[abxy]?|5|6|7|y|gy|argon2(id|i|d))\$[^\s'"",;<>]*|\{[A-Z0-9.-]*(CRYPT|SHA|MD5|ARGON2[A-Z]*|PLAIN)[A-Z0-9.-]*\}[^\s'"",;<>]*", RegexOptions.CultureInvariant)]
    private static partial Regex CryptHash();
}
