using System.Data.Common;
using MySqlConnector;
using Npgsql;

namespace Bridge.Emulator;

/// The few places where Blech's SQL differs between engines; everything else is written once.
internal sealed class Dialect(BlechEngine engine)
{
    public BlechEngine Engine { get; } = engine;

    public DbConnection CreateConnection(string connectionString) => Engine switch
    {
        BlechEngine.Postgres => new NpgsqlConnection(connectionString),
        BlechEngine.MariaDb => new MySqlConnection(connectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(engine), Engine, null),
    };

    /// Turns an INSERT into a statement whose scalar result is the new row's id.
    // LAST_INSERT_ID rather than MariaDB's RETURNING so the same text also runs on MySQL 8.
    public string ReturningId(string insert) => Engine == BlechEngine.Postgres
        ? insert + " RETURNING id"
        : insert + "; SELECT LAST_INSERT_ID()";

    /// "column is one of the list parameter": Dapper hands Npgsql the list as one array, and expands it for MySQL.
    public string AnyOf(string column, string listParameter) => Engine == BlechEngine.Postgres
        ? $"{column} = ANY({listParameter})"
        : $"{column} IN {listParameter}";

    public string SchemaFolder => Engine == BlechEngine.Postgres ? "postgres" : "mysql";

    public string QuoteIdentifier(string name) => Engine == BlechEngine.Postgres ? $"\"{name}\"" : $"`{name}`";

    public string WithDatabase(string connectionString, string database) => Engine switch
    {
        BlechEngine.Postgres => new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString,
        _ => new MySqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString,
    };

    public static void ClearPools()
    {
        NpgsqlConnection.ClearAllPools();
        MySqlConnection.ClearAllPools();
    }
}
