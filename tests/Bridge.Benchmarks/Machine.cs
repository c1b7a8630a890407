using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Bridge.Benchmarks;

/// Describes the machine and the versions of the servers and tools, from their own commands.
public static partial class Machine
{
    public static async Task<MachineInfo> DescribeAsync(BenchOptions o, CancellationToken ct)
    {
        var lscpu = await CaptureAsync("lscpu", [], ct);
        var cpu = ModelName().Match(lscpu) is { Success: true } m ? m.Groups[1].Value.Trim() : "unknown";
        var memInfo = File.Exists("/proc/meminfo") ? await File.ReadAllTextAsync("/proc/meminfo", ct) : string.Empty;
        var memory = MemTotal().Match(memInfo) is { Success: true } mem
            ? $"{long.Parse(mem.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0:F1} GiB"
            : "unknown";
        // One answer of chip's PostgreSQL server.
        async Task<string> PgAsync(string sql) =>
            (await CaptureAsync("psql", ["-X", "-At", "-h", "127.0.0.1", "-p", $"{o.PgChip}", "-U", "bridge", "-d", "postgres", "-c", sql], ct, o.Password)).Trim();

        var versions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PostgreSQL server"] = await PgAsync("SELECT version()"),
            ["PostgreSQL huge_pages"] = await PgAsync("SHOW huge_pages") + " (on: shared memory on 2 MiB pages; scripts/bench.sh, BENCH_PG_HUGE_PAGES)",
            ["psql"] = (await CaptureAsync("psql", ["--version"], ct)).Trim(),
            ["MariaDB server"] = (await CaptureAsync("mariadb", ["--no-defaults", "-N", "-h", "127.0.0.1", "-P", $"{o.MyChip}", "-u", "bridge", "-e", "SELECT VERSION()"], ct, o.Password)).Trim(),
            ["mariadb client"] = (await CaptureAsync("mariadb", ["--version"], ct)).Trim(),
            [".NET SDK"] = (await CaptureAsync("dotnet", ["--version"], ct)).Trim(),
            [".NET runtime"] = RuntimeInformation.FrameworkDescription,
            ["percona-toolkit (pt-table-sync)"] = $"{(await CaptureAsync("pt-table-sync", ["--version"], ct)).Trim()} (Debian package {(await CaptureAsync("dpkg-query", ["-W", "-f", "${Version}", "percona-toolkit"], ct)).Trim()})",
            ["bridge command"] = o.BridgeCommand.EndsWith(".dll", StringComparison.Ordinal)
                ? "`dotnet blech-bridge.dll`: the framework-dependent build output (JIT), BENCH_BRIDGE=build"
                : "`blech-bridge`: published by scripts/lib/publish.sh (Native AOT), as installed",
            ["bridge build"] = BuildIdentity(o.BridgeCommand),
            ["GNU time"] = $"Debian package time {(await CaptureAsync("dpkg-query", ["-W", "-f", "${Version}", "time"], ct)).Trim()}",
        };
        return new MachineInfo(cpu, Environment.ProcessorCount, memory, (await CaptureAsync("uname", ["-sr"], ct)).Trim(), versions);
    }

    // Which build of bridge was measured: the newest write time and a digest of its own assemblies.
    private static string BuildIdentity(string bridgeDll)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(bridgeDll))!;
        var files = Directory.GetFiles(folder, "Bridge.*.dll").Append(Path.GetFullPath(bridgeDll)).Where(File.Exists).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            return "unknown";
        }

        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var f in files)
        {
            sha.AppendData(File.ReadAllBytes(f));
        }

        var newest = files.Max(File.GetLastWriteTimeUtc);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"built {newest:yyyy-MM-dd HH:mm:ss} UTC, assemblies sha256 {Convert.ToHexStringLower(sha.GetHashAndReset())[..12]}");
    }

    private static async Task<string> CaptureAsync(string file, IReadOnlyList<string> args, CancellationToken ct, string? password = null)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            if (password is not null)
            {
                start.Environment["PGPASSWORD"] = password;
                start.Environment["MYSQL_PWD"] = password;
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            var text = await stdout;
            return text.Length > 0 ? text : await stderr;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"unavailable ({e.Message})";
        }
    }

    [GeneratedRegex(@"Model name:\s*(.+)")]
    private static partial Regex ModelName();

    [GeneratedRegex(@"MemTotal:\s*(\d+) kB")]
    private static partial Regex MemTotal();
}
