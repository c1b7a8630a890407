using System.Data.Common;
using System.Globalization;
using System.Text;
using Bridge.Emulator;

namespace Bridge.DatasetGen;

/// Statements collected while planning a change, then sent in batches (DbBatch: one round trip per few hundred statements).
internal sealed class SqlWork(BlechEngine engine)
{
    private const int CommandsPerBatch = 500;
    private const int IdsPerDelete = 1000;

    private readonly List<(string Sql, object?[] Args)> _commands = [];

    public BlechEngine Engine { get; } = engine;

    /// Adds a statement whose placeholders are <c>@p0</c>, <c>@p1</c>, ... in the order of <paramref name="args"/>.
    public void Add(string sql, params object?[] args) => _commands.Add((sql, args));

    /// <c>UPDATE table SET col = value, ..., updated_at = now WHERE id = id</c>.
    public void Update(string table, int id, DateTime now, params (string Column, object? Value)[] sets)
    {
        var sql = new StringBuilder($"UPDATE {table} SET ");
        var args = new List<object?>();
        foreach (var (column, value) in sets)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{column} = @p{args.Count}, ");
            args.Add(value);
        }

        sql.Append(CultureInfo.InvariantCulture, $"updated_at = @p{args.Count} WHERE id = @p{args.Count + 1}");
        args.Add(now);
        args.Add(id);
        Add(sql.ToString(), [.. args]);
    }

    /// <c>INSERT INTO table (columns) VALUES (@p0, ...)</c>.
    public void Insert(string table, string columns, params object?[] values) =>
        Add(InsertSql(table, columns, values.Length), values);

    /// Set-based deletes by id; the ids are integers, so they go into the text.
    public void Delete(string table, IEnumerable<int> ids)
    {
        foreach (var chunk in ids.Chunk(IdsPerDelete))
        {
            Add($"DELETE FROM {table} WHERE id IN ({string.Join(",", chunk.Select(i => i.ToString(CultureInfo.InvariantCulture)))})");
        }
    }

    public static string InsertSql(string table, string columns, int count) =>
        $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", Enumerable.Range(0, count).Select(i => $"@p{i}"))})";

    public async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        var total = 0;
        foreach (var chunk in _commands.Chunk(CommandsPerBatch))
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            batch.Timeout = 600;
            foreach (var (sql, args) in chunk)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = sql;
                for (var i = 0; i < args.Length; i++)
                {
                    var p = command.CreateParameter();
                    p.ParameterName = $"p{i}";
                    p.Value = args[i] ?? DBNull.Value;
                    command.Parameters.Add(p);
                }

                batch.BatchCommands.Add(command);
            }

            total += await batch.ExecuteNonQueryAsync(ct);
        }

        _commands.Clear();
        return total;
    }

    /// Runs one INSERT at once and returns the new row's id.
    public async Task<int> InsertReturningIdAsync(DbConnection connection, DbTransaction transaction, string table, string columns, object?[] values, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Engines.ReturningId(Engine, InsertSql(table, columns, values.Length));
        for (var i = 0; i < values.Length; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = $"p{i}";
            p.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
