using Bridge.Core;
using Bridge.Emulator;
using Npgsql;

namespace Bridge.Integration.Tests;

/// <summary>A configuration whose local database is not Blech's (a wrong database name): the run fails and leaves that database untouched.</summary>
[TestFixture]
public sealed class NotBlechTests
{
    [Test]
    public async Task ALocalDatabaseThatIsNotBlechsGetsNoBridgeSchemaAndNoRunRow()
    {
        var pair = await Pair.CreateAsync(() => TestServers.PgChip, () => TestServers.PgDale);
        try
        {
            await SampleData.FillAsync(pair.Chip, clients: 1, sitesPerClient: 1);
            await using (var admin = new NpgsqlConnection(pair.DaleServer.ConnectionStringFor("postgres")))
            {
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand("DROP DATABASE IF EXISTS notblech WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
                await using var create = new NpgsqlCommand("CREATE DATABASE notblech", admin);
                await create.ExecuteNonQueryAsync();
            }

            var wrong = pair.DaleServer.ConnectionStringFor("notblech");
            pair.WriteConfig(c => ((Dictionary<string, object?>)c["local"]!)["connectionString"] = wrong);
            foreach (var command in new[] { "sync", "resync", "promote" })
            {
                var run = await pair.BridgeAsync(command);
                Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Success), run.ToString());
                Assert.That(run.Stderr, Does.Contain("not a Blech database").And.Contain("server.id"), run.ToString());
            }

            await using var check = new NpgsqlConnection(wrong);
            await check.OpenAsync();
            await using var schemas = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'bridge'", check);
            Assert.That(await schemas.ExecuteScalarAsync(), Is.EqualTo(0L), "no Bridge state was created in a database that is not Blech's");
        }
        finally
        {
            Directory.Delete(pair.Folder, recursive: true);
        }
    }
}
