using System.Diagnostics;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// Restarts dale's real database server (stop, then start on the same data and port) with scripts/lib/servers.sh, as
/// scripts/test.sh started it: the folder comes from BRIDGE_TEST_PG_DALE_DIR or BRIDGE_TEST_MARIADB_DALE_DIR, which test.sh
/// sets. Without it the test fails and says so (a restart cannot be faked as a pass).
/// </summary>
public static class TestServerRestart
{
    public static async Task RestartAsync(BlechServer dale)
    {
        var postgres = dale.Engine == BlechEngine.Postgres;
        var variable = postgres ? "BRIDGE_TEST_PG_DALE_DIR" : "BRIDGE_TEST_MARIADB_DALE_DIR";
        var folder = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            Assert.Fail($"{variable} must name dale's server folder to restart it (scripts/test.sh sets it)");
        }

        var port = Pair.PortOf(dale.ConnectionStringFor("blech"))["Port=".Length..];
        var (down, up) = postgres ? ("pg_down", "pg_up") : ("mariadb_down", "mariadb_up");
        var script = $"set -e; source scripts/lib/servers.sh; {down} \"$1\"; {up} \"$1\" \"$2\"";
        var start = new ProcessStartInfo("bash", ["-c", script, "restart", folder!, port])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"restarting dale's server in {folder}: {await errors}");
    }
}
