using System.Data.Common;

namespace Bridge.Data.Read;

/// <summary>
/// Reads of Blech's own tables: one statement, its rows mapped with typed getters by ordinal. Hand-written rather than Dapper
/// because these are the hot path (a large host has some 300,000 rows a side); Bridge's own small state tables use Dapper.
/// </summary>
public static class Query
{
    public static async Task<List<T>> ListAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> map, CancellationToken ct, params DbParameter[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(map(reader));
        }

        return list;
    }
}
