using System.Globalization;
using Bridge.Emulator;

namespace Bridge.DatasetGen;

/// What <c>bridge-dataset count</c> does: the rows of every Blech table.
public static class Counter
{
    public static async Task<IReadOnlyList<(string Table, long Rows)>> CountAsync(BlechEngine engine, string connectionString, CancellationToken ct = default)
    {
        await using var connection = await Engines.OpenAsync(engine, connectionString, ct);
        var counts = new List<(string, long)>();
        foreach (var table in Tables.All)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            counts.Add((table, Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture)));
        }

        return counts;
    }
}
