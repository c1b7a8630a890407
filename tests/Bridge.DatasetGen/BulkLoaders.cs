using System.Data.Common;
using System.Globalization;
using System.Text;
using MySqlConnector;
using Npgsql;
using NpgsqlTypes;

namespace Bridge.DatasetGen;

/// Writes whole tables in bulk, inside the caller's transaction.
internal interface IBulkLoader
{
    Task<long> LoadAsync(DbConnection connection, DbTransaction transaction, TableLoad table, CancellationToken ct);

    /// Whatever the engine needs after rows were written with explicit ids.
    Task FinishAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> tables, CancellationToken ct);
}

/// PostgreSQL: binary COPY, then each sequence moved past the highest id.
internal sealed class PostgresLoader : IBulkLoader
{
    public async Task<long> LoadAsync(DbConnection connection, DbTransaction transaction, TableLoad table, CancellationToken ct)
    {
        var pg = (NpgsqlConnection)connection;
        var columns = string.Join(", ", table.Columns.Select(c => c.Name));
        var types = table.Columns.Select(c => TypeOf(c.Type)).ToArray();
        long rows = 0;
        await using var importer = await pg.BeginBinaryImportAsync($"COPY {table.Name} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in table.Rows)
        {
            // The synchronous writer methods: they only fill a buffer, and the async ones cost a state machine per value.
            importer.StartRow();
            for (var i = 0; i < row.Length; i++)
            {
                switch (row[i])
                {
                    case null:
                        importer.WriteNull();
                        break;
                    case int v:
                        importer.Write(v, types[i]);
                        break;
                    case long v:
                        importer.Write(v, types[i]);
                        break;
                    case bool v:
                        importer.Write(v, types[i]);
                        break;
                    case DateTime v:
                        importer.Write(v, types[i]);
                        break;
                    case string v:
                        importer.Write(v, types[i]);
                        break;
                    default:
                        throw new InvalidOperationException($"{table.Name}: no COPY writer for {row[i]!.GetType().Name}");
                }
            }

            rows++;
        }

        await importer.CompleteAsync(ct);
        return rows;
    }

    public async Task FinishAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> tables, CancellationToken ct)
    {
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}";
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static NpgsqlDbType TypeOf(ColumnType type) => type switch
    {
        ColumnType.Int => NpgsqlDbType.Integer,
        ColumnType.BigInt => NpgsqlDbType.Bigint,
        ColumnType.Varchar => NpgsqlDbType.Varchar,
        ColumnType.Text => NpgsqlDbType.Text,
        ColumnType.Bool => NpgsqlDbType.Boolean,
        ColumnType.Timestamp => NpgsqlDbType.TimestampTz,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

/// MariaDB and MySQL: multi-row INSERT statements with explicit ids (AUTO_INCREMENT then follows by itself).
/// Literals rather than parameters: a thousand rows of up to 14 columns each is far past what parameters are for.
internal sealed class MariaDbLoader : IBulkLoader
{
    private const int RowsPerStatement = 1000;

    public async Task<long> LoadAsync(DbConnection connection, DbTransaction transaction, TableLoad table, CancellationToken ct)
    {
        var noBackslashEscapes = await NoBackslashEscapesAsync(connection, transaction, ct);
        var head = $"INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}) VALUES ";
        var sql = new StringBuilder(head);
        var inBatch = 0;
        long rows = 0;
        Task pending = Task.CompletedTask;
        foreach (var row in table.Rows)
        {
            sql.Append(inBatch == 0 ? "(" : ",(");
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    sql.Append(',');
                }

                AppendLiteral(sql, row[i], noBackslashEscapes);
            }

            sql.Append(')');
            rows++;
            if (++inBatch == RowsPerStatement)
            {
                // Build the next statement while the server runs this one.
                await pending;
                pending = ExecuteAsync(connection, transaction, sql.ToString(), ct);
                sql.Clear().Append(head);
                inBatch = 0;
            }
        }

        await pending;
        if (inBatch > 0)
        {
            await ExecuteAsync(connection, transaction, sql.ToString(), ct);
        }

        return rows;
    }

    public Task FinishAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> tables, CancellationToken ct) =>
        Task.CompletedTask;

    internal static void AppendLiteral(StringBuilder sql, object? value, bool noBackslashEscapes)
    {
        switch (value)
        {
            case null:
                sql.Append("NULL");
                break;
            case int v:
                sql.Append(v.ToString(CultureInfo.InvariantCulture));
                break;
            case long v:
                sql.Append(v.ToString(CultureInfo.InvariantCulture));
                break;
            case bool v:
                sql.Append(v ? '1' : '0');
                break;
            case DateTime v:
                sql.Append('\'').Append(v.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append('\'');
                break;
            case string v:
                sql.Append('\'');
                foreach (var ch in v)
                {
                    switch (ch)
                    {
                        case '\'':
                            sql.Append("''");
                            break;
                        case '\\' when !noBackslashEscapes:
                            sql.Append("\\\\");
                            break;
                        case '\0' when !noBackslashEscapes:
                            sql.Append("\\0");
                            break;
                        default:
                            sql.Append(ch);
                            break;
                    }
                }

                sql.Append('\'');
                break;
            default:
                throw new InvalidOperationException($"No SQL literal for {value.GetType().Name}");
        }
    }

    private static async Task<bool> NoBackslashEscapesAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT @@SESSION.sql_mode";
        var mode = Convert.ToString(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) ?? string.Empty;
        return mode.Contains("NO_BACKSLASH_ESCAPES", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, (MySqlConnection)connection, (MySqlTransaction)transaction) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(ct);
    }
}
