using System.Text.Json;
using Bridge.Cli;
using Bridge.Dns.Tests.Harness;
using Bridge.Emulator;

namespace Bridge.Dns.Tests;

/// <summary>The zones Bridge writes into the standby's Blech, rendered by Blech's regeneration, load in real BIND.</summary>
public sealed class SyncedZoneFileTests
{
    [Test]
    public async Task EveryZoneBridgeWritesRendersToAFileNamedCheckzoneAccepts()
    {
        var folder = Directory.CreateTempSubdirectory("bridge-dns-zones-").FullName;
        try
        {
            var chipServer = TestServers.PgChip;
            var daleServer = TestServers.PgDale;
            var chip = await chipServer.CreateAsync("chip", "192.0.2.100", "dns_zones");
            var dale = await daleServer.CreateAsync("dale", "192.0.2.2", "dns_zones");
            await SampleData.FillAsync(chip, clients: 2, sitesPerClient: 3);
            var config = Path.Combine(folder, "bridge.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["serviceAddress"] = "192.0.2.100",
                ["local"] = new Dictionary<string, object?> { ["engine"] = "postgres", ["connectionString"] = daleServer.ConnectionStringFor("dns_zones") },
                ["peer"] = new Dictionary<string, object?> { ["engine"] = "postgres", ["connectionString"] = chipServer.ConnectionStringFor("dns_zones") },
                ["apache"] = new Dictionary<string, object?> { ["enabled"] = false },
                ["lockFile"] = Path.Combine(folder, "lock"),
            }));
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.That(await BridgeApp.RunAsync(["sync", "--config", config], stdout, stderr), Is.Zero, stderr.ToString());

            var root = Path.Combine(folder, "generated");
            await dale.RegenerateAsync(root);
            var files = Directory.GetFiles(Path.Combine(root, "bind", "zones"), "*.zone");
            Assert.That(files, Has.Length.EqualTo(6));
            foreach (var file in files)
            {
                var origin = Path.GetFileNameWithoutExtension(file) + ".";
                var (ok, output) = await NamedCheck.CheckZoneAsync(origin, file);
                Assert.That(ok, Is.True, $"{file}:\n{output}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
