using System.Globalization;
using System.Text;
using Bridge.Core.Model;

namespace Bridge.Core.Normalize;

/// <summary>
/// What the standby's engine can store in Blech's columns: lengths in characters and bytes, NUL, and which unique keys it
/// holds as equal. A peer row that breaks one of these would make the whole apply fail on the standby, so it is skipped with
/// its reason instead, like any other bad row. Blech's text columns are described once here, as the schema declares them.
/// </summary>
public sealed class StorageRules
{
    // Every varchar of Blech's schema; the rest of the text columns are text/TEXT. Same sizes on both engines.
    private static readonly Dictionary<(ObjectKind, string), int> VarcharLengths = new()
    {
        [(ObjectKind.Client, "login")] = 64,
        [(ObjectKind.Client, "name")] = 255,
        [(ObjectKind.Client, "email")] = 255,
        [(ObjectKind.Client, "password_hash")] = 255,
        [(ObjectKind.Site, "domain")] = 253,
        [(ObjectKind.Site, "ip_address")] = 45,
        [(ObjectKind.Site, "document_root")] = 4096,
        [(ObjectKind.Site, "ssl_cert_path")] = 4096,
        [(ObjectKind.Site, "ssl_key_path")] = 4096,
        [(ObjectKind.Site, "php_version")] = 8,
        [(ObjectKind.Zone, "origin")] = 255,
        [(ObjectKind.Zone, "primary_ns")] = 255,
        [(ObjectKind.Zone, "hostmaster")] = 255,
        [(ObjectKind.Record, "name")] = 255,
        [(ObjectKind.Record, "type")] = 10,
        [(ObjectKind.MailDomain, "domain")] = 253,
        [(ObjectKind.Mailbox, "local_part")] = 64,
        [(ObjectKind.Mailbox, "password_hash")] = 255,
        [(ObjectKind.Alias, "source")] = 64,
    };

    private StorageRules(string description, int maxTextBytes, bool allowsNul, Func<string, string>? foldKey)
    {
        Description = description;
        MaxTextBytes = maxTextBytes;
        AllowsNul = allowsNul;
        FoldsKeys = foldKey is not null;
        FoldKey = foldKey ?? (key => key);
    }

    /// <summary>PostgreSQL 15, UTF8: no NUL in text; text up to 1 GB; unique keys on <c>lower(...)</c>, which Bridge's keys already are.</summary>
    public static StorageRules Postgres { get; } = new("PostgreSQL", 1_073_741_823, allowsNul: false, foldKey: null);

    /// <summary>
    /// MariaDB 10.11, <c>utf8mb4_general_ci</c>: TEXT holds 65,535 bytes; unique keys ignore case, accents and trailing
    /// spaces, and every character outside the Basic Multilingual Plane weighs the same.
    /// </summary>
    public static StorageRules MariaDb { get; } = new("MariaDB (utf8mb4_general_ci)", 65_535, allowsNul: true, GeneralCiFold);

    /// <summary>Rules that check nothing: what a test or a caller that does not know the standby's engine gets.</summary>
    public static StorageRules Any { get; } = new("any engine", int.MaxValue, allowsNul: true, foldKey: null);

    public string Description { get; }

    public int MaxTextBytes { get; }

    public bool AllowsNul { get; }

    /// <summary>The form under which the engine's unique keys compare two values as equal.</summary>
    public Func<string, string> FoldKey { get; }

    /// <summary>Whether <see cref="FoldKey"/> can make two different keys equal (false: it returns every key as it is).</summary>
    public bool FoldsKeys { get; }

    /// <summary>Why <paramref name="value"/> cannot be stored in <paramref name="column"/> of <paramref name="kind"/>'s table, or null.</summary>
    public string? Problem(ObjectKind kind, string column, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!AllowsNul && value.Contains('\0', StringComparison.Ordinal))
        {
            return $"{column} contains a NUL byte, which {Description} cannot store";
        }

        // Most values are ASCII: one character and one byte each, no surrogates. Those are counted without decoding them.
        var ascii = Ascii.IsValid(value);
        if (!ascii && HasLoneSurrogate(value))
        {
            return $"{column} is not valid Unicode";
        }

        if (VarcharLengths.TryGetValue((kind, column), out var chars))
        {
            var length = ascii ? value.Length : CharacterCount(value);
            return length > chars ? $"{column} is {N(length)} characters long; the column holds {N(chars)}" : null;
        }

        var bytes = ascii ? value.Length : Encoding.UTF8.GetByteCount(value);
        return bytes > MaxTextBytes ? $"{column} is {N(bytes)} bytes long; {Description} holds {N(MaxTextBytes)} in that column" : null;
    }

    private static int CharacterCount(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    // utf8mb4_general_ci's weights for U+00C0..U+017F: the base letter, upper case, where it has one (é = E, ß = S);
    // a few letters keep a weight of their own (Æ, Ø, Þ, Ł ...). Spelled out because the build runs without ICU.
    private const string Latin = "AAAAAAÆCEEEEIIIIÐNOOOOO×ØUUUUYÞSAAAAAAÆCEEEEIIIIÐNOOOOO÷ØUUUUYÞYAAAAAACCCCCCCCDDĐĐEEEEEEEEEEGGGGGGGGHHĦĦIIIIIIIIIIĲĲJJKKĸLLLLLLĿĿŁŁNNNNNNŉŊŊOOOOOOŒŒRRRRRRSSSSSSSSTTTTŦŦUUUUUUUUUUUUWWYYYZZZZZZS";

    // utf8mb4_general_ci, closely: case and the accents of Latin letters ignored, one shared weight (U+FFFD's) for every
    // character beyond the Basic Multilingual Plane, trailing spaces ignored.
    private static string GeneralCiFold(string key)
    {
        if (Ascii.IsValid(key))
        {
            return key.ToUpperInvariant().TrimEnd(' ');
        }

        var b = new StringBuilder(key.Length);
        foreach (var rune in key.EnumerateRunes())
        {
            if (rune.Value > 0xFFFF)
            {
                b.Append('\uFFFD');
            }
            else if (rune.Value is >= 0xC0 and < 0x180)
            {
                b.Append(Latin[rune.Value - 0xC0]);
            }
            else
            {
                b.Append(char.ToUpperInvariant((char)rune.Value));
            }
        }

        return b.ToString().TrimEnd(' ');
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
