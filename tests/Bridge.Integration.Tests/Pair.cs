using System.Text.Json;
using Bridge.Cli;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>chip (active, the peer) and dale (standby, local) as two fresh Blech databases, plus a config file that joins them.</summary>
public sealed class Pair
{
    private Pair(BlechServer chipServer, BlechServer daleServer, BlechInstance chip, BlechInstance dale, string folder)
    {
        ChipServer = chipServer;
        DaleServer = daleServer;
        Chip = chip;
        Dale = dale;
        Folder = folder;
        ConfigPath = Path.Combine(folder, "bridge.json");
    }

    public BlechServer ChipServer { get; }

    public BlechServer DaleServer { get; }

    public BlechInstance Chip { get; }

    public BlechInstance Dale { get; }

    public string Folder { get; }

    public string ConfigPath { get; }

    public static async Task<Pair> CreateAsync(Func<BlechServer> chipServer, Func<BlechServer> daleServer)
    {
        var cs = chipServer();
        var ds = daleServer();
        var chip = await cs.CreateAsync("chip", PairAddresses.V);
        var dale = await ds.CreateAsync("dale", PairAddresses.D);
        var folder = Directory.CreateTempSubdirectory("bridge-it-").FullName;
        var pair = new Pair(cs, ds, chip, dale, folder);
        pair.WriteConfig();
        return pair;
    }

    public static string EngineName(BlechServer server) => server.Engine == BlechEngine.Postgres ? "postgres" : "mysql";

    /// <summary>Writes the config file; <paramref name="change"/> may edit the JSON object before it is written.</summary>
    public void WriteConfig(Action<Dictionary<string, object?>>? change = null, string? peerConnectionString = null)
    {
        var config = new Dictionary<string, object?>
        {
            ["serviceAddress"] = PairAddresses.V,
            ["peer"] = new Dictionary<string, object?> { ["engine"] = EngineName(ChipServer), ["connectionString"] = peerConnectionString ?? ChipServer.ConnectionStringFor("blech"), ["address"] = PairAddresses.C },
            ["local"] = new Dictionary<string, object?> { ["engine"] = EngineName(DaleServer), ["connectionString"] = DaleServer.ConnectionStringFor("blech"), ["address"] = PairAddresses.D },
            ["retry"] = new Dictionary<string, object?> { ["maxAttempts"] = 2, ["baseDelaySeconds"] = 0.1, ["totalTimeoutSeconds"] = 60 },
            ["lockFile"] = Path.Combine(Folder, "dale.lock"),
        };
        change?.Invoke(config);
        WritePrivate(ConfigPath, JsonSerializer.Serialize(config));
    }

    // Readable by its owner only, as the README asks of a configuration that holds passwords (others get a warning).
    private static void WritePrivate(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public Task<CliResult> BridgeAsync(params string[] args) => CliResult.RunAsync([.. args, "--config", ConfigPath]);

    /// <summary>The configuration as chip's Bridge sees it: chip is local, dale the peer.</summary>
    public string ChipConfigPath => Path.Combine(Folder, "bridge-chip.json");

    public void WriteChipConfig(string? daleConnectionString = null)
    {
        var config = new Dictionary<string, object?>
        {
            ["serviceAddress"] = PairAddresses.V,
            ["peer"] = new Dictionary<string, object?> { ["engine"] = EngineName(DaleServer), ["connectionString"] = daleConnectionString ?? DaleServer.ConnectionStringFor("blech"), ["address"] = PairAddresses.D },
            ["local"] = new Dictionary<string, object?> { ["engine"] = EngineName(ChipServer), ["connectionString"] = ChipServer.ConnectionStringFor("blech"), ["address"] = PairAddresses.C },
            ["retry"] = new Dictionary<string, object?> { ["maxAttempts"] = 1, ["baseDelaySeconds"] = 0.1, ["totalTimeoutSeconds"] = 60 },
            ["lockFile"] = Path.Combine(Folder, "chip.lock"),
        };
        WritePrivate(ChipConfigPath, JsonSerializer.Serialize(config));
    }

    /// <summary>The connection string with its port replaced by one nobody listens on (9, discard).</summary>
    public static string Unreachable(string connectionString) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString, "Port=[0-9]+", "Port=9");

    /// <summary>The <c>Port=N</c> part of a connection string.</summary>
    public static string PortOf(string connectionString) => System.Text.RegularExpressions.Regex.Match(connectionString, "Port=[0-9]+").Value;

    /// <summary>Runs bridge on chip.</summary>
    public Task<CliResult> ChipBridgeAsync(params string[] args) => CliResult.RunAsync([.. args, "--config", ChipConfigPath]);

    /// <summary>Zone origin → serial on one machine.</summary>
    public static async Task<Dictionary<string, long>> SerialsAsync(BlechInstance blech) =>
        (await blech.QueryAsync<(string Origin, long Serial)>("SELECT origin, serial FROM dns_zone")).ToDictionary(z => z.Origin, z => z.Serial);

    /// <summary>What Blech's hourly push does to dale: every site copied with dale's own address D.</summary>
    public Task PushAsync() => Chip.PushToAsync(Dale);
}

/// <summary>
/// Exit code, stdout and stderr of one <c>blech-bridge</c> run: in-process, or, when <c>BRIDGE_TEST_COMMAND</c> names a
/// published command (the Native AOT one that <c>scripts/lib/publish.sh</c> builds), that command run as a process.
/// </summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<CliResult> RunAsync(string[] args)
    {
        if (Environment.GetEnvironmentVariable("BRIDGE_TEST_COMMAND") is { Length: > 0 } command)
        {
            return await RunProcessAsync(command, args);
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await BridgeApp.RunAsync(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<CliResult> RunProcessAsync(string command, string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    public int Count(string kind, string action) => Json.GetProperty("summary").GetProperty(kind).GetProperty(action).GetInt32();

    public int Total(string name) => Json.GetProperty("summary").GetProperty(name).GetInt32();

    /// <summary>The JSON report's skipped rows, one "kind key: reason" line each.</summary>
    public List<string> Skipped() => Json.GetProperty("skipped").EnumerateArray()
        .Select(s => $"{s.GetProperty("kind").GetString()} {s.GetProperty("key").GetString()}: {s.GetProperty("reason").GetString()}")
        .ToList();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
