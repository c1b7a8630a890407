using System.Data;
using System.Data.Common;
using Bridge.Core;
using Bridge.Data.Engine;
using Npgsql;

namespace Bridge.Postgres;

/// <summary>PostgreSQL 15: positional parameters, REPEATABLE READ snapshots, state in schema <c>bridge</c>.</summary>
public sealed class PostgresDialect : IEngineDialect
{
    private static readonly IReadOnlyList<string> Migrations = EmbeddedSql.Load(typeof(PostgresDialect).Assembly, "state-");

    public string Name => "postgres";

    // The protocol allows 65535 parameters a statement; stay well below it.
    public int MaxParameters => 30000;

    public IReadOnlyList<string> StateMigrations => Migrations;

    public DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(SessionConnectionString(connectionString));

    /// <summary>
    /// The connection string Bridge opens, the user's with two settings of its own:
    /// <list type="bullet">
    /// <item><c>max_parallel_workers_per_gather = 0</c> for the session (in the start-up packet, no extra round trip), ahead of
    /// any <c>Options</c> of the user's own, which come after it and so still decide. Bridge's scans (the fingerprints'
    /// aggregates, the listings) are a poller's background work on a server that serves customers: each would otherwise start
    /// two more server processes, which on large's 200,000 records cost more than they gained (a fingerprint of every table 50
    /// ms alone instead of 80-165 ms, and a no-op sync 0.38 s instead of 0.48 s, on two cores).</item>
    /// <item>No query of the server's type catalog on a first connection (<c>Server Compatibility Mode=NoTypeLoading</c>, unless
    /// the user chose a mode): Blech's columns and Bridge's parameters are all built-in types, and that query is about 40 ms of
    /// a no-op sync, which opens its first connections in every process. Npgsql 9 marked the setting obsolete in favour of a
    /// data source's type-loading option; a data source would keep a pool of its own, out of reach of
    /// <c>NpgsqlConnection.ClearAllPools</c>, which everything else here (the retries, the tests' fresh databases) relies on.
    /// If Npgsql removes the setting, the build fails here.</item>
    /// </list>
    /// </summary>
    public static string SessionConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? NoParallelWorkers : NoParallelWorkers + " " + builder.Options;
#pragma warning disable CS0618 // See above: the obsolete setting keeps one pool per connection string.
        if (builder.ServerCompatibilityMode == ServerCompatibilityMode.None)
        {
            builder.ServerCompatibilityMode = ServerCompatibilityMode.NoTypeLoading;
        }
#pragma warning restore CS0618

        return builder.ConnectionString;
    }

    private const string NoParallelWorkers = "-c max_parallel_workers_per_gather=0";

    public string Placeholder(int index) => "$" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Bridge.Core.Normalize.StorageRules Storage => Bridge.Core.Normalize.StorageRules.Postgres;

    public string Returning(string columns) => " RETURNING " + columns;

    public DbParameter CreateParameter(int index, object? value) => new NpgsqlParameter { Value = value ?? DBNull.Value };

    // One statement, the ids as one binary int[] parameter: a list of literals costs the server a parse of every one and a
    // statement per thousand. The server sorts the array itself where an index scan wants it.
    public IEnumerable<(string Sql, DbParameter[] Parameters)> SelectByIds(string select, string idColumn, IReadOnlyCollection<int> ids, bool ordered)
    {
        var parameter = new NpgsqlParameter { Value = ids.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer };
        yield return ($"{select} WHERE {idColumn} = ANY($1){(ordered ? $" ORDER BY {idColumn}" : string.Empty)}", [parameter]);
    }

    public async Task<bool> BulkCopyAsync(DbConnection connection, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        await using var writer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            foreach (var value in row)
            {
                switch (value)
                {
                    case null:
                        await writer.WriteNullAsync(ct);
                        break;
                    case string s:
                        await writer.WriteAsync(s, NpgsqlTypes.NpgsqlDbType.Text, ct);
                        break;
                    case short h:
                        await writer.WriteAsync(h, NpgsqlTypes.NpgsqlDbType.Smallint, ct);
                        break;
                    case int i:
                        await writer.WriteAsync(i, NpgsqlTypes.NpgsqlDbType.Integer, ct);
                        break;
                    case long l:
                        await writer.WriteAsync(l, NpgsqlTypes.NpgsqlDbType.Bigint, ct);
                        break;
                    case bool b:
                        await writer.WriteAsync(b, NpgsqlTypes.NpgsqlDbType.Boolean, ct);
                        break;
                    case DateTime d:
                        await writer.WriteAsync(DateTime.SpecifyKind(d, DateTimeKind.Utc), NpgsqlTypes.NpgsqlDbType.TimestampTz, ct);
                        break;
                    default:
                        throw new InvalidOperationException($"COPY into {table}: no binary type for {value.GetType().Name}");
                }
            }
        }

        await writer.CompleteAsync(ct);
        return true;
    }

    // The ids are taken from the table's own sequence in one query (as the column's default would take them), then every row,
    // id included, goes in by one binary COPY: no round trip per row, and no RETURNING to read back.
    public async Task<IReadOnlyList<int>> InsertReturningIdsAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns,
        IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        // The sequence is looked up once and passed as an oid. With the lookup inside the id query, the server resolved it again
        // for every row: 0.8 s for 200,000 ids, against 0.08 s.
        uint sequence;
        await using (var command = new NpgsqlCommand("SELECT pg_get_serial_sequence($1, 'id')::regclass::oid", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = table });
            sequence = await command.ExecuteScalarAsync(ct) as uint?
                ?? throw new InvalidOperationException($"table {table}: its id column takes no value from a sequence");
        }

        var ids = new List<int>(rows.Count);
        await using (var command = new NpgsqlCommand(
            "SELECT nextval($1::regclass)::integer FROM generate_series(1, $2)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = sequence, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
            command.Parameters.Add(new NpgsqlParameter { Value = rows.Count });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt32(0));
            }
        }

        await CopyAsync(connection, table, columns, rows, ids, ct);
        return ids;
    }

    public Task InsertBulkAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows,
        CancellationToken ct) =>
        rows.Count == 0 ? Task.CompletedTask : CopyAsync(connection, table, columns, rows, ids: null, ct);

    // One binary COPY of the rows; with ids, each row's id goes first, before its columns (no copy of every row to add it).
    private static async Task CopyAsync(DbConnection connection, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows,
        IReadOnlyList<int>? ids, CancellationToken ct)
    {
        var names = columns.Select(c => c.Name);
        await using var writer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", ids is null ? names : names.Prepend("id"))}) FROM STDIN (FORMAT BINARY)", ct);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            await writer.StartRowAsync(ct);
            if (ids is not null)
            {
                await writer.WriteAsync(ids[r], NpgsqlTypes.NpgsqlDbType.Integer, ct);
            }

            for (var c = 0; c < columns.Count; c++)
            {
                var value = row[c];
                if (value is null)
                {
                    await writer.WriteNullAsync(ct);
                    continue;
                }

                switch (columns[c].Type)
                {
                    case ColumnType.Text:
                        await writer.WriteAsync((string)value, NpgsqlTypes.NpgsqlDbType.Text, ct);
                        break;
                    case ColumnType.Int:
                        await writer.WriteAsync(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture), NpgsqlTypes.NpgsqlDbType.Integer, ct);
                        break;
                    case ColumnType.BigInt:
                        await writer.WriteAsync(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture), NpgsqlTypes.NpgsqlDbType.Bigint, ct);
                        break;
                    case ColumnType.Bool:
                        await writer.WriteAsync((bool)value, NpgsqlTypes.NpgsqlDbType.Boolean, ct);
                        break;
                    case ColumnType.Timestamp:
                        await writer.WriteAsync(Utc((DateTime)value), NpgsqlTypes.NpgsqlDbType.TimestampTz, ct);
                        break;
                    case ColumnType.Bytes:
                        await writer.WriteAsync((byte[])value, NpgsqlTypes.NpgsqlDbType.Bytea, ct);
                        break;
                }
            }
        }

        await writer.CompleteAsync(ct);
    }

    // One UPDATE per table, its rows as one array per column: unnest turns them back into rows, joined to the table on id.
    public async Task UpdateByIdAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows,
        CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var names = columns.Select(c => c.Name).ToList();
        var sql = $"UPDATE {table} AS t SET {string.Join(", ", names.Skip(1).Select(n => $"{n} = v.{n}"))} "
            + $"FROM unnest({string.Join(", ", columns.Select((c, i) => $"${i + 1}::{SqlType(c.Type)}[]"))}) AS v({string.Join(", ", names)}) "
            + $"WHERE t.{names[0]} = v.{names[0]}";
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        for (var c = 0; c < columns.Count; c++)
        {
            var i = c;
            command.Parameters.Add(columns[c].Type switch
            {
                ColumnType.Text => Array(rows.Select(r => (string?)r[i]).ToArray(), NpgsqlTypes.NpgsqlDbType.Text),
                ColumnType.Int => Array(rows.Select(r => r[i] is null ? (int?)null : Convert.ToInt32(r[i], System.Globalization.CultureInfo.InvariantCulture)).ToArray(), NpgsqlTypes.NpgsqlDbType.Integer),
                ColumnType.BigInt => Array(rows.Select(r => r[i] is null ? (long?)null : Convert.ToInt64(r[i], System.Globalization.CultureInfo.InvariantCulture)).ToArray(), NpgsqlTypes.NpgsqlDbType.Bigint),
                ColumnType.Bool => Array(rows.Select(r => (bool?)r[i]).ToArray(), NpgsqlTypes.NpgsqlDbType.Boolean),
                ColumnType.Timestamp => Array(rows.Select(r => r[i] is null ? (DateTime?)null : Utc((DateTime)r[i]!)).ToArray(), NpgsqlTypes.NpgsqlDbType.TimestampTz),
                ColumnType.Bytes => Array(rows.Select(r => (byte[]?)r[i]).ToArray(), NpgsqlTypes.NpgsqlDbType.Bytea),
                _ => throw new ArgumentOutOfRangeException(nameof(columns)),
            });
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlParameter Array(object values, NpgsqlTypes.NpgsqlDbType type) =>
        new() { Value = values, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | type };

    private static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Text => "text",
        ColumnType.Int => "integer",
        ColumnType.BigInt => "bigint",
        ColumnType.Bool => "boolean",
        ColumnType.Timestamp => "timestamptz",
        ColumnType.Bytes => "bytea",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    // Blech's timestamps are UTC; a DateTime read back without a kind is UTC too (as the parameters of single rows treat it).
    private static DateTime Utc(DateTime d) => d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc);

    public async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var command = new NpgsqlCommand("SET TRANSACTION READ ONLY", (NpgsqlConnection)connection, (NpgsqlTransaction)tx);
        await command.ExecuteNonQueryAsync(ct);
        return tx;
    }

    public async Task<DbTransaction> BeginApplyAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

    public bool IsTransient(Exception exception) => exception switch
    {
        PostgresException p => p.IsTransient || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException n => n.IsTransient || (n.InnerException is { } inner && IsTransient(inner)),
        TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    // 22: data exception (too long, out of range, bad encoding); 23: integrity constraint (duplicate, CHECK, foreign key, NOT
    // NULL); 54000: a value too big for an index entry; P0001: an error raised by a trigger.
    public string? DataError(Exception exception) => exception is PostgresException p
        && (p.SqlState.StartsWith("22", StringComparison.Ordinal) || p.SqlState.StartsWith("23", StringComparison.Ordinal)
            || p.SqlState is PostgresErrorCodes.ProgramLimitExceeded or PostgresErrorCodes.RaiseException)
            ? $"{p.SqlState}: {p.MessageText}".ReplaceLineEndings(" ")
            : null;

    public void ClearPools() => NpgsqlConnection.ClearAllPools();

    public (string? Code, DatabaseProblem Problem) ClassifyError(Exception exception) => exception switch
    {
        PostgresException p => (p.SqlState, p.SqlState switch
        {
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => DatabaseProblem.LoginRefused,
            PostgresErrorCodes.TooManyConnections => DatabaseProblem.TooManyConnections,
            PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown => DatabaseProblem.StartingOrStopping,
            PostgresErrorCodes.InvalidCatalogName => DatabaseProblem.NoSuchDatabase,
            _ => DatabaseProblem.Other,
        }),
        _ => (null, DatabaseProblem.Other),
    };

    public int ServerProcessId(DbConnection connection) => ((NpgsqlConnection)connection).ProcessID;

    // Blech's schema is wherever the search path finds its "server" table; current_schema() would name Bridge's own schema
    // when the login role is called "bridge" ("$user" comes first in the default search path).
    public string ColumnsSql => """
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('server'))
        """;

    public string ContentHashSql(string table, IReadOnlyList<string> columns) =>
        $"SELECT '{table}', COUNT(*), COALESCE(bit_xor({RowHash(columns)}), 0) FROM {table}";

    // Every write to a row, whatever it changes and whatever its updated_at says, makes a new row version stamped with the
    // writing transaction's id (xmin; kept by VACUUM FREEZE). The row's id hashed to 64 bits with its xmin as the seed changes
    // with any write: reading xmin costs a fraction of hashing the row's text (a tenth, on dns_record), and a sum of these
    // hashes cannot be balanced by a late commit the way a sum of plain xmins could. The columns are not needed.
    // Not hashint8extended((id << 32) | xmin, 0), as before: it folds its 64 bits to the 32 of id XOR xmin before hashing, so
    // two rows written together and edited together by a transaction whose id differed from the first's in the bits in which
    // the rows' ids differ (ids 2 and 3, transactions 100 and 101) swapped hashes, and the table's XOR did not move.
    public string RowHash(IReadOnlyList<string> columns, string? alias = null) =>
        alias is null ? "hashint8extended(id::bigint, xmin::text::bigint)" : $"hashint8extended({alias}.id::bigint, {alias}.xmin::text::bigint)";

    public string TryLockSql => "SELECT pg_try_advisory_lock(7319815573493473)";

    public string UnlockSql => "SELECT pg_advisory_unlock(7319815573493473)";

    public string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgres {b.Host}:{b.Port}/{b.Database}";
    }
}
