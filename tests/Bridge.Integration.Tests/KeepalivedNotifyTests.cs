using System.Diagnostics;

namespace Bridge.Integration.Tests;

/// <summary>The keepalived notify script: the right command per state, in the background, never blocking keepalived.</summary>
[TestFixture]
public sealed class KeepalivedNotifyTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("bridge-notify-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private static string Script => Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../../scripts/keepalived/blech-bridge-notify"));

    [TestCase("MASTER", "promote")]
    [TestCase("BACKUP", "demote")]
    [TestCase("FAULT", "demote")]
    public async Task TheNotifyScriptRunsBridgeInTheBackgroundAndReturnsAtOnce(string state, string command)
    {
        var calls = Path.Combine(_folder, "calls");
        var fake = Path.Combine(_folder, "blech-bridge");
        await File.WriteAllTextAsync(fake, $"#!/bin/sh\nsleep 3\necho \"$*\" >> '{calls}'\necho done\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo(Script) { ArgumentList = { "INSTANCE", "bridge_v", state, "150" } };
        start.Environment["BRIDGE_BIN"] = fake;
        start.Environment["BRIDGE_CONFIG"] = "/etc/blech-bridge/test.json";
        start.Environment["BRIDGE_NOTIFY_LOG"] = Path.Combine(_folder, "notify.log");
        var clock = Stopwatch.StartNew();
        using (var p = Process.Start(start)!)
        {
            await p.WaitForExitAsync();
            Assert.That(p.ExitCode, Is.Zero);
        }

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "keepalived must not wait for bridge");
        Assert.That(File.Exists(calls), Is.False, "bridge is still running in the background");

        while (!File.Exists(calls) && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }

        Assert.That(await File.ReadAllTextAsync(calls), Is.EqualTo($"{command} --config /etc/blech-bridge/test.json --requested-by keepalived\n"));
        // The script logs the exit after the command returns: wait for that line (a loaded machine may take seconds).
        var log = Path.Combine(_folder, "notify.log");
        while (!(await File.ReadAllTextAsync(log)).Contains(" exited ", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        Assert.That(await File.ReadAllTextAsync(log), Does.Contain($"running blech-bridge {command}").And.Contain($"blech-bridge {command} exited 0"));
    }

    [Test]
    public async Task AnUnknownStateRunsNothing()
    {
        var start = new ProcessStartInfo(Script) { ArgumentList = { "INSTANCE", "bridge_v", "WEIRD", "1" } };
        start.Environment["BRIDGE_BIN"] = "/bin/false";
        start.Environment["BRIDGE_NOTIFY_LOG"] = Path.Combine(_folder, "notify.log");
        using var p = Process.Start(start)!;
        await p.WaitForExitAsync();
        Assert.That(p.ExitCode, Is.Zero);
        Assert.That(File.Exists(Path.Combine(_folder, "notify.log")), Is.False);
    }
}
