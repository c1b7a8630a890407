using System.Diagnostics;
using Bridge.Core;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// Sync, Blech's regeneration on dale and the Apache rewrite together, checked by the real apache2ctl on a temporary
/// ServerRoot that includes Blech's generated tree.
/// </summary>
[TestFixture]
public sealed class ApacheEndToEndTests
{
    private const string ApacheCtl = "/usr/sbin/apache2ctl";
    private Pair _pair = null!;
    private string _generated = null!;
    private string _confDir = null!;
    private string _reloads = null!;

    [OneTimeSetUp]
    public void RequireApache() => Assert.That(File.Exists(ApacheCtl), $"{ApacheCtl} is missing: install apache2 (scripts/install-deps.sh does)");

    [SetUp]
    public async Task SetUpAsync()
    {
        _pair = await Pair.CreateAsync(() => TestServers.PgChip, () => TestServers.PgDale);
        _generated = Path.Combine(_pair.Folder, "generated");
        _confDir = Path.Combine(_pair.Folder, "etc-apache2");
        _reloads = Path.Combine(_pair.Folder, "reloads");
        var run = Directory.CreateDirectory(Path.Combine(_pair.Folder, "run")).FullName;
        Directory.CreateDirectory(_confDir);
        await File.WriteAllTextAsync(Path.Combine(_confDir, "apache2.conf"), $"""
            ServerRoot "{_confDir}"
            PidFile "{run}/apache2.pid"
            ErrorLog "{run}/error.log"
            DefaultRuntimeDir "{run}"
            LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
            LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
            LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
            ServerName localhost
            Include {_generated}/apache/ports.conf
            IncludeOptional {_generated}/apache/sites/*.conf

            """);
        _pair.WriteConfig(c => c["apache"] = ApacheSection());

        await _pair.Chip.AddClientAsync(new ClientSpec("acme", "Acme"));
        for (var i = 0; i < 5; i++)
        {
            await _pair.Chip.AddSiteAsync(new SiteSpec("acme", $"www{i}.acme.example", PairAddresses.V, Aliases: $"acme{i}.example"));
        }

        await _pair.PushAsync();
        await _pair.Dale.RegenerateAsync(_generated);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_pair.Folder, recursive: true);

    private Dictionary<string, object?> ApacheSection() => new()
    {
        ["root"] = _generated,
        ["backupRoot"] = Path.Combine(_pair.Folder, "backups"),
        ["testCommand"] = new[] { ApacheCtl, "-t" },
        ["dumpCommand"] = new[] { ApacheCtl, "-S" },
        ["reloadCommand"] = new[] { "/bin/sh", "-c", $"echo reload >> '{_reloads}'" },
        ["environment"] = new Dictionary<string, string> { ["APACHE_CONFDIR"] = _confDir },
        ["watchIntervalSeconds"] = 30,
    };

    private string PortsConf => File.ReadAllText(Path.Combine(_generated, "apache", "ports.conf"));

    private string Apache(string argument)
    {
        var start = new ProcessStartInfo(ApacheCtl, argument) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["APACHE_CONFDIR"] = _confDir;
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return $"exit {p.ExitCode}\n{output}";
    }

    [Test]
    public async Task SyncRewritesTheVhostsAndPutsVBackAfterBlechRegenerates()
    {
        Assert.That(PortsConf, Does.Contain($"NameVirtualHost {PairAddresses.D}:80"), "Blech writes main_ip");
        var first = await _pair.BridgeAsync("sync", "--format", "json");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
        var apache = first.Json.GetProperty("apache");
        Assert.That(apache.GetProperty("outcome").GetString(), Is.EqualTo("applied"), first.Stdout);
        Assert.That(apache.GetProperty("changedFiles").GetArrayLength(), Is.EqualTo(6), "ports.conf and the five vhosts Blech had written on D");
        Assert.That(PortsConf, Does.Contain($"NameVirtualHost {PairAddresses.V}:80").And.Not.Contain(PairAddresses.D));
        Assert.That(File.ReadAllLines(_reloads), Has.Length.EqualTo(1));

        // blechd takes the queue rows Bridge left: vhosts come out on V (the database says so), ports.conf on main_ip D again.
        await _pair.Dale.RegenerateAsync(_generated);
        Assert.That(PortsConf, Does.Contain($"NameVirtualHost {PairAddresses.D}:80"));
        Assert.That(File.ReadAllText(Path.Combine(_generated, "apache", "sites", "www0.acme.example.conf")), Does.Contain($"<VirtualHost {PairAddresses.V}:80>"));

        var second = await _pair.BridgeAsync("sync", "--format", "json");
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Success), second.ToString());
        Assert.That(second.Total("revertedFiles"), Is.EqualTo(1), second.Stdout);
        Assert.That(PortsConf, Does.Contain($"NameVirtualHost {PairAddresses.V}:80").And.Not.Contain(PairAddresses.D));

        var test = Apache("-t");
        Assert.That(test, Does.Contain("Syntax OK"), test);
        var vhosts = Apache("-S");
        Assert.That(vhosts, Does.Contain($"{PairAddresses.V}:80").And.Not.Contain($"{PairAddresses.D}:80"), vhosts);

        var third = await _pair.BridgeAsync("sync", "--format", "json");
        Assert.That(third.Json.GetProperty("apache").GetProperty("outcome").GetString(), Is.EqualTo("unchanged"));
        Assert.That(File.ReadAllLines(_reloads), Has.Length.EqualTo(2), "an unchanged run reloads nothing");
    }

    [Test]
    public async Task WatchPutsVBackWithinSecondsOfARegeneration()
    {
        Assert.That((await _pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        using var stop = new CancellationTokenSource();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var watch = Task.Run(() => Bridge.Cli.BridgeApp.RunAsync(["watch", "--config", _pair.ConfigPath], stdout, stderr, stop.Token));
        await Task.Delay(2000);

        var reloadsBefore = File.ReadAllLines(_reloads).Length;
        await _pair.Dale.RegenerateAsync(_generated);
        var clock = Stopwatch.StartNew();

        // Done means checked and reloaded: the file shows V already while apache2ctl is still testing it.
        while (File.ReadAllLines(_reloads).Length == reloadsBefore && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        var code = await watch;
        Assert.That(PortsConf, Does.Not.Contain(PairAddresses.D), $"watch did not put V back in 20 s\n{stderr}");
        Assert.That(seconds, Is.LessThan(10), "within seconds");
        Assert.That(code, Is.EqualTo(ExitCodes.Success), stderr.ToString());
    }

    [Test]
    public async Task PromoteJustAfterBlechsPushPutsThePushedSitesAndTheirVhostsOnV()
    {
        // Found by the failover drill: chip died after Blech's push and before Bridge's next sync. The push had put dale's
        // sites back on D, so promote's Apache step took them for dale's own and kept every vhost on D: nothing served on V.
        Assert.That((await _pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        await _pair.Dale.RegenerateAsync(_generated);
        await _pair.PushAsync();
        await _pair.Dale.RegenerateAsync(_generated);
        Assert.That(File.ReadAllText(Path.Combine(_generated, "apache", "sites", "www0.acme.example.conf")), Does.Contain($"<VirtualHost {PairAddresses.D}:80>"));
        await _pair.Dale.AddSiteAsync(new SiteSpec("acme", "local.dale.example", PairAddresses.D));
        await _pair.Dale.RegenerateAsync(_generated);

        _pair.WriteConfig(c => c["apache"] = ApacheSection(), peerConnectionString: Pair.Unreachable(_pair.ChipServer.ConnectionStringFor("blech")));
        var promote = await _pair.BridgeAsync("promote");
        Assert.That(promote.ExitCode, Is.EqualTo(ExitCodes.Success), promote.ToString());
        Assert.That(promote.Stdout, Does.Contain($"5 sites put back on {PairAddresses.V}"), promote.ToString());
        var sites = await _pair.Dale.GetSitesAsync();
        Assert.That(sites.Where(s => s.Domain != "local.dale.example").Select(s => s.IpAddress), Is.All.EqualTo(PairAddresses.V), "the pushed sites are on V again in Blech's database");
        Assert.That(sites.Single(s => s.Domain == "local.dale.example").IpAddress, Is.EqualTo(PairAddresses.D), "dale's own site stays on D");
        for (var i = 0; i < 5; i++)
        {
            Assert.That(File.ReadAllText(Path.Combine(_generated, "apache", "sites", $"www{i}.acme.example.conf")), Does.Contain($"<VirtualHost {PairAddresses.V}:80>"), "vhosts on V before blechd runs");
        }

        Assert.That(File.ReadAllText(Path.Combine(_generated, "apache", "sites", "local.dale.example.conf")), Does.Contain($"<VirtualHost {PairAddresses.D}:80>"));
        await _pair.Dale.RegenerateAsync(_generated);
        Assert.That(File.ReadAllText(Path.Combine(_generated, "apache", "sites", "www0.acme.example.conf")), Does.Contain($"<VirtualHost {PairAddresses.V}:80>"), "and after blechd too");
    }

    [Test]
    public async Task TheApacheStepPutsAVhostBlechsPushMovedBackToDOnVWithoutWaitingForTheSync()
    {
        Assert.That((await _pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        await _pair.Dale.RegenerateAsync(_generated);
        await _pair.PushAsync();
        await _pair.Dale.RegenerateAsync(_generated);

        var run = await CliResult.RunAsync(["rewrite-apache", "--config", _pair.ConfigPath]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(File.ReadAllText(Path.Combine(_generated, "apache", "sites", "www0.acme.example.conf")), Does.Contain($"<VirtualHost {PairAddresses.V}:80>"),
            "Bridge had put the site on V; only Blech's push moved it back");
    }

    [Test]
    public async Task ASiteTheStandbyReallyBindsToDKeepsDAndDryRunShowsADiff()
    {
        Assert.That((await _pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        await _pair.Dale.AddSiteAsync(new SiteSpec("acme", "local.dale.example", PairAddresses.D));
        await _pair.Dale.RegenerateAsync(_generated);

        var dry = await CliResult.RunAsync(["rewrite-apache", "--config", _pair.ConfigPath, "--dry-run"]);
        Assert.That(dry.ExitCode, Is.EqualTo(ExitCodes.Success), dry.ToString());
        Assert.That(dry.Stdout, Does.Contain($"-NameVirtualHost {PairAddresses.D}:80").And.Contain($"+NameVirtualHost {PairAddresses.V}:80"));
        Assert.That(PortsConf, Does.Contain(PairAddresses.D), "a dry run writes nothing");

        var run = await CliResult.RunAsync(["rewrite-apache", "--config", _pair.ConfigPath]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(File.ReadAllText(Path.Combine(_generated, "apache", "sites", "local.dale.example.conf")), Does.Contain($"<VirtualHost {PairAddresses.D}:80>"));
        Assert.That(PortsConf, Does.Contain($"NameVirtualHost {PairAddresses.V}:80"));
    }
}
