using System.Data.Common;

namespace Bridge.Data.Engine;

/// <summary>Keeps connection passwords out of every message Bridge prints or stores.</summary>
public sealed class Secrets
{
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
}
