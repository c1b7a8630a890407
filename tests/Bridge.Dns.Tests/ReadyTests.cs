using System.Diagnostics;
using System.Text.Json;
using Bridge.Cli;
using Bridge.Core;
using Bridge.Dns.Tests.Harness;
using Bridge.Emulator;

namespace Bridge.Dns.Tests;

/// <summary>
/// <c>blech-bridge ready</c> against what dale would really serve: Blech's regeneration (the emulator) into dale's tree, the real
/// apache2ctl reading it, a real named loading dale's zones.conf, and the generated mail maps. Each test breaks one thing.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReadyTests
{
    private const string ApacheCtl = "/usr/sbin/apache2ctl";
    private const string V = "192.0.2.100";
    private const string D = "192.0.2.2";
    private const string Origin = "acme.example.";
    private string _folder = null!;
    private string _daleRoot = null!;
    private string _docroots = null!;
    private string _config = null!;
    private BlechInstance _chip = null!;
    private BlechInstance _dale = null!;
    private NamedServer? _named;
    private int _port;

    private string _certificates = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUpAsync()
    {
        Assert.That(File.Exists(ApacheCtl), $"{ApacheCtl} is missing: install apache2 (scripts/install-deps.sh does)");

        // mod_ssl checks at parse time that the certificate and key exist.
        _certificates = Directory.CreateTempSubdirectory("bridge-ready-tls-").FullName;
        var openssl = Process.Start(new ProcessStartInfo("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=acme.example",
            "-keyout", Path.Combine(_certificates, "site.key"), "-out", Path.Combine(_certificates, "site.crt")]) { RedirectStandardError = true })!;
        var error = await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        Assert.That(openssl.ExitCode, Is.Zero, error);
    }

    [OneTimeTearDown]
    public void OneTimeTearDown() => Directory.Delete(_certificates, recursive: true);

    [SetUp]
    public async Task SetUpAsync()
    {
        _folder = Directory.CreateTempSubdirectory("bridge-ready-").FullName;
        _daleRoot = Path.Combine(_folder, "dale-generated");
        _docroots = Path.Combine(_folder, "www");
        _chip = await TestServers.PgChip.CreateAsync("chip", V, "ready_blech");
        _dale = await TestServers.PgDale.CreateAsync("dale", D, "ready_blech");
        _port = LocalPorts.Allocate();
        _config = WriteConfig();

        await _chip.AddClientAsync(new ClientSpec("acme"));
        await _chip.AddSiteAsync(new SiteSpec("acme", "www.acme.example", V, Docroot("www.acme.example"), Aliases: "acme.example shop.acme.example", HttpsPort: 443,
            SslCertPath: Path.Combine(_certificates, "site.crt"), SslKeyPath: Path.Combine(_certificates, "site.key")));
        await _chip.AddSiteAsync(new SiteSpec("acme", "blog.acme.example", V, Docroot("blog.acme.example"), Aliases: "news.acme.example"));
        await _chip.AddSiteAsync(new SiteSpec("acme", "old.acme.example", V, Docroot("old.acme.example")));
        await _chip.AddZoneAsync(new ZoneSpec("acme", Origin, PrimaryNs: "ns1.acme.example.", Hostmaster: "hostmaster.acme.example."));
        await _chip.AddRecordAsync(new RecordSpec(Origin, "@", "NS", "ns1"));
        await _chip.AddRecordAsync(new RecordSpec(Origin, "ns1", "A", V));
        await _chip.AddRecordAsync(new RecordSpec(Origin, "www", "A", V));
        await _chip.AddMailDomainAsync(new MailDomainSpec("acme", "acme.example"));
        await _chip.AddMailboxAsync(new MailboxSpec("acme.example", "info", "$6$rounds=5000$one$first"));
        await _chip.AddMailboxAsync(new MailboxSpec("acme.example", "sales", "$6$rounds=5000$two$second"));
        await _chip.AddAliasAsync(new AliasSpec("acme.example", "postmaster", "info@acme.example"));

        // Blech's push, Bridge, blechd, Bridge again (the Apache step), as the cron file and blechd would over a few minutes.
        await _chip.PushToAsync(_dale);
        await ExpectAsync("sync", ExitCodes.Success);
        await _dale.RegenerateAsync(_daleRoot);
        await ExpectAsync("sync", ExitCodes.Success);
        _named = await NamedServer.StartPrimaryAsync(Path.Combine(_daleRoot, "bind", "zones.conf"), _port, name: "dale");
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_named is not null)
        {
            await _named.DisposeAsync();
            _named = null;
        }

        if (Environment.GetEnvironmentVariable("BRIDGE_READY_KEEP") is null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Test]
    public async Task AStandbyThatServesEverythingIsReady()
    {
        var ready = await ExpectAsync("ready", ExitCodes.Success);
        Assert.That(ready.Stdout, Does.StartWith($"dale is ready to take over: 3 sites on {V}, 1 zone, 2 mailboxes"), ready.ToString());

        var json = await ExpectAsync("ready", ExitCodes.Success, "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.That(doc.RootElement.GetProperty("ready").GetBoolean(), Is.True);
        Assert.That(doc.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("state").GetString()), Is.All.EqualTo("passed"), json.Stdout);
    }

    [Test]
    public async Task AMissingVhostOnVIsNamed()
    {
        File.Delete(Path.Combine(_daleRoot, "apache", "sites", "blog.acme.example.conf"));
        var ready = await ExpectAsync("ready", ExitCodes.Failure);
        Assert.That(ready.Stdout, Does.StartWith("dale is NOT ready: 1 site has no vhost on V"), ready.ToString());
        Assert.That(ready.Stdout, Does.Contain($"site blog.acme.example: no vhost on {V}:80"));
    }

    [Test]
    public async Task AVhostThatClaimsASiteBeforeItsOwnIsNamed()
    {
        // What the failover drill's DRILL_BREAK=vhost does: a vhost of the same name, read before Blech's files, serves another root.
        var conf = Path.Combine(_folder, "etc-apache2", "apache2.conf");
        var text = File.ReadAllText(conf).Replace($"IncludeOptional {_daleRoot}/apache/sites", $"<VirtualHost {V}:80>\n    ServerName blog.acme.example\n    DocumentRoot \"/tmp\"\n</VirtualHost>\nIncludeOptional {_daleRoot}/apache/sites", StringComparison.Ordinal);
        File.WriteAllText(conf, text);
        var ready = await ExpectAsync("ready", ExitCodes.Failure, "--format", "json");
        Assert.That(Issues(ready), Is.EqualTo(new[] { ("vhost-shadowed", "blog.acme.example") }), ready.Stdout);
    }

    [Test]
    public async Task VhostsLeftOnDByBlechsPushAreNamedAndSoAreTheChangesPending()
    {
        await _chip.PushToAsync(_dale);
        await _dale.RegenerateAsync(_daleRoot);
        var ready = await ExpectAsync("ready", ExitCodes.Failure, "--format", "json");
        var issues = Issues(ready);
        Assert.That(issues, Does.Contain(("vhost-on-standby-address", "www.acme.example")).And.Contain(("no-vhost-on-v", "old.acme.example")), ready.Stdout);
        Assert.That(issues.Select(i => i.Issue), Does.Contain("changes-pending"));
    }

    [Test]
    public async Task AMissingDocumentRootIsNamed()
    {
        Directory.Delete(Docroot("old.acme.example"));
        var ready = await ExpectAsync("ready", ExitCodes.Failure);
        Assert.That(ready.Stdout, Does.Contain($"site old.acme.example: document root {Docroot("old.acme.example")} does not exist on this machine"), ready.ToString());
    }

    [Test]
    public async Task AZoneThatNamedHasNotLoadedAndOneWithAStaleSerialAreNamed()
    {
        await _chip.AddZoneAsync(new ZoneSpec("acme", "new.example.", PrimaryNs: "ns1.acme.example.", Hostmaster: "hostmaster.acme.example."));
        await _chip.AddRecordAsync(new RecordSpec("new.example.", "@", "NS", "ns1.acme.example."));
        await _chip.AddRecordAsync(new RecordSpec(Origin, "mail", "A", V));
        await ExpectAsync("sync", ExitCodes.Success);
        await _dale.RegenerateAsync(_daleRoot);

        // blechd wrote the files, but named was never told to reload.
        var ready = await ExpectAsync("ready", ExitCodes.Failure, "--format", "json");
        Assert.That(Issues(ready), Does.Contain(("zone-not-loaded", "new.example.")).And.Contain(("stale-serial", Origin)), ready.Stdout);

        await _named!.ReloadAsync();
        await WaitUntilReadyAsync();
    }

    [Test]
    public async Task AMailboxMissingFromTheMapsIsNamedWithoutItsHash()
    {
        await _chip.AddMailboxAsync(new MailboxSpec("acme.example", "new", "$6$rounds=5000$three$secret-hash"));
        await _chip.UpdateMailboxAsync("acme.example", "sales", m => m with { PasswordHash = "$6$rounds=5000$two$changed-hash" });
        await ExpectAsync("sync", ExitCodes.Success);

        // Synced, but blechd has not run yet: the maps still hold the old hash and lack the new mailbox.
        var ready = await ExpectAsync("ready", ExitCodes.Failure);
        Assert.That(ready.Stdout, Does.Contain("mailbox new@acme.example: not in the generated mail/passwd"), ready.ToString());
        Assert.That(ready.Stdout, Does.Contain("mailbox sales@acme.example: its password hash in mail/passwd differs"));
        Assert.That(ready.Stdout + ready.Stderr, Does.Not.Contain("secret-hash").And.Not.Contain("changed-hash").And.Not.Contain("$6$"));

        await _dale.RegenerateAsync(_daleRoot);
        await ExpectAsync("ready", ExitCodes.Success);
    }

    [Test]
    public async Task ANamedThatDoesNotAnswerIsACheckThatCouldNotRunNeverAPass()
    {
        await _named!.StopAsync();
        var ready = await ExpectAsync("ready", ExitCodes.Failure);
        Assert.That(ready.Stdout, Does.StartWith("dale is NOT ready:").And.Contain("check dns: could not run"), ready.ToString());
    }

    [Test]
    public async Task AnUnreachableActiveDatabaseGivesNoVerdictAndExit1WithoutThePassword()
    {
        WriteConfig(System.Text.RegularExpressions.Regex.Replace(TestServers.PgChip.ConnectionStringFor("ready_blech"), "Port=[0-9]+", "Port=9"));
        var ready = await ExpectAsync("ready", ExitCodes.Failure);
        Assert.That(ready.Stderr, Does.Contain("cannot read the active machine's database"), ready.ToString());
        Assert.That(ready.Stderr, Does.Not.Contain(Environment.GetEnvironmentVariable("BRIDGE_TEST_PASSWORD") ?? "never-empty-password"));
    }

    private string Docroot(string site)
    {
        var path = Path.Combine(_docroots, site);
        Directory.CreateDirectory(path);
        return path;
    }

    private static List<(string Issue, string Key)> Issues(CliResult result)
    {
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("issue").GetString()!, p.GetProperty("key").GetString()!))
            .ToList();
    }

    private async Task WaitUntilReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        CliResult last;
        do
        {
            last = await RunAsync("ready");
            if (last.ExitCode == ExitCodes.Success)
            {
                return;
            }

            await Task.Delay(200);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(15));
        Assert.Fail($"not ready 15 s after named's reload\n{last}");
    }

    private async Task<CliResult> ExpectAsync(string command, int exitCode, params string[] more)
    {
        var result = await RunAsync(command, more);
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), $"blech-bridge {command}\n{result}");
        return result;
    }

    private async Task<CliResult> RunAsync(string command, params string[] more)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await BridgeApp.RunAsync([command, "--config", _config, .. more], stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    private string WriteConfig(string? peerConnectionString = null)
    {
        var confDir = Directory.CreateDirectory(Path.Combine(_folder, "etc-apache2")).FullName;
        var run = Directory.CreateDirectory(Path.Combine(_folder, "run")).FullName;
        File.WriteAllText(Path.Combine(confDir, "apache2.conf"), $"""
            ServerRoot "{confDir}"
            PidFile "{run}/apache2.pid"
            ErrorLog "{run}/error.log"
            DefaultRuntimeDir "{run}"
            LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
            LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
            LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
            ServerName localhost
            IncludeOptional {_daleRoot}/apache/ports.conf
            IncludeOptional {_daleRoot}/apache/sites/*.conf

            """);
        var config = new Dictionary<string, object?>
        {
            ["serviceAddress"] = V,
            ["local"] = new Dictionary<string, object?> { ["engine"] = "postgres", ["connectionString"] = TestServers.PgDale.ConnectionStringFor("ready_blech"), ["address"] = D },
            ["peer"] = new Dictionary<string, object?> { ["engine"] = "postgres", ["connectionString"] = peerConnectionString ?? TestServers.PgChip.ConnectionStringFor("ready_blech"), ["address"] = "192.0.2.1" },
            ["lockFile"] = Path.Combine(_folder, "dale.lock"),
            ["retry"] = new Dictionary<string, object?> { ["maxAttempts"] = 1, ["baseDelaySeconds"] = 0.1, ["totalTimeoutSeconds"] = 30 },
            ["apache"] = new Dictionary<string, object?>
            {
                ["root"] = _daleRoot,
                ["backupRoot"] = Path.Combine(_folder, "backups"),
                ["testCommand"] = new[] { ApacheCtl, "-t" },
                ["dumpCommand"] = new[] { ApacheCtl, "-S" },
                ["reloadCommand"] = new[] { "/bin/true" },
                ["environment"] = new Dictionary<string, string> { ["APACHE_CONFDIR"] = confDir },
            },
            ["ready"] = new Dictionary<string, object?>
            {
                ["configRoot"] = _daleRoot,
                ["dnsQueryCommand"] = new[] { "dig", "@127.0.0.1", "-p", _port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        };
        var path = Path.Combine(_folder, "bridge.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    private sealed record CliResult(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }
}
