using System.Diagnostics;
using System.Text.Json;
using Bridge.Cli.Requests;
using Bridge.Emulator;

namespace Bridge.Plugin.Tests;

/// <summary>Where the repository's files are, seen from the test's output folder.</summary>
public static class Repo
{
    public static string Root => Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../.."));

    public static string PluginSource => Path.Combine(Root, "scripts/blech-plugin/bridge");

    public static string Installer => Path.Combine(Root, "scripts/blech-plugin/install.sh");

    /// <summary>The bridge build this test run uses: the same configuration as the tests (bin/Release or bin/Debug).</summary>
    public static string BridgeBuild
    {
        get
        {
            var configuration = new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name;
            return Path.Combine(Root, "src/Bridge.Cli/bin", configuration, "net10.0");
        }
    }
}

/// <summary>
/// A copy of the bridge build that user nobody (Blech's user in these tests) can run, behind a two-line wrapper, made once
/// for the whole run: the build may live under a folder nobody cannot enter.
/// </summary>
[SetUpFixture]
public sealed class BridgeCopy
{
    private static string? _folder;

    public static string Wrapper => Path.Combine(_folder ?? throw new InvalidOperationException("BridgeCopy has not run"), "blech-bridge");

    private const UnixFileMode Dir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [OneTimeSetUp]
    public void Copy()
    {
        Assert.That(Environment.UserName, Is.EqualTo("root"), "these tests run hooks as user nobody through runuser, which needs root (scripts/test.sh runs as root)");
        var build = Repo.BridgeBuild;
        Assert.That(File.Exists(Path.Combine(build, "blech-bridge.dll")), Is.True, $"no bridge build in {build}");

        _folder = Directory.CreateTempSubdirectory("bridge-plugin-bin-").FullName;
        File.SetUnixFileMode(_folder, Dir);
        var lib = Path.Combine(_folder, "lib");
        CopyTree(build, lib);

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "/usr/share/dotnet/dotnet";
        File.WriteAllText(Wrapper, $"#!/bin/sh\nexec '{dotnet}' '{lib}/blech-bridge.dll' \"$@\"\n");
        File.SetUnixFileMode(Wrapper, Dir);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        File.SetUnixFileMode(to, Dir);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, Plain);
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}

/// <summary>The plugin and its spool installed by install.sh into a temporary folder, for Blech user nobody.</summary>
public sealed class Installation : IDisposable
{
    private Installation(string folder) => Folder = folder;

    public string Folder { get; }

    public string Plugin => Path.Combine(Folder, "plugins/bridge");

    public string Spool => Path.Combine(Folder, "spool");

    public string ConfigPath => Path.Combine(Folder, "bridge.json");

    public string LockFile => Path.Combine(Folder, "dale.lock");

    public string ResyncHook => Path.Combine(Plugin, "hooks/resync");

    public string LastHook => Path.Combine(Plugin, "hooks/last-resync");

    public string[] PendingRequests => Directory.GetFiles(Path.Combine(Spool, "requests"), "*.req");

    /// <summary>Runs install.sh; <paramref name="wait"/> is how long a click waits for its answer.</summary>
    public static async Task<Installation> CreateAsync(int wait = 280)
    {
        var folder = Directory.CreateTempSubdirectory("bridge-plugin-").FullName;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var installation = new Installation(folder);
        var start = new ProcessStartInfo(Repo.Installer) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["BLECH_PLUGINS"] = Path.Combine(folder, "plugins");
        start.Environment["BLECH_USER"] = "nobody";
        start.Environment["BRIDGE_BIN"] = BridgeCopy.Wrapper;
        start.Environment["BRIDGE_CONFIG"] = installation.ConfigPath;
        start.Environment["BRIDGE_SPOOL"] = installation.Spool;
        start.Environment["BRIDGE_WAIT"] = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["BRIDGE_SYSTEMD_DIR"] = Path.Combine(folder, "systemd");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.That(p.ExitCode, Is.Zero, $"install.sh failed:\n{await stdout}\n{await stderr}");
        return installation;
    }

    /// <summary>Writes Bridge's configuration joining chip (peer) and dale (local), with Apache off.</summary>
    public void WriteConfig(string peerConnectionString, string localConnectionString)
    {
        var config = new Dictionary<string, object?>
        {
            ["serviceAddress"] = PairAddresses.V,
            ["peer"] = new Dictionary<string, object?> { ["engine"] = "postgres", ["connectionString"] = peerConnectionString, ["address"] = PairAddresses.C },
            ["local"] = new Dictionary<string, object?> { ["engine"] = "postgres", ["connectionString"] = localConnectionString, ["address"] = PairAddresses.D },
            ["retry"] = new Dictionary<string, object?> { ["maxAttempts"] = 1, ["baseDelaySeconds"] = 0.1, ["totalTimeoutSeconds"] = 60 },
            ["lockFile"] = LockFile,
            ["apache"] = new Dictionary<string, object?> { ["enabled"] = false },
            ["ready"] = new Dictionary<string, object?> { ["checkDns"] = false, ["checkMail"] = false },
        };
        File.WriteAllText(ConfigPath, JsonSerializer.Serialize(config));
        File.SetUnixFileMode(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Takes the file lock every Bridge run takes, as another run on this machine would.</summary>
    public FileStream HoldRunLock() => new(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    public void Dispose() => Sh.Remove(Folder);
}

/// <summary>What a hook printed and exited with.</summary>
public sealed record HookResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>Runs a hook the way Blech does: as an unprivileged user, no arguments, stdin /dev/null, only Blech's four variables.</summary>
public static class Hook
{
    public static async Task<HookResult> RunAsync(string hook, string? admin, string blechEvent = "button.resync", string user = "nobody")
    {
        // sh only supplies the /dev/null redirection; every value travels as its own argument, never through a shell.
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "exec \"$@\" </dev/null", "blech", "runuser", "-u", user, "--", "env", "-i", $"BLECH_EVENT={blechEvent}" })
        {
            start.ArgumentList.Add(a);
        }

        if (admin is not null)
        {
            start.ArgumentList.Add($"BLECH_ADMIN={admin}");
        }

        start.ArgumentList.Add("BLECH_SERVER=dale");
        start.ArgumentList.Add("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
        start.ArgumentList.Add(hook);

        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"the hook {hook} ran for more than 60 s");
        }

        var result = new HookResult(p.ExitCode, await stdout, await stderr);
        TestContext.Out.WriteLine($"{Path.GetFileName(hook)} (BLECH_ADMIN={admin}): {result}");
        return result;
    }
}

/// <summary>The privileged request service, in this process, serving one installation's spool until disposed.</summary>
public sealed class Service : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _log = new();
    private readonly Task<int> _task;

    public Service(Installation installation)
    {
        var log = TextWriter.Synchronized(_log);
        _task = Task.Run(() => RequestCommands.ServeAsync(installation.ConfigPath, installation.Spool, once: false, TextWriter.Null, log, _stop.Token));
    }

    public string Log => _log.ToString();

    /// <summary>Whether the service still serves: it never returns on its own.</summary>
    public bool Running => !_task.IsCompleted;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _task.WaitAsync(TimeSpan.FromSeconds(60));
        TestContext.Out.WriteLine(Log);
        _stop.Dispose();
    }
}

/// <summary>Polls until a condition holds, or fails the test.</summary>
public static class Eventually
{
    public static async Task ThatAsync(Func<bool> condition, string what, double seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"waited {seconds} s for: {what}");
            }

            await Task.Delay(50);
        }
    }

    public static async Task ThatAsync(Func<Task<bool>> condition, string what, double seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"waited {seconds} s for: {what}");
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>Runs a shell script with its arguments as separate words (never through the script's text).</summary>
public static class Sh
{
    /// <summary>Removes a folder and everything in it, names that are not UTF-8 too (which .NET cannot name).</summary>
    public static void Remove(string folder)
    {
        using var p = Process.Start("rm", ["-rf", "--", folder]);
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"rm -rf {folder}");
    }

    public static async Task<string> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("sh");
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.That(p.ExitCode, Is.Zero, $"sh -c {script}: {await stderr}");
        return await stdout;
    }
}

/// <summary>The plugin tests' chip and dale: Blech databases <c>plug_blech</c> on the PostgreSQL pair, chip filled, dale filled by Blech's push.</summary>
public static class PluginPair
{
    public const string Database = "plug_blech";

    public static async Task<(BlechInstance Chip, BlechInstance Dale)> CreateAsync()
    {
        var chip = await TestServers.PgChip.CreateAsync("chip", PairAddresses.V, Database);
        var dale = await TestServers.PgDale.CreateAsync("dale", PairAddresses.D, Database);
        await SampleData.FillAsync(chip, 2, 2);
        await chip.PushToAsync(dale);
        return (chip, dale);
    }
}
