using System.Data.Common;
using System.Text;
using Bridge.Data.Engine;

namespace Bridge.Data.Read;

/// <summary>
/// A summary of a Blech database that changes with any write: per table the row count and the exact sum of a 64-bit hash of
/// every row's columns (computed by the server), plus the server's <c>main_ip</c>. It does not trust <c>updated_at</c>: an edit
/// that committed late with an old timestamp, a script that left the timestamp alone, a delete and insert that keep the ids'
/// sums, all change it. A change goes unseen only if the hashes of the rows it touched sum to the same value as before,
/// about one chance in 2^64 per change.
/// </summary>
public static class Fingerprint
{
    private static readonly IReadOnlyList<Schema.BlechTable> Tables = [.. Schema.BlechTables.Synced, Schema.BlechTables.IpAddress];

    public static async Task<string> ReadAsync(DbConnection connection, DbTransaction? transaction, IEngineDialect dialect, CancellationToken ct)
    {
        // UNION ALL promises no order (PostgreSQL's parallel append mixes it): one line per table, sorted here.
        var lines = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = string.Join("\nUNION ALL ", Tables.Select(t => dialect.ContentHashSql(t.Name, t.Columns)));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lines.Add($"{reader.GetString(0)}:{Convert.ToString(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)}:{reader.GetString(2)};");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        var result = new StringBuilder(string.Concat(lines));

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT main_ip FROM server ORDER BY id";
            result.Append("main_ip:").Append(await command.ExecuteScalarAsync(ct));
        }

        return result.ToString();
    }

    /// <summary>
    /// The content hashes of the server and address tables: what every site's address mapping depends on. Pairs stored under
    /// another context are not trusted (see <c>PairStore</c>).
    /// </summary>
    public static async Task<string> ContextAsync(DbConnection connection, DbTransaction? transaction, IEngineDialect dialect, CancellationToken ct)
    {
        var lines = new List<string>();
        foreach (var table in new[] { Schema.BlechTables.Server, Schema.BlechTables.IpAddress })
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = dialect.ContentHashSql(table.Name, table.Columns);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lines.Add($"{reader.GetString(0)}:{Convert.ToString(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)}:{reader.GetString(2)}");
            }
        }

        return string.Join(";", lines);
    }
}
