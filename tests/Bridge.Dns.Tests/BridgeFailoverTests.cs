using System.Text.Json;
using System.Text.RegularExpressions;
using Bridge.Cli;
using Bridge.Dns.Tests.Harness;
using Bridge.Emulator;

namespace Bridge.Dns.Tests;

/// <summary>
/// Bridge, Blech (the emulator) and real BIND together: chip's named and dale's named take turns on one port (V moving), a
/// third named is a secondary of V. Through a failover with an edit on dale, a failback and the switch back, the secondary
/// always ends with the current content.
/// </summary>
public sealed partial class BridgeFailoverTests
{
    private const string Origin = "shop.example.";
    private const string V = "192.0.2.100";
    private const string D = "192.0.2.2";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);

    [Test]
    public async Task TheSecondaryFollowsVThroughFailoverEditFailbackAndSwitchBack()
    {
        var folder = Directory.CreateTempSubdirectory("bridge-dns-e2e-").FullName;
        var chipServer = TestServers.PgChip;
        var daleServer = TestServers.PgDale;
        var chip = await chipServer.CreateAsync("chip", V, "dns_blech");
        var dale = await daleServer.CreateAsync("dale", D, "dns_blech");
        var daleConfig = Config(folder, "dale", daleServer, chipServer, peerReachable: true);
        var daleAlone = Config(folder, "dale-alone", daleServer, chipServer, peerReachable: false);
        var chipConfig = Config(folder, "chip", chipServer, daleServer, peerReachable: true);
        var chipRoot = Path.Combine(folder, "chip-generated");
        var daleRoot = Path.Combine(folder, "dale-generated");
        var port = LocalPorts.Allocate();
        NamedServer? primary = null;
        try
        {
            await chip.AddClientAsync(new ClientSpec("acme"));
            await chip.AddZoneAsync(new ZoneSpec("acme", Origin, PrimaryNs: "ns1.shop.example.", Hostmaster: "hostmaster.shop.example."));
            await chip.AddRecordAsync(new RecordSpec(Origin, "@", "NS", "ns1"));
            await chip.AddRecordAsync(new RecordSpec(Origin, "ns1", "A", V));
            await chip.AddRecordAsync(new RecordSpec(Origin, "www", "A", "192.0.2.10"));
            await Bridge("sync", daleConfig);
            await chip.RegenerateAsync(chipRoot);
            await dale.RegenerateAsync(daleRoot);

            // Normal times: chip holds V.
            primary = await NamedServer.StartPrimaryAsync(Path.Combine(chipRoot, "bind", "zones.conf"), port, name: "chip");
            await using var secondary = await NamedServer.StartSecondaryAsync([Origin], "127.0.0.1", port, name: "secondary");
            await ExpectAsync(secondary, await SerialAsync(chip), ("www", "192.0.2.10"));

            // chip dies; dale takes V, unable to reach chip; an admin edits on dale.
            await primary.StopAsync();
            await Bridge("promote", daleAlone);
            await dale.UpdateRecordAsync(new RecordSpec(Origin, "www", "A", "192.0.2.10"), r => r with { Data = "192.0.2.20" });
            await dale.RegenerateAsync(daleRoot);
            primary = await NamedServer.StartPrimaryAsync(Path.Combine(daleRoot, "bind", "zones.conf"), port, name: "dale");
            await secondary.RefreshAsync(Origin);
            await ExpectAsync(secondary, await SerialAsync(dale), ("www", "192.0.2.20"));

            // chip comes back as the standby and pulls what changed on dale; then V moves back.
            await Bridge("demote", chipConfig);
            await Bridge("sync", chipConfig);
            await Bridge("demote", daleConfig);
            await Bridge("promote", chipConfig);
            await chip.AddRecordAsync(new RecordSpec(Origin, "shop", "A", "192.0.2.30"));
            await chip.RegenerateAsync(chipRoot);
            await primary.StopAsync();
            primary = await NamedServer.StartPrimaryAsync(Path.Combine(chipRoot, "bind", "zones.conf"), port, name: "chip-again");
            await secondary.RefreshAsync(Origin);
            await ExpectAsync(secondary, await SerialAsync(chip), ("www", "192.0.2.20"), ("shop", "192.0.2.30"));

            // dale, the standby again, pulls chip's serial: both machines equal, nothing went backwards.
            await Bridge("sync", daleConfig);
            Assert.That(await SerialAsync(dale), Is.EqualTo(await SerialAsync(chip)));
        }
        finally
        {
            if (primary is not null)
            {
                await primary.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task ExpectAsync(NamedServer secondary, long serial, params (string Name, string Address)[] records)
    {
        var seen = await Dig.WaitForSerialAsync(secondary.Port, Origin, s => s == serial, Prompt);
        Assert.That(seen, Is.EqualTo(serial), $"the secondary must reach serial {serial}\n{secondary.Log}");
        foreach (var (name, address) in records)
        {
            Assert.That(await Dig.QueryAsync(secondary.Port, $"{name}.{Origin}", "A"), Is.EqualTo(new[] { address }), $"{name} at serial {serial}");
        }
    }

    private static async Task<long> SerialAsync(BlechInstance blech) => (await blech.GetZoneAsync(Origin))!.Serial!.Value;

    private static async Task Bridge(string command, string config)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await BridgeApp.RunAsync([command, "--config", config], stdout, stderr);
        Assert.That(code, Is.Zero, $"blech-bridge {command} ({Path.GetFileName(config)}):\n{stdout}\n{stderr}");
    }

    private static string Config(string folder, string name, BlechServer local, BlechServer peer, bool peerReachable)
    {
        var peerConnection = peer.ConnectionStringFor("dns_blech");
        var config = new Dictionary<string, object?>
        {
            ["serviceAddress"] = V,
            ["local"] = new Dictionary<string, object?> { ["engine"] = "postgres", ["connectionString"] = local.ConnectionStringFor("dns_blech") },
            ["peer"] = new Dictionary<string, object?> { ["engine"] = "postgres", ["connectionString"] = peerReachable ? peerConnection : PortPattern().Replace(peerConnection, "Port=9") },
            ["apache"] = new Dictionary<string, object?> { ["enabled"] = false },
            ["lockFile"] = Path.Combine(folder, name + ".lock"),
            ["retry"] = new Dictionary<string, object?> { ["maxAttempts"] = 1, ["baseDelaySeconds"] = 0.1 },
        };
        var path = Path.Combine(folder, name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    [GeneratedRegex("Port=[0-9]+")]
    private static partial Regex PortPattern();
}
