using System.Data;
using System.Data.Common;
using System.Text;
using Bridge.Core;
using Bridge.Data.Engine;
using MySqlConnector;

namespace Bridge.MySql;

/// <summary>MariaDB 10.5 or later (not MySQL: it has no <c>INSERT ... RETURNING</c>): named parameters, consistent-snapshot transactions, state in database <c>bridge</c>.</summary>
public sealed class MySqlDialect : IEngineDialect
{
    private static readonly IReadOnlyList<string> Migrations = EmbeddedSql.Load(typeof(MySqlDialect).Assembly, "state-");

    public string Name => "mysql";

    public int MaxParameters => 30000;

    public IReadOnlyList<string> StateMigrations => Migrations;

    public DbConnection CreateConnection(string connectionString) => new MySqlConnection(connectionString);

    public string Placeholder(int index) => "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Bridge.Core.Normalize.StorageRules Storage => Bridge.Core.Normalize.StorageRules.MariaDb;

    public string Returning(string columns) => " RETURNING " + columns;

    public DbParameter CreateParameter(int index, object? value) => new MySqlParameter(Placeholder(index), value ?? DBNull.Value);

    // Lists of literal ids (ints: nothing to quote), a thousand a statement, ascending, so that the rows come in id order
    // across the statements too.
    public IEnumerable<(string Sql, DbParameter[] Parameters)> SelectByIds(string select, string idColumn, IReadOnlyCollection<int> ids, bool ordered) =>
        ids.Order().Chunk(1000).Select(chunk =>
            ($"{select} WHERE {idColumn} IN ({string.Join(",", chunk.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))}){(ordered ? $" ORDER BY {idColumn}" : string.Empty)}",
                Array.Empty<DbParameter>()));

    // MySqlBulkCopy needs LOAD DATA LOCAL INFILE, which MySQL 8 refuses by default and which returns no ids: multi-row INSERTs
    // it is (tests/Bridge.Benchmarks/ANALYSIS.md measures what it would gain on MariaDB).
    public Task<bool> BulkCopyAsync(DbConnection connection, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken ct) =>
        Task.FromResult(false);

    // About a thousand rows a statement, and never near max_allowed_packet (16 MiB by default): a site's custom directives or
    // a DKIM record can be long.
    private const int RowsPerStatement = 1000;

    private const int BytesPerStatement = 4 << 20;

    // A bulk INSERT's statement text stops growing past this many characters (one row more at most): about 1 MiB, as
    // mariadb-dump writes them, well under max_allowed_packet.
    private const int InsertTextLength = 1 << 20;

    // MariaDB returns the rows of a multi-row INSERT ... RETURNING in the order of its VALUES.
    public async Task<IReadOnlyList<int>> InsertReturningIdsAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns,
        IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        var ids = new List<int>(rows.Count);
        await InsertPipelinedAsync(connection, transaction, table, columns, rows, " RETURNING id", async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt32(0));
            }
        }, ct);

        if (ids.Count != rows.Count)
        {
            throw new InvalidOperationException($"INSERT into {table} returned {ids.Count} ids for {rows.Count} rows");
        }

        return ids;
    }

    // LOAD DATA LOCAL INFILE (MySqlBulkCopy) would be quicker, but MySQL 8 refuses it by default and the client must allow it
    // in the connection string: multi-row INSERTs work everywhere.
    public Task InsertBulkAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows,
        CancellationToken ct) =>
        InsertPipelinedAsync(connection, transaction, table, columns, rows, string.Empty, command => command.ExecuteNonQueryAsync(ct), ct);

    // Multi-row INSERTs of about 1 MiB each, their values written as literals (no parameters: a parameter costs the client
    // more than the server's parse of its literal), and the next statement's text made while the server runs the previous one:
    // with parameters, client and server took turns, each idle half the time. Bytes (Bridge's packed pairs) are the exception:
    // as parameters they travel at their own size, not twice it in hexadecimal.
    private static async Task InsertPipelinedAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns,
        IReadOnlyList<object?[]> rows, string suffix, Func<MySqlCommand, Task> run, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var head = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ";
        var next = 0;
        (string Sql, List<MySqlParameter> Parameters)? Build()
        {
            if (next >= rows.Count)
            {
                return null;
            }

            var sql = new StringBuilder(InsertTextLength + 4096).Append(head);
            var parameters = new List<MySqlParameter>();
            var bytesSent = 0L;
            for (var first = true; next < rows.Count && (first || sql.Length + bytesSent < InsertTextLength); first = false)
            {
                sql.Append(first ? "(" : ", (");
                var row = rows[next++];
                for (var c = 0; c < columns.Count; c++)
                {
                    if (c > 0)
                    {
                        sql.Append(", ");
                    }

                    if (row[c] is byte[] bytes)
                    {
                        var name = "@b" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        parameters.Add(new MySqlParameter(name, MySqlDbType.LongBlob) { Value = bytes });
                        bytesSent += bytes.Length;
                        sql.Append(name);
                    }
                    else
                    {
                        SqlLiteral.Append(sql, row[c]);
                    }
                }

                sql.Append(')');
            }

            return (sql.Append(suffix).ToString(), parameters);
        }

        var statement = Build();
        while (statement is { } current)
        {
            var following = Task.Run(Build, ct);
            await using (var command = (MySqlCommand)connection.CreateCommand())
            {
                command.Transaction = (MySqlTransaction)transaction;
                command.CommandText = current.Sql;
                command.Parameters.AddRange(current.Parameters.ToArray());
                try
                {
                    await run(command);
                }
                catch
                {
                    // The next statement's text is being made on another thread from the same rows: let it finish first.
                    await following.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    throw;
                }
            }

            statement = await following;
        }
    }

    // UPDATE ... JOIN a derived table of the new values, not INSERT ... ON DUPLICATE KEY UPDATE: that one is an insert first,
    // which fires Blech's (or a site's own) BEFORE INSERT triggers and uses up AUTO_INCREMENT values, and it would write a new
    // row for an id deleted meanwhile. A plain UPDATE does neither.
    public async Task UpdateByIdAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows,
        CancellationToken ct)
    {
        var names = columns.Select(c => c.Name).ToList();
        var set = string.Join(", ", names.Skip(1).Select(n => $"t.{n} = v.{n}"));
        foreach (var (start, count) in Chunks(rows, columns.Count))
        {
            await using var command = (MySqlCommand)connection.CreateCommand();
            command.Transaction = (MySqlTransaction)transaction;
            var sql = new StringBuilder().Append("UPDATE ").Append(table).Append(" AS t JOIN (");
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "SELECT " : " UNION ALL SELECT ");
                for (var c = 0; c < columns.Count; c++)
                {
                    var index = command.Parameters.Count;
                    sql.Append(c == 0 ? string.Empty : ", ").Append(Placeholder(index));
                    if (r == 0)
                    {
                        sql.Append(" AS ").Append(names[c]);
                    }

                    command.Parameters.Add(CreateParameter(index, rows[start + r][c]));
                }
            }

            sql.Append(") AS v ON t.").Append(names[0]).Append(" = v.").Append(names[0]).Append(" SET ").Append(set);
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    // Consecutive runs of rows, each small enough for one statement: at most RowsPerStatement rows, MaxParameters values and
    // about BytesPerStatement bytes of text.
    private IEnumerable<(int Start, int Count)> Chunks(IReadOnlyList<object?[]> rows, int columns)
    {
        var perStatement = Math.Max(1, Math.Min(RowsPerStatement, MaxParameters / columns));
        var start = 0;
        var bytes = 0L;
        for (var i = 0; i < rows.Count; i++)
        {
            var size = 0L;
            foreach (var value in rows[i])
            {
                size += value is string s ? 2L * s.Length + 4 : 8;
            }

            if (i > start && (i - start >= perStatement || bytes + size > BytesPerStatement))
            {
                yield return (start, i - start);
                start = i;
                bytes = 0;
            }

            bytes += size;
        }

        if (rows.Count > start)
        {
            yield return (start, rows.Count - start);
        }
    }

    public async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct)
    {
        var tx = await ((MySqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, isReadOnly: true, ct);
        return tx;
    }

    public async Task<DbTransaction> BeginApplyAsync(DbConnection connection, CancellationToken ct) =>
        await ((MySqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

    public bool IsTransient(Exception exception) => exception switch
    {
        MySqlException m => m.IsTransient || m.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.QueryInterrupted
            or MySqlErrorCode.ConnectionCountError or MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout
            || (m.InnerException is { } inner && IsTransient(inner)),
        TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    // The server refusing a row: too long, out of range, a bad string, NULL, a duplicate key, a foreign key, a CHECK constraint
    // (MariaDB 4025, MySQL 3819), a trigger's SIGNAL (1644).
    private static readonly HashSet<int> DataErrors = [1048, 1062, 1169, 1264, 1265, 1292, 1300, 1366, 1406, 1451, 1452, 1644, 1690, 3819, 4025];

    public string? DataError(Exception exception) => exception is MySqlException m && DataErrors.Contains((int)m.ErrorCode)
        ? $"{(int)m.ErrorCode}: {m.Message}".ReplaceLineEndings(" ")
        : null;

    public void ClearPools() => MySqlConnection.ClearAllPools();

    // Error numbers below 1000 are MySqlConnector's own (no server answered); only the server's are worth showing as a code.
    public (string? Code, DatabaseProblem Problem) ClassifyError(Exception exception) => exception switch
    {
        MySqlException m => ((int)m.ErrorCode >= 1000 ? ((int)m.ErrorCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : null, m.ErrorCode switch
        {
            MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied => DatabaseProblem.LoginRefused,
            MySqlErrorCode.ConnectionCountError or MySqlErrorCode.TooManyUserConnections => DatabaseProblem.TooManyConnections,
            MySqlErrorCode.UnknownDatabase => DatabaseProblem.NoSuchDatabase,
            MySqlErrorCode.ServerShutdown => DatabaseProblem.StartingOrStopping,
            _ => DatabaseProblem.Other,
        }),
        _ => (null, DatabaseProblem.Other),
    };

    public int ServerProcessId(DbConnection connection) => ((MySqlConnection)connection).ServerThread;

    public string ColumnsSql => "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE()";

    public string ContentHashSql(string table, IReadOnlyList<string> columns) =>
        $"SELECT '{table}', COUNT(*), BIT_XOR({RowHash(columns)}) FROM {table}";

    // CONV to base -10 reads the 64 bits as a signed number, which a BIGINT holds.
    public string RowHash(IReadOnlyList<string> columns, string? alias = null) =>
        $"CAST(CONV({RowHashHex(alias is null ? columns : columns.Select(c => $"{alias}.{c}").ToList())}, 16, -10) AS SIGNED)";

    // The first 64 bits (16 hex digits) of the SHA-1 of the row's columns, each written as its length in bytes (-1 for NULL)
    // then its text: a length-prefixed encoding, so no value can be mistaken for another or for a separator, whatever bytes
    // it holds, and cheaper than hex-encoding every value. SHA-1, not MD5: the server's SHA-1 runs on the processor's SHA
    // instructions where it has them, and a scan of large's 200,000 records with this hash took 0.27 s against 0.37-0.39 s
    // (MariaDB 10.11, OpenSSL 3). Either is a 64-bit slice of a cryptographic hash: a changed row keeps its hash about once in
    // 2^64, and the rows of a table XOR to their old value as rarely.
    private static string RowHashHex(IReadOnlyList<string> columns) =>
        $"LEFT(SHA1(CONCAT_WS(0x1f, {string.Join(", ", columns.Select(c => $"COALESCE(LENGTH({c}), -1), {c}"))})), 16)";

    public string TryLockSql => "SELECT GET_LOCK(CONCAT('bridge_run:', DATABASE()), 0)";

    public string UnlockSql => "SELECT RELEASE_LOCK(CONCAT('bridge_run:', DATABASE()))";

    public string Describe(string connectionString)
    {
        var b = new MySqlConnectionStringBuilder(connectionString);
        return $"mysql {b.Server}:{b.Port}/{b.Database}";
    }
}
