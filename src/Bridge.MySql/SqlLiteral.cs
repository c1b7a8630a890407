using System.Globalization;
using System.Text;

namespace Bridge.MySql;

/// <summary>
/// Values written into a statement's text as MariaDB literals. Text goes as <c>_utf8mb4 X'...'</c>: its UTF-8 bytes in
/// hexadecimal, so that no character of a row (a quote, a backslash, a NUL) can end the literal or be read differently under
/// any <c>sql_mode</c> (<c>NO_BACKSLASH_ESCAPES</c> or not). Numbers in invariant digits, booleans as 0 and 1.
/// </summary>
public static class SqlLiteral
{
    public static void Append(StringBuilder sql, object? value)
    {
        switch (value)
        {
            case null:
            case DBNull:
                sql.Append("NULL");
                break;
            case string s:
                sql.Append("_utf8mb4 X'");
                AppendHex(sql, Encoding.UTF8.GetBytes(s));
                sql.Append('\'');
                break;
            case byte[] b:
                sql.Append("X'");
                AppendHex(sql, b);
                sql.Append('\'');
                break;
            case bool b:
                sql.Append(b ? '1' : '0');
                break;
            case short h:
                sql.Append(h.ToString(CultureInfo.InvariantCulture));
                break;
            case int i:
                sql.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case long l:
                sql.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case DateTime d:
                sql.Append('\'').Append(d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append('\'');
                break;
            default:
                throw new ArgumentException($"no MariaDB literal for a value of type {value.GetType().Name}", nameof(value));
        }
    }

    private static void AppendHex(StringBuilder sql, byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        Span<char> buffer = stackalloc char[512];
        for (var start = 0; start < bytes.Length; start += buffer.Length / 2)
        {
            var chunk = bytes.AsSpan(start, Math.Min(buffer.Length / 2, bytes.Length - start));
            Convert.TryToHexString(chunk, buffer, out var written);
            sql.Append(buffer[..written]);
        }
    }
}
