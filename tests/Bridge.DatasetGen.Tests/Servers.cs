using System.Globalization;
using Bridge.DatasetGen;
using Bridge.Emulator;

namespace Bridge.DatasetGen.Tests;

/// The chip servers scripts/test.sh starts, and this project's own database names on them.
internal static class Servers
{
    // Not blech/bridge/emu_blech: other test projects use the same servers at the same time.
    public const string Database = "gen_blech";
    public const string StateDatabase = "gen_state";

    public static string PgAdmin => Admin("BRIDGE_TEST_PG_CHIP");

    public static string MariaDbAdmin => Admin("BRIDGE_TEST_MARIADB_CHIP");

    public static string AdminFor(BlechEngine engine) => engine == BlechEngine.Postgres ? PgAdmin : MariaDbAdmin;

    /// The admin connection string in <paramref name="variable"/>; a missing one fails the test, never skips it.
    public static string Admin(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{variable} is not set: run the tests through scripts/test.sh, which starts the database servers");
        }

        return value;
    }

    /// Creates gen_blech with the small dataset and returns its connection string.
    public static Task<string> CreateSmallAsync(BlechEngine engine, long seed = 1) =>
        Creator.CreateAsync(
            new CreateOptions(engine, AdminFor(engine), DatasetSize.Small) { Database = Database, StateDatabase = StateDatabase, Seed = seed },
            TestContext.Progress);

    public static async Task<List<object?[]>> QueryAsync(BlechEngine engine, string connectionString, string sql, params (string Name, object Value)[] args)
    {
        await using var connection = await Engines.OpenAsync(engine, connectionString, CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public static async Task<long> ScalarAsync(BlechEngine engine, string connectionString, string sql, params (string Name, object Value)[] args) =>
        Convert.ToInt64((await QueryAsync(engine, connectionString, sql, args))[0][0], CultureInfo.InvariantCulture);

    /// Every Blech table, row by row in id order, every column as text, engine differences (bool, timestamp kinds) smoothed out.
    public static async Task<List<string>> DumpAsync(BlechEngine engine, string connectionString)
    {
        var lines = new List<string>();
        foreach (var table in Tables.All)
        {
            foreach (var row in await QueryAsync(engine, connectionString, $"SELECT * FROM {table} ORDER BY id"))
            {
                lines.Add(table + "\t" + string.Join("\t", row.Select(Text)));
            }
        }

        return lines;
    }

    public static string Text(object? value) => value switch
    {
        null => "NULL",
        bool b => b ? "true" : "false",
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
