using System.Data.Common;

namespace Bridge.Data.Engine;

/// <summary>
/// What differs between database engines. Everything else (reading, planning, applying) is written once against ADO.NET,
/// because Blech's tables have the same names and columns on both engines.
/// </summary>
public interface IEngineDialect
{
    /// <summary>The configuration name of the engine: <c>postgres</c> or <c>mysql</c>.</summary>
    string Name { get; }

    /// <summary>How many parameters one statement may carry before it is split.</summary>
    int MaxParameters { get; }

    DbConnection CreateConnection(string connectionString);

    /// <summary>What this engine's Blech tables can hold (column sizes, NUL, how unique keys compare), checked before an apply.</summary>
    Bridge.Core.Normalize.StorageRules Storage { get; }

    /// <summary>The text of the <paramref name="index"/>-th parameter of a statement.</summary>
    string Placeholder(int index);

    DbParameter CreateParameter(int index, object? value);

    /// <summary>
    /// The statements that read the rows of <paramref name="ids"/>: <paramref name="select"/> (which has no WHERE clause)
    /// filtered on <paramref name="idColumn"/>, in ascending order of it when <paramref name="ordered"/>, each with its
    /// parameters; as few statements as the engine reads well.
    /// </summary>
    IEnumerable<(string Sql, DbParameter[] Parameters)> SelectByIds(string select, string idColumn, IReadOnlyCollection<int> ids, bool ordered);

    /// <summary>
    /// The clause that makes an INSERT return the given columns of each inserted row (PostgreSQL and MariaDB 10.5+:
    /// <c>RETURNING</c>; MySQL has none, which is why MySQL is not a supported engine).
    /// </summary>
    string Returning(string columns);

    /// <summary>
    /// Writes many rows with the engine's bulk path (PostgreSQL: binary COPY) inside the connection's transaction; false when
    /// the engine has none, and the caller falls back to multi-row INSERTs.
    /// </summary>
    Task<bool> BulkCopyAsync(DbConnection connection, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken ct);

    /// <summary>
    /// Inserts rows into a table whose ids come from the database (Blech's <c>id</c> columns) and returns each row's new id, in
    /// the rows' order, in a few statements for any number of rows. A row the database refuses raises the same error an
    /// INSERT of that row alone would.
    /// </summary>
    Task<IReadOnlyList<int>> InsertReturningIdsAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns,
        IReadOnlyList<object?[]> rows, CancellationToken ct);

    /// <summary>Inserts rows in a few statements for any number of rows (PostgreSQL: binary COPY; MariaDB: multi-row INSERTs).</summary>
    Task InsertBulkAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows,
        CancellationToken ct);

    /// <summary>
    /// Sets the columns <c>columns[1..]</c> of the rows whose <c>id</c> is the row's first value, one statement per table (or per
    /// about a thousand rows): a plain UPDATE, which fires nothing an UPDATE of each row alone would not and changes no id.
    /// </summary>
    Task UpdateByIdAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns, IReadOnlyList<object?[]> rows,
        CancellationToken ct);

    /// <summary>Starts a read-only transaction in which every statement sees the same snapshot.</summary>
    Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct);

    /// <summary>Starts the read-write transaction of an apply; its reads see one snapshot too.</summary>
    Task<DbTransaction> BeginApplyAsync(DbConnection connection, CancellationToken ct);

    /// <summary>True for errors worth retrying: lost connections, timeouts, serialization failures, deadlocks.</summary>
    bool IsTransient(Exception exception);

    /// <summary>
    /// When <paramref name="exception"/> is the server refusing a row's data (a value too long or out of range, a duplicate key,
    /// a CHECK constraint, a trigger's error: SQLSTATE classes 22, 23, P0001; MariaDB's matching error numbers), one line
    /// saying why, with the code and without the row's values beyond what the server's message names; otherwise null.
    /// Inner exceptions are not looked at.
    /// </summary>
    string? DataError(Exception exception);

    /// <summary>Drops every pooled connection, so that the next open after a server restart does not get a dead one.</summary>
    void ClearPools();

    /// <summary>
    /// The server's error code (SQLSTATE, or MariaDB's error number) of an exception from this engine's driver, and what it
    /// says about the connection; (null, Other) for an exception that is not the driver's. Inner exceptions are not looked at.
    /// </summary>
    (string? Code, Bridge.Core.DatabaseProblem Problem) ClassifyError(Exception exception);

    /// <summary>The server's id for this session, so that an operator (or a test) can find and end it.</summary>
    int ServerProcessId(DbConnection connection);

    /// <summary>Scripts that create and upgrade Bridge's own state; script <c>i</c> brings the state to version <c>i + 1</c>.</summary>
    IReadOnlyList<string> StateMigrations { get; }

    /// <summary>SQL that takes Bridge's run lock on this database without waiting; one row, true or 1 when taken.</summary>
    string TryLockSql { get; }

    /// <summary>SQL that releases the run lock.</summary>
    string UnlockSql { get; }

    /// <summary>SQL listing (table_name, column_name) of the tables in the connection's own schema or database.</summary>
    string ColumnsSql { get; }

    /// <summary>
    /// One row (table, row count, content hash) for <paramref name="table"/>: the bitwise XOR of every row's
    /// <see cref="RowHash"/> (0 for no rows), computed by the server, as a 64-bit integer (signed or not: the caller reads its
    /// bits). Any write to any row changes it, whatever <c>updated_at</c> says, and it equals the XOR of a listing's hashes.
    /// </summary>
    string ContentHashSql(string table, IReadOnlyList<string> columns);

    /// <summary>
    /// An expression over a row (its <paramref name="columns"/>, qualified by <paramref name="alias"/> when given) giving a
    /// signed 64-bit BIGINT, computed by the server, that changes, but for a 2^-64 chance, with any write to the row:
    /// PostgreSQL hashes the row's id and version (xmin); MariaDB, which has no row version to read, hashes the columns' values.
    /// </summary>
    string RowHash(IReadOnlyList<string> columns, string? alias = null);

    /// <summary>Removes every password from a connection string, for messages.</summary>
    string Describe(string connectionString);
}
