using System.Data.Common;
using Dapper;

namespace Bridge.Emulator;

/// One open connection and transaction, so the many small Dapper calls read as plain SQL.
internal sealed class Db(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
{
    public Task<int> ExecuteAsync(string sql, object? param = null) =>
        connection.ExecuteAsync(Command(sql, param));

    public Task<T?> ScalarAsync<T>(string sql, object? param = null) =>
        connection.ExecuteScalarAsync<T>(Command(sql, param));

    public async Task<List<T>> QueryAsync<T>(string sql, object? param = null) =>
        (await connection.QueryAsync<T>(Command(sql, param))).AsList();

    public Task<T?> FirstOrDefaultAsync<T>(string sql, object? param = null) =>
        connection.QueryFirstOrDefaultAsync<T>(Command(sql, param));

    private CommandDefinition Command(string sql, object? param) =>
        new(sql, param, transaction, cancellationToken: ct);
}
