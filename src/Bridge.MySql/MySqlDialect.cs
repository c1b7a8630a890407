using System.Data;
using System.Data.Common;
using Bridge.Core;
using Bridge.Data.Engine;
using MySqlConnector;

namespace Bridge.MySql;

/// <summary>MariaDB 10.11 (and MySQL 8 where it agrees): named parameters, consistent-snapshot transactions, state in database <c>bridge</c>.</summary>
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

    // MySqlBulkCopy needs LOAD DATA LOCAL INFILE, which servers disable by default: multi-row INSERTs it is.
    public Task<bool> BulkCopyAsync(DbConnection connection, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken ct) =>
        Task.FromResult(false);

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
        $"SELECT '{table}', COUNT(*), CAST(COALESCE(SUM(CAST(CONV({RowHashHex(columns)}, 16, 10) AS UNSIGNED)), 0) AS CHAR) FROM {table}";

    // CONV to base -10 reads the 64 bits as a signed number, which a BIGINT holds.
    public string RowHash(IReadOnlyList<string> columns) => $"CAST(CONV({RowHashHex(columns)}, 16, -10) AS SIGNED)";

    // The first 64 bits (16 hex digits) of the MD5 of the row's columns, each written as its length in bytes (-1 for NULL)
    // then its text: a length-prefixed encoding, so no value can be mistaken for another or for a separator, whatever bytes
    // it holds, and cheaper than hex-encoding every value.
    private static string RowHashHex(IReadOnlyList<string> columns) =>
        $"LEFT(MD5(CONCAT_WS(0x1f, {string.Join(", ", columns.Select(c => $"COALESCE(LENGTH({c}), -1), {c}"))})), 16)";

    public string TryLockSql => "SELECT GET_LOCK(CONCAT('bridge_run:', DATABASE()), 0)";

    public string UnlockSql => "SELECT RELEASE_LOCK(CONCAT('bridge_run:', DATABASE()))";

    public string Describe(string connectionString)
    {
        var b = new MySqlConnectionStringBuilder(connectionString);
        return $"mysql {b.Server}:{b.Port}/{b.Database}";
    }
}
