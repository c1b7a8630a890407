using System.Data.Common;
using System.Globalization;
using System.Text;
using Bridge.Core.Incremental;
using Bridge.Core.Model;
using Bridge.Data.Engine;
using Bridge.Data.Schema;

namespace Bridge.Data.Read;

/// <summary>
/// A summary of a Blech database that changes with any write: per table the row count and the XOR of a 64-bit hash of every
/// row (<see cref="IEngineDialect.RowHash"/>, computed by the server), plus the server's <c>main_ip</c>. It does not trust
/// <c>updated_at</c>: an edit that committed late with an old timestamp, a script that left the timestamp alone, a delete and
/// insert that keep the ids' sums, all change it. A change goes unseen only if the hashes of the rows it touched XOR to the
/// same value as before, about one chance in 2^64 per change (the hashes are of a row's id with its version or content, so
/// two rows never cancel out by holding the same values).
/// </summary>
public static class Fingerprint
{
    /// <summary>The fingerprint as the server computes it: every synced table and the address table scanned.</summary>
    public static async Task<string> ReadAsync(DbConnection connection, DbTransaction? transaction, IEngineDialect dialect, CancellationToken ct) =>
        await ComposeAsync(connection, transaction, await LinesAsync(connection, transaction, dialect, [.. BlechTables.Synced, BlechTables.IpAddress], ct), ct);

    /// <summary>
    /// The same fingerprint from a listing of every row taken in the same transaction: the synced tables' counts and hashes from
    /// the listing, only the address table and <c>main_ip</c> asked of the server. Saves a second scan of every table.
    /// </summary>
    public static Task<string> FromListingAsync(DbConnection connection, DbTransaction? transaction, IEngineDialect dialect, Listing listing, CancellationToken ct) =>
        FromSummariesAsync(connection, transaction, dialect, listing.Summary, ct);

    /// <summary>
    /// The same fingerprint from each synced kind's row count and XOR of row hashes (<see cref="Listing.Summary"/>, or
    /// <see cref="Listing.SummaryOverlaid"/> for a listing brought up to date without being made).
    /// </summary>
    public static async Task<string> FromSummariesAsync(DbConnection connection, DbTransaction? transaction, IEngineDialect dialect,
        Func<ObjectKind, (int Count, ulong Hash)> summary, CancellationToken ct)
    {
        var lines = await LinesAsync(connection, transaction, dialect, [BlechTables.IpAddress], ct);
        foreach (var table in BlechTables.Synced)
        {
            var (count, hash) = summary(table.Kind!.Value);
            lines.Add(Line(table.Name, count, hash));
        }

        return await ComposeAsync(connection, transaction, lines, ct);
    }

    /// <summary>
    /// The content hashes of the server and address tables: what every site's address mapping depends on. Pairs stored under
    /// another context are not trusted (see <c>PairStore</c>).
    /// </summary>
    public static async Task<string> ContextAsync(DbConnection connection, DbTransaction? transaction, IEngineDialect dialect, CancellationToken ct) =>
        string.Join(";", await LinesAsync(connection, transaction, dialect, [BlechTables.Server, BlechTables.IpAddress], ct));

    /// <summary>The row count of each table a fingerprint names (the main_ip line is none).</summary>
    public static Dictionary<string, int> RowCounts(string fingerprint)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in fingerprint.Split(';'))
        {
            var fields = line.Split(':');
            if (fields.Length == 3 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                counts[fields[0]] = count;
            }
        }

        return counts;
    }

    private static async Task<List<string>> LinesAsync(DbConnection connection, DbTransaction? transaction, IEngineDialect dialect, IReadOnlyList<BlechTable> tables, CancellationToken ct)
    {
        var lines = new List<string>();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = string.Join("\nUNION ALL ", tables.Select(t => dialect.ContentHashSql(t.Name, t.Columns)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lines.Add(Line(reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), Bits(reader.GetValue(2))));
        }

        return lines;
    }

    // PostgreSQL's bit_xor of bigints is signed, MariaDB's BIT_XOR unsigned: the same 64 bits either way.
    private static ulong Bits(object value) => value switch
    {
        long l => unchecked((ulong)l),
        ulong u => u,
        _ => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
    };

    private static string Line(string table, long count, ulong hash) => string.Create(CultureInfo.InvariantCulture, $"{table}:{count}:{hash}");

    // UNION ALL promises no order (PostgreSQL's parallel append mixes it): the lines are sorted.
    private static async Task<string> ComposeAsync(DbConnection connection, DbTransaction? transaction, List<string> lines, CancellationToken ct)
    {
        lines.Sort(StringComparer.Ordinal);
        var result = new StringBuilder();
        foreach (var line in lines)
        {
            result.Append(line).Append(';');
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT main_ip FROM server ORDER BY id";
        result.Append("main_ip:").Append(await command.ExecuteScalarAsync(ct));
        return result.ToString();
    }
}
