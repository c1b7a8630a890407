using Bridge.Emulator;
using Bridge.Postgres;
using Npgsql;

namespace Bridge.Integration.Tests;

/// <summary>
/// What a session Bridge opens on PostgreSQL is set to: no parallel workers, unless the user's own options say otherwise; and no
/// load of the server's type catalog.
/// </summary>
[TestFixture]
public sealed class PostgresSessionTests
{
    [Test]
    public async Task BridgesSessionsScanWithoutParallelWorkers()
    {
        var server = TestServers.PgChip;
        Assert.That(await ShowAsync(server.ConnectionStringFor("postgres"), "max_parallel_workers_per_gather"), Is.EqualTo("0"));
    }

    [Test]
    public async Task TheUsersOwnOptionsAreKeptAndDecide()
    {
        var connectionString = TestServers.PgChip.ConnectionStringFor("postgres") + ";Options='-c max_parallel_workers_per_gather=1 -c application_name=bridge-test'";
        Assert.Multiple(async () =>
        {
            Assert.That(await ShowAsync(connectionString, "max_parallel_workers_per_gather"), Is.EqualTo("1"), "the user's own setting comes last and wins");
            Assert.That(await ShowAsync(connectionString, "application_name"), Is.EqualTo("bridge-test"), "the user's other options are kept");
        });
    }

    [Test]
    public async Task TheServersTypeCatalogIsNotLoadedAndBuiltInTypesReadAsEver()
    {
        // A type only the catalog names: a connection that loaded the catalog knows it by name, Bridge's does not.
        var connectionString = TestServers.PgChip.ConnectionStringFor("postgres") + ";Application Name=bridge-type-check";
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var create = new NpgsqlCommand("DROP TYPE IF EXISTS bridge_probe_mood; CREATE TYPE bridge_probe_mood AS ENUM ('calm')", setup);
            await create.ExecuteNonQueryAsync();
        }

        const string sql = "SELECT 'calm'::bridge_probe_mood, 7::int4, 'x'::text, '\\x01'::bytea, ARRAY[1, 2]::int4[]";
        await using var loaded = new NpgsqlConnection(connectionString + ";Pooling=false");
        await loaded.OpenAsync();
        await using var bridges = new PostgresDialect().CreateConnection(connectionString);
        await bridges.OpenAsync();
        var names = new List<string>();
        foreach (var connection in new System.Data.Common.DbConnection[] { loaded, bridges })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            Assert.That(await reader.ReadAsync(), Is.True);
            Assert.That((reader.GetInt32(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<int[]>(4)),
                Is.EqualTo((7, "x", new byte[] { 1 }, new[] { 1, 2 })), "built-in types, arrays too");
            names.Add(reader.GetDataTypeName(0));
        }

        Assert.That(names[0], Does.Contain("bridge_probe_mood"), "the premise: a connection that loads the catalog names the type");
        Assert.That(names[1], Does.Not.Contain("bridge_probe_mood"), "Bridge's connection never read the catalog");
    }

    private static async Task<string?> ShowAsync(string connectionString, string setting)
    {
        await using var connection = new PostgresDialect().CreateConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW " + setting;
        return (string?)await command.ExecuteScalarAsync();
    }
}
