using System.Data.Common;
using Bridge.Emulator;

namespace Bridge.DatasetGen;

/// What <c>bridge-dataset create</c> does.
public sealed record CreateOptions(BlechEngine Engine, string AdminConnectionString, DatasetSize Size)
{
    public string Database { get; init; } = "blech";

    /// Dropped too on MariaDB, where Bridge keeps its state in a database of its own.
    public string StateDatabase { get; init; } = "bridge";

    public string Hostname { get; init; } = "chip";

    public string MainIp { get; init; } = Defaults.ServiceAddress;

    /// Every site's ip_address; added to the ip_address table when it is not the main address, as Blech requires.
    public string SiteIp { get; init; } = Defaults.ServiceAddress;

    public long Seed { get; init; } = 1;
}

public static class Defaults
{
    /// V, the pair's service address in the benchmark.
    public const string ServiceAddress = "192.0.2.100";
}

/// Recreates a Blech database from the schema and fills it in bulk.
public static class Creator
{
    /// Returns the connection string of the filled database.
    public static async Task<string> CreateAsync(CreateOptions o, TextWriter log, CancellationToken ct = default)
    {
        var timings = new Timings(log);
        var server = new BlechServer(o.Engine, o.AdminConnectionString);
        await timings.PhaseAsync("schema", () => server.CreateAsync(o.Hostname, o.MainIp, o.Database, o.StateDatabase, ct));
        var connectionString = server.ConnectionStringFor(o.Database);

        var dataset = new Dataset(o.Size, o.Seed, o.SiteIp);
        var loader = Engines.Loader(o.Engine);
        long written = 0;
        await using (var connection = await Engines.OpenAsync(o.Engine, connectionString, ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            if (!string.Equals(o.SiteIp, o.MainIp, StringComparison.OrdinalIgnoreCase))
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO ip_address (address, kind, note) VALUES (@address, 'shared', 'service address')",
                    ("address", o.SiteIp), ct);
            }

            foreach (var table in Tables.Of(dataset))
            {
                written += await timings.PhaseAsync(table.Name, () => loader.LoadAsync(connection, transaction, table, ct), n => n);
            }

            await timings.PhaseAsync("finish", async () =>
            {
                await loader.FinishAsync(connection, transaction, Tables.All, ct);
                await transaction.CommitAsync(ct);
            });
        }

        timings.Total(written);
        return connectionString;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, (string Name, object Value) parameter, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var p = command.CreateParameter();
        p.ParameterName = parameter.Name;
        p.Value = parameter.Value;
        command.Parameters.Add(p);
        await command.ExecuteNonQueryAsync(ct);
    }
}
