using System.Data.Common;
using Bridge.Emulator;
using MySqlConnector;
using Npgsql;

namespace Bridge.DatasetGen;

/// The few places where the generator's SQL or driver differs between engines.
public static class Engines
{
    /// The engine named on the command line: <c>postgres</c>, or <c>mysql</c> (MariaDB and MySQL alike).
    public static BlechEngine? Parse(string name) => name.ToLowerInvariant() switch
    {
        "postgres" or "postgresql" or "pg" => BlechEngine.Postgres,
        "mysql" or "mariadb" => BlechEngine.MariaDb,
        _ => null,
    };

    public static DbConnection Connection(BlechEngine engine, string connectionString) => engine == BlechEngine.Postgres
        ? new NpgsqlConnection(connectionString)
        : new MySqlConnection(connectionString);

    public static async Task<DbConnection> OpenAsync(BlechEngine engine, string connectionString, CancellationToken ct)
    {
        var connection = Connection(engine, connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// An INSERT whose scalar result is the new row's id.
    // LAST_INSERT_ID rather than MariaDB's RETURNING so the same text also runs on MySQL 8.
    public static string ReturningId(BlechEngine engine, string insert) => engine == BlechEngine.Postgres
        ? insert + " RETURNING id"
        : insert + "; SELECT LAST_INSERT_ID()";

    internal static IBulkLoader Loader(BlechEngine engine) => engine == BlechEngine.Postgres ? new PostgresLoader() : new MariaDbLoader();
}
