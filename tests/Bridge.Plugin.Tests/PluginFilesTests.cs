using System.Diagnostics;

namespace Bridge.Plugin.Tests;

/// <summary>The plugin as BLECH.md §4 describes it: plugin.ini's sections and keys, and hooks that exist and can run.</summary>
[TestFixture]
public sealed class PluginFilesTests
{
    private static Dictionary<string, Dictionary<string, string>> ReadIni(string path)
    {
        // BLECH.md's format: "[section]" headers, "key = value" lines, blank lines between sections; nothing else.
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                current = [];
                sections.Add(line[1..^1], current);
                continue;
            }

            var eq = line.IndexOf('=');
            Assert.That(eq, Is.GreaterThan(0), $"'{raw}' is neither a [section] nor a key = value line");
            Assert.That(current, Is.Not.Null, $"'{raw}' comes before any section");
            current!.Add(line[..eq].Trim(), line[(eq + 1)..].Trim());
        }

        return sections;
    }

    [Test]
    public void PluginIniHasThePluginAndBothButtonsInBlechsFormat()
    {
        var ini = ReadIni(Path.Combine(Repo.PluginSource, "plugin.ini"));
        Assert.That(ini.Keys, Is.EquivalentTo(new[] { "plugin", "button.resync", "button.last" }));
        Assert.That(ini["plugin"]["name"], Is.EqualTo("bridge"));
        Assert.That(ini["plugin"]["title"], Is.Not.Empty);
        Assert.That(ini["button.resync"]["label"], Is.EqualTo("Resync standby now"));
        Assert.That(ini["button.resync"]["hook"], Is.EqualTo("hooks/resync"));
        Assert.That(ini["button.resync"]["confirm"], Is.Not.Empty);
        Assert.That(ini["button.last"]["label"], Is.EqualTo("Show last resync"));
        Assert.That(ini["button.last"]["hook"], Is.EqualTo("hooks/last-resync"));
    }

    [TestCase("button.resync")]
    [TestCase("button.last")]
    public async Task EachButtonsHookExistsIsExecutableAndIsPOSIXSh(string button)
    {
        var ini = ReadIni(Path.Combine(Repo.PluginSource, "plugin.ini"));
        var hook = Path.Combine(Repo.PluginSource, ini[button]["hook"]);
        Assert.That(File.Exists(hook), Is.True, hook);
        var mode = File.GetUnixFileMode(hook);
        Assert.That(mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute),
            Is.EqualTo(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute), $"{hook} must be executable by Blech's user");
        Assert.That(File.ReadLines(hook).First(), Is.EqualTo("#!/bin/sh"));
        Assert.That(await File.ReadAllTextAsync(hook), Does.Not.Contain("eval").And.Not.Contain("source ").And.Not.Contain(". \"$conf\""));

        using var p = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-n", hook }, RedirectStandardError = true })!;
        var errors = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.That(p.ExitCode, Is.Zero, errors);
    }

    [Test]
    public async Task TheInstalledPluginBelongsToRootAndItsSettingsNameBridgeAndTheSpool()
    {
        using var install = await Installation.CreateAsync();
        var ini = ReadIni(Path.Combine(install.Plugin, "plugin.ini"));
        foreach (var button in new[] { "button.resync", "button.last" })
        {
            var hook = Path.Combine(install.Plugin, ini[button]["hook"]);
            Assert.That(File.GetUnixFileMode(hook), Is.EqualTo((UnixFileMode)0b111_101_101), hook);
        }

        var conf = await File.ReadAllLinesAsync(Path.Combine(install.Plugin, "bridge-plugin.conf"));
        Assert.That(conf, Is.EqualTo(new[] { $"bridge={BridgeCopy.Wrapper}", $"spool={install.Spool}", "wait=280" }));
        var unit = await File.ReadAllTextAsync(Path.Combine(install.Folder, "systemd/blech-bridge-requests.service"));
        Assert.That(unit, Does.Contain($"ExecStart={BridgeCopy.Wrapper} serve-requests --config {install.ConfigPath} --spool {install.Spool}"));
        Assert.That(unit, Does.Contain("Restart=on-failure"));
    }
}
