using System.Data.Common;
using Bridge.Core.Incremental;
using Bridge.Core.Model;
using Bridge.Data.Engine;
using Bridge.Data.Schema;

namespace Bridge.Data.Read;

/// <summary>
/// Lists every row Bridge syncs as (id, parent id, hash of its columns), the hash computed by the server: a scan that sends 16
/// bytes a row, from which <see cref="ChangeSet"/> finds the rows worth reading whole.
/// </summary>
public static class RowListing
{
    /// <summary>
    /// Lists every row, or with <paramref name="only"/> the rows of the ids it lists (a kind mapped to null: all).
    /// <paramref name="expected"/>, row counts by table (from a fingerprint read just before), sizes each table's rows at once.
    /// </summary>
    public static async Task<Listing> ReadAsync(DbConnection connection, DbTransaction? transaction, IEngineDialect dialect, CancellationToken ct,
        IReadOnlyDictionary<ObjectKind, HashSet<int>?>? only = null, IReadOnlyDictionary<string, int>? expected = null)
    {
        var listing = new Listing();
        foreach (var table in BlechTables.Synced)
        {
            var kind = table.Kind!.Value;
            var rows = listing[kind];
            var select = Select(dialect, table);
            var ids = only?[kind];
            if (expected?.GetValueOrDefault(table.Name) is > 0 and var count)
            {
                // A few more than counted: rows inserted since only grow the table by a few.
                rows.EnsureCapacity(count + (count / 64));
            }

            foreach (var (sql, parameters) in ids is null ? [(select, [])] : dialect.SelectByIds(select, "id", ids, ordered: false))
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                command.Parameters.AddRange(parameters);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var intParent = reader.GetFieldType(1) == typeof(int);
                while (await reader.ReadAsync(ct))
                {
                    rows[reader.GetInt32(0)] = Mark(reader, 1, intParent);
                }
            }
        }

        return listing;
    }

    /// <summary>
    /// The listing's SELECT of <paramref name="table"/>, without a WHERE clause: id, parent id (0 for none), row hash, and for a
    /// parent table the key its children are read through (NULL for others).
    /// </summary>
    public static string Select(IEngineDialect dialect, BlechTable table) => $"SELECT id, {string.Join(", ", MarkColumns(dialect, table))} FROM {table.Name}";

    /// <summary>
    /// What a listing reads of a row besides its id: parent id (0 for none), row hash, and for a parent table the key its
    /// children are read through (NULL for others); qualified by <paramref name="alias"/> when given.
    /// </summary>
    public static string[] MarkColumns(IEngineDialect dialect, BlechTable table, string? alias = null)
    {
        var prefix = alias is null ? string.Empty : alias + ".";
        return [table.ParentColumn is { } parent ? prefix + parent : "0", dialect.RowHash(table.Columns, alias), table.KeyColumn is { } key ? prefix + key : "NULL"];
    }

    /// <summary>The row's mark from the <see cref="MarkColumns"/> read at <paramref name="first"/> and after.</summary>
    public static RowMark Mark(DbDataReader reader, int first, bool intParent) => new(
        intParent ? reader.GetInt32(first) : Convert.ToInt32(reader.GetValue(first), System.Globalization.CultureInfo.InvariantCulture),
        reader.GetInt64(first + 1),
        reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2).TrimEnd('.').ToLowerInvariant());
}
