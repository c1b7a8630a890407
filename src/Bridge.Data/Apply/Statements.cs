using System.Data.Common;
using System.Text;
using Bridge.Data.Engine;

namespace Bridge.Data.Apply;

/// <summary>Set-based statements on one connection and transaction: multi-row inserts, batched updates, deletes by id list.</summary>
internal sealed class Statements(DbConnection connection, DbTransaction transaction, IEngineDialect dialect)
{
    private const int MaxBatchCommands = 500;

    // Below this many rows a multi-row INSERT is as quick as a bulk copy and simpler to read in a server log.
    private const int BulkThreshold = 200;

    public async Task<int> ExecuteAsync(string sql, IReadOnlyList<object?> args, CancellationToken ct)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Inserts rows with as few statements as the engine's parameter limit allows. With <paramref name="returning"/>, each
    /// inserted row's columns come back through <paramref name="onReturned"/>.
    /// </summary>
    public async Task InsertManyAsync(string table, string[] columns, IReadOnlyList<object?[]> rows, string? returning, Action<DbDataReader>? onReturned, CancellationToken ct)
    {
        if (returning is null && rows.Count >= BulkThreshold && await dialect.BulkCopyAsync(connection, table, columns, rows, ct))
        {
            return;
        }

        var perStatement = Math.Max(1, dialect.MaxParameters / columns.Length);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            var sql = new StringBuilder().Append("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
            var args = new List<object?>(count * columns.Length);
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                var row = rows[start + r];
                for (var c = 0; c < columns.Length; c++)
                {
                    sql.Append(c == 0 ? string.Empty : ", ").Append(dialect.Placeholder(args.Count));
                    args.Add(row[c]);
                }

                sql.Append(')');
            }

            if (returning is null)
            {
                await ExecuteAsync(sql.ToString(), args, ct);
                continue;
            }

            sql.Append(dialect.Returning(returning));
            await using var command = Command(sql.ToString(), args);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                onReturned!(reader);
            }
        }
    }

    /// <summary>Inserts rows into one of Blech's tables and returns their new ids, in the rows' order (the engine's bulk path).</summary>
    public Task<IReadOnlyList<int>> InsertReturningIdsAsync(string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken ct) =>
        dialect.InsertReturningIdsAsync(connection, transaction, table, columns, rows, ct);

    /// <summary>Inserts rows into one of Blech's tables with the engine's bulk path.</summary>
    public Task InsertBulkAsync(string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken ct) =>
        dialect.InsertBulkAsync(connection, transaction, table, columns, rows, ct);

    /// <summary>Updates rows by id (each row's first value), set-based: one statement per table, or per about a thousand rows.</summary>
    public Task UpdateByIdAsync(string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken ct) =>
        dialect.UpdateByIdAsync(connection, transaction, table, columns, rows, ct);

    /// <summary>Runs many small statements in batches: one round trip per batch, not per row.</summary>
    public async Task ExecuteBatchAsync(IReadOnlyList<(string Sql, object?[] Args)> statements, CancellationToken ct)
    {
        for (var start = 0; start < statements.Count; start += MaxBatchCommands)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var (sql, args) in statements.Skip(start).Take(MaxBatchCommands))
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = sql;
                for (var i = 0; i < args.Length; i++)
                {
                    command.Parameters.Add(dialect.CreateParameter(i, args[i]));
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    public Task DeleteByIdsAsync(string table, IReadOnlyList<int> ids, CancellationToken ct) =>
        DeleteWhereInAsync(table, "id", ids.Cast<object?>().ToList(), ct);

    /// <summary>Deletes the rows whose <paramref name="column"/> holds one of <paramref name="values"/>, as many a statement as the engine's parameter limit allows.</summary>
    public async Task DeleteWhereInAsync(string table, string column, IReadOnlyList<object?> values, CancellationToken ct)
    {
        foreach (var chunk in values.Chunk(dialect.MaxParameters))
        {
            var placeholders = string.Join(", ", Enumerable.Range(0, chunk.Length).Select(dialect.Placeholder));
            await ExecuteAsync($"DELETE FROM {table} WHERE {column} IN ({placeholders})", chunk, ct);
        }
    }

    /// <summary>The text of a statement whose parameters are numbered from zero, as <see cref="Placeholder"/> writes them.</summary>
    public string Placeholder(int index) => dialect.Placeholder(index);

    private DbCommand Command(string sql, IReadOnlyList<object?> args)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < args.Count; i++)
        {
            command.Parameters.Add(dialect.CreateParameter(i, args[i]));
        }

        return command;
    }
}
