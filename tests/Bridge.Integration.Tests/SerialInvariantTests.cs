using System.Text;
using System.Text.RegularExpressions;
using Bridge.Core;
using Bridge.Core.Serials;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// Random, seeded and repeatable walks through edits on either machine, syncs, failovers and switchovers, checking the serial
/// invariant after every step: no machine's serial goes backwards; on a machine, one serial never carries two contents; after
/// a sync the standby's zone equals the active's, serial included. BRIDGE_RANDOM_SEQUENCES and BRIDGE_RANDOM_SEED make longer
/// or replayed runs; a failure prints the seed and the steps.
/// </summary>
public abstract partial class SerialInvariantSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer)
{
    private static readonly string[] Zones = ["alpha.example.", "beta.example."];

    private static int Sequences => int.TryParse(Environment.GetEnvironmentVariable("BRIDGE_RANDOM_SEQUENCES"), out var n) ? n : 10;

    private static int Steps => int.TryParse(Environment.GetEnvironmentVariable("BRIDGE_RANDOM_STEPS"), out var n) ? n : 30;

    private static int BaseSeed => int.TryParse(Environment.GetEnvironmentVariable("BRIDGE_RANDOM_SEED"), out var n) ? n : 20261125;

    [Test]
    public async Task TheSerialInvariantHoldsThroughRandomFailoversAndFailbacks()
    {
        for (var i = 0; i < Sequences; i++)
        {
            await RunSequenceAsync(BaseSeed + i);
        }
    }

    private sealed class Machine(string name, BlechInstance blech, string config, string aloneConfig)
    {
        public string Name { get; } = name;

        public BlechInstance Blech { get; } = blech;

        public string Config { get; } = config;

        public string AloneConfig { get; } = aloneConfig;

        public Dictionary<string, long> LastSerial { get; } = [];

        public Dictionary<(string Zone, long Serial), string> Seen { get; } = [];
    }

    private async Task RunSequenceAsync(int seed)
    {
        var random = new Random(seed);
        var log = new StringBuilder();
        var pair = await Pair.CreateAsync(chipServer, daleServer);
        try
        {
            pair.WriteChipConfig();
            var chipAlone = Path.Combine(pair.Folder, "chip-alone.json");
            File.WriteAllText(chipAlone, File.ReadAllText(pair.ChipConfigPath).Replace(Pair.PortOf(pair.DaleServer.ConnectionStringFor("blech")), "Port=9", StringComparison.Ordinal));
            var daleAlone = Path.Combine(pair.Folder, "dale-alone.json");
            File.WriteAllText(daleAlone, File.ReadAllText(pair.ConfigPath).Replace(Pair.PortOf(pair.ChipServer.ConnectionStringFor("blech")), "Port=9", StringComparison.Ordinal));
            var chip = new Machine("chip", pair.Chip, pair.ChipConfigPath, chipAlone);
            var dale = new Machine("dale", pair.Dale, pair.ConfigPath, daleAlone);

            await pair.Chip.AddClientAsync(new ClientSpec("acme"));
            foreach (var zone in Zones)
            {
                await pair.Chip.AddZoneAsync(new ZoneSpec("acme", zone));
                await pair.Chip.AddRecordAsync(new RecordSpec(zone, "@", "A", "192.0.2.10"));
            }

            var active = chip;
            var standby = dale;
            await Step("initial sync", () => SyncAsync(standby));
            await CheckAsync(chip, dale, afterSync: true);

            for (var step = 0; step < Steps; step++)
            {
                var roll = random.Next(100);
                var zone = Zones[random.Next(Zones.Length)];
                if (roll < 35)
                {
                    await Step($"edit {zone} on {active.Name} (active)", () => EditAsync(active.Blech, zone, random));
                }
                else if (roll < 45)
                {
                    await Step($"edit {zone} on {standby.Name} (standby)", () => EditAsync(standby.Blech, zone, random));
                }
                else if (roll < 75)
                {
                    await Step($"sync on {standby.Name}", () => SyncAsync(standby));
                    await CheckAsync(chip, dale, afterSync: true, active, standby);
                    continue;
                }
                else if (roll < 80)
                {
                    await Step($"sync on {active.Name} (active: nothing to pull)", () => SyncAsync(active));
                }
                else if (roll < 92)
                {
                    // The active dies: the standby takes V without reaching it; the old active comes back as the standby.
                    var (dead, next) = (active, standby);
                    await Step($"failover: {next.Name} promoted, {dead.Name} unreachable", () => BridgeAsync(next.AloneConfig, "promote"));
                    await Step($"{dead.Name} comes back and is demoted", () => BridgeAsync(dead.Config, "demote"));
                    (active, standby) = (next, dead);
                }
                else
                {
                    // A planned switch: the standby catches up, then V moves.
                    await Step($"switchover to {standby.Name}", async () =>
                    {
                        await SyncAsync(standby);
                        await BridgeAsync(active.Config, "demote");
                        await BridgeAsync(standby.Config, "promote");
                    });
                    (active, standby) = (standby, active);
                }

                await CheckAsync(chip, dale, afterSync: false);
            }
        }
        catch (AssertionException e)
        {
            Assert.Fail($"seed {seed} (replay with BRIDGE_RANDOM_SEED={seed} BRIDGE_RANDOM_SEQUENCES=1):\n{log}\n{e.Message}");
        }
        finally
        {
            Directory.Delete(pair.Folder, recursive: true);
        }

        async Task Step(string what, Func<Task> action)
        {
            log.AppendLine(what);
            await action();
        }
    }

    private static async Task SyncAsync(Machine machine)
    {
        var result = await CliResult.RunAsync(["sync", "--force", "--config", machine.Config]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
    }

    private static async Task BridgeAsync(string config, string command)
    {
        var result = await CliResult.RunAsync([command, "--config", config]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
    }

    private static async Task EditAsync(BlechInstance blech, string zone, Random random)
    {
        var records = await blech.GetRecordsAsync(zone);
        switch (random.Next(3))
        {
            case 0:
                await blech.AddRecordAsync(new RecordSpec(zone, $"h{random.Next(1000)}", "A", $"192.0.2.{random.Next(1, 250)}"));
                break;
            case 1 when records.Count > 1:
                await blech.DeleteRecordAsync(records[random.Next(records.Count)]);
                break;
            default:
                await blech.UpdateRecordAsync(records[random.Next(records.Count)], r => r with { Ttl = random.Next(60, 86400) });
                break;
        }
    }

    private static async Task CheckAsync(Machine chip, Machine dale, bool afterSync, Machine? active = null, Machine? standby = null)
    {
        var contents = new Dictionary<string, Dictionary<string, (long Serial, string Content)>>();
        foreach (var m in new[] { chip, dale })
        {
            var zones = await ZonesAsync(m.Blech);
            contents[m.Name] = zones;
            foreach (var (zone, (serial, content)) in zones)
            {
                if (m.LastSerial.TryGetValue(zone, out var last) && last != serial)
                {
                    Assert.That(Serial.IsNewer(serial, last), $"{m.Name}: {zone} went backwards from {last} to {serial}");
                }

                m.LastSerial[zone] = serial;
                if (m.Seen.TryGetValue((zone, serial), out var before))
                {
                    Assert.That(content, Is.EqualTo(before), $"{m.Name}: {zone} serial {serial} carries two different contents");
                }
                else
                {
                    m.Seen[(zone, serial)] = content;
                }
            }
        }

        if (afterSync)
        {
            Assert.That(contents[standby?.Name ?? "dale"], Is.EqualTo(contents[active?.Name ?? "chip"]), "after a sync the standby's zones equal the active's, serials included");
        }
    }

    // Each zone's serial and a canonical text of everything else in it (zone fields and active records).
    private static async Task<Dictionary<string, (long, string)>> ZonesAsync(BlechInstance blech)
    {
        var dump = (await blech.DumpAsync()).Split('\n');
        var result = new Dictionary<string, (long, string)>();
        foreach (var zone in Zones)
        {
            var lines = dump.Where(l => l.StartsWith($"zone {zone} ", StringComparison.Ordinal) || l.StartsWith($"record {zone} ", StringComparison.Ordinal)).ToList();
            var zoneLine = lines.Single(l => l.StartsWith("zone ", StringComparison.Ordinal));
            var serial = long.Parse(SerialField().Match(zoneLine).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            result[zone] = (serial, string.Join("\n", lines.Select(l => SerialField().Replace(l, "serial=*")).Order(StringComparer.Ordinal)));
        }

        return result;
    }

    [GeneratedRegex("serial=([0-9]+)")]
    private static partial Regex SerialField();
}

[TestFixture]
public sealed class SerialInvariantPostgres() : SerialInvariantSuite(() => TestServers.PgChip, () => TestServers.PgDale);

[TestFixture]
public sealed class SerialInvariantMariaDb() : SerialInvariantSuite(() => TestServers.MariaDbChip, () => TestServers.MariaDbDale);
