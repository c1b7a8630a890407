using Bridge.Emulator;
using Bridge.Postgres;

namespace Bridge.Integration.Tests;

/// <summary>What a session Bridge opens on PostgreSQL is set to: no parallel workers, unless the user's own options say otherwise.</summary>
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

    private static async Task<string?> ShowAsync(string connectionString, string setting)
    {
        await using var connection = new PostgresDialect().CreateConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW " + setting;
        return (string?)await command.ExecuteScalarAsync();
    }
}
