using System.Text.Json;
using System.Text.RegularExpressions;
using Bridge.Cli;
using Bridge.Cli.Requests;
using Bridge.Runtime.Requests;
using Bridge.Emulator;

namespace Bridge.Plugin.Tests;

/// <summary>
/// K's button end to end: the hook as Blech runs it (user nobody, Blech's environment only), the request service in this
/// process as root, chip and dale as real PostgreSQL Blech databases.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class ResyncButtonTests
{
    private BlechInstance _chip = null!;
    private BlechInstance _dale = null!;
    private Installation? _install;

    [SetUp]
    public async Task SetUpAsync()
    {
        (_chip, _dale) = await PluginPair.CreateAsync();
    }

    [TearDown]
    public void TearDown() => _install?.Dispose();

    private async Task<Installation> InstallAsync(int wait = 280, string? peerConnectionString = null)
    {
        _install = await Installation.CreateAsync(wait);
        _install.WriteConfig(peerConnectionString ?? TestServers.PgChip.ConnectionStringFor(PluginPair.Database), TestServers.PgDale.ConnectionStringFor(PluginPair.Database));
        return _install;
    }

    private Task<long> ResyncRunsAsync() => _dale.ScalarAsync<long>("SELECT COUNT(*) FROM bridge.run WHERE command = 'resync'");

    [Test]
    public async Task AClickSaysInPlainWordsWhatWasDone()
    {
        var install = await InstallAsync();
        var expected = await PendingChangesAsync(install.ConfigPath);
        Assert.That(expected, Has.Some.Contains("sites updated"), "the push left dale's sites on D: the resync must move them");

        HookResult r;
        await using (new Service(install))
        {
            r = await Hook.RunAsync(install.ResyncHook, "k");
        }

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var first = r.Stdout.Split('\n')[0];
        Assert.That(first, Does.Match(@"^Resync finished in ([0-9]+ s|less than a second): .+\. dale is in sync with chip\.$"), r.ToString());
        foreach (var phrase in expected)
        {
            Assert.That(first, Does.Contain(phrase), r.ToString());
        }

        Assert.That(r.Stdout, Does.Not.Contain("{").And.Not.Contain("Exception").And.Not.Contain("joined"));
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.LessThanOrEqualTo(4));
        Assert.That(r.Stdout.TrimEnd('\n').Split('\n')[^1], Does.StartWith("dale is ready to take over: "), "the answer ends with readiness\n" + r);
        Assert.That(await ResyncRunsAsync(), Is.EqualTo(1));
        Assert.That(await _dale.ScalarAsync<string>("SELECT requested_by FROM bridge.run WHERE command = 'resync'"), Is.EqualTo("k"));
    }

    [Test]
    public async Task TwoClicksAtTheSameMomentRunOneResync()
    {
        var install = await InstallAsync();

        // The service is alive (it beats) but has not looked at the spool yet: however slowly the two hooks start, their
        // requests wait there together rather than being withdrawn as unserved.
        new Spool(install.Spool).Beat(Environment.ProcessId);
        var k = Hook.RunAsync(install.ResyncHook, "k");
        var j = Hook.RunAsync(install.ResyncHook, "j.admin");

        // Both requests wait in the spool before the service looks: they are taken together.
        await Eventually.ThatAsync(() => install.PendingRequests.Length == 2, "both clicks' requests in the spool");
        HookResult[] both;
        await using (new Service(install))
        {
            both = await Task.WhenAll(k, j);
        }

        foreach (var r in both)
        {
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Assert.That(r.Stdout, Does.Contain("Resync finished in").And.Contain("dale is in sync with chip."), r.ToString());
        }

        Assert.That(both.Count(r => r.Stdout.Contains("your click joined it", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", both.Select(b => b.ToString())));
        Assert.That(await ResyncRunsAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task ASecondClickWhileAResyncRunsJoinsIt()
    {
        var install = await InstallAsync();
        var taken = Path.Combine(install.Spool, "taken");
        Task<HookResult> first, second;
        await using (new Service(install))
        {
            // Another Bridge run holds the lock, so the first click's resync waits, visibly running.
            using (install.HoldRunLock())
            {
                first = Hook.RunAsync(install.ResyncHook, "k");
                await Eventually.ThatAsync(() => File.Exists(Path.Combine(install.Spool, "running")), "the first click's resync running");
                second = Hook.RunAsync(install.ResyncHook, "k");
                await Eventually.ThatAsync(() => Directory.GetFiles(taken).Length == 2, "the second click taken into the running resync");
            }

            await Task.WhenAll(first, second);
        }

        var (a, b) = (await first, await second);
        Assert.That(a.ExitCode, Is.Zero, a.ToString());
        Assert.That(b.ExitCode, Is.Zero, b.ToString());
        Assert.That(a.Stdout, Does.StartWith("Resync finished in"), a.ToString());
        Assert.That(b.Stdout, Does.Match("^Your earlier click at [0-9]{2}:[0-9]{2} had already started a resync; this click joined it\\.\nResync finished in"), b.ToString());
        Assert.That(await ResyncRunsAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task AClickMadeAfterTheRunningResyncReadChipIsAnsweredByANewResyncThatHasTheEdit()
    {
        var install = await InstallAsync();
        var taken = Path.Combine(install.Spool, "taken");
        const string domain = "site000.example";
        Task<HookResult> first, second;
        await using (new Service(install))
        {
            // A transaction on dale holds Blech's client table: the first resync reads chip, then waits to read dale.
            await using (var blocker = new Npgsql.NpgsqlConnection(TestServers.PgDale.ConnectionStringFor(PluginPair.Database)))
            {
                await blocker.OpenAsync();
                await using var tx = await blocker.BeginTransactionAsync();
                await using (var lockTable = new Npgsql.NpgsqlCommand("LOCK TABLE client IN ACCESS EXCLUSIVE MODE", blocker, tx))
                {
                    await lockTable.ExecuteNonQueryAsync();
                }

                first = Hook.RunAsync(install.ResyncHook, "k");
                await Eventually.ThatAsync(
                    async () => await _dale.ScalarAsync<long>("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0,
                    "the first resync, past its read of chip, waiting for dale");

                // K edits a site on chip and clicks: the running resync read chip before the edit.
                await _chip.UpdateSiteAsync(domain, s => s with { DocumentRoot = "/srv/www/edited-during-the-resync" });
                second = Hook.RunAsync(install.ResyncHook, "j");
                await Eventually.ThatAsync(() => Directory.GetFiles(taken).Length == 2, "the second click taken while the first resync runs");
                await tx.RollbackAsync();
            }

            await first;
            var b = await second;
            var onDale = await _dale.GetSiteAsync(domain);
            Assert.That(onDale?.DocumentRoot, Is.EqualTo("/srv/www/edited-during-the-resync"), "when the second click is answered, its resync has the edit\n" + b);
        }

        var (ra, rb) = (await first, await second);
        Assert.That(ra.ExitCode, Is.Zero, ra.ToString());
        Assert.That(rb.ExitCode, Is.Zero, rb.ToString());
        Assert.That(rb.Stdout, Does.StartWith("Resync finished in").And.Contain("1 site updated").And.Contain("dale is in sync with chip."), rb.ToString());
        Assert.That(rb.Stdout, Does.Not.Contain("joined"), rb.ToString());
        Assert.That(await ResyncRunsAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task ADeadSourceDatabaseGivesTheNothingWasChangedText()
    {
        var chip = TestServers.PgChip.ConnectionStringFor(PluginPair.Database);
        var install = await InstallAsync(peerConnectionString: Port().Replace(chip, "Port=9"));
        var before = await _dale.DumpAsync();

        HookResult r;
        await using (new Service(install))
        {
            r = await Hook.RunAsync(install.ResyncHook, "k");
        }

        Assert.That(r.ExitCode, Is.Not.Zero, r.ToString());
        Assert.That(r.Stdout, Does.StartWith("Resync failed: cannot reach").And.Contain("(connection refused)").And.Contain("Nothing on dale was changed."), r.ToString());
        Assert.That(r.Stdout, Does.Not.Contain("Password").And.Not.Contain("Host=").And.Not.Contain("127.0.0.1"));
        Assert.That(await _dale.DumpAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task AClickThatWaitsLessThanTheResyncSaysItContinuesAndShowLastResyncGivesTheResult()
    {
        var install = await InstallAsync(wait: 1);
        var last = Path.Combine(install.Spool, "last");
        HookResult click;
        await using (new Service(install))
        {
            using (install.HoldRunLock())
            {
                click = await Hook.RunAsync(install.ResyncHook, "k");
                await Eventually.ThatAsync(() => File.Exists(Path.Combine(install.Spool, "running")), "the resync running");
                var meanwhile = await Hook.RunAsync(install.LastHook, "k", "button.last");
                Assert.That(meanwhile.Stdout, Does.Match("^A resync asked by k at [0-9:]{5} is running now"), meanwhile.ToString());
            }

            await Eventually.ThatAsync(() => File.Exists(last), "the resync to end");
        }

        Assert.That(click.ExitCode, Is.Zero, click.ToString());
        Assert.That(click.Stdout, Does.Contain("continues in the background").And.Contain("\"Show last resync\""), click.ToString());

        var shown = await Hook.RunAsync(install.LastHook, "k", "button.last");
        Assert.That(shown.ExitCode, Is.Zero, shown.ToString());
        Assert.That(shown.Stdout, Does.Match("^Last resync: asked by k on [0-9]+ [A-Z][a-z]{2} [0-9]{4} at [0-9:]{5}, ended at [0-9:]{5}\\.\nResync finished in "), shown.ToString());
        Assert.That(shown.Stdout, Does.Contain("dale is in sync with chip."));
        Assert.That(await ResyncRunsAsync(), Is.EqualTo(1));
    }

    // What `bridge diff` says a resync will change, in the words K should read: "4 sites updated", "4 zones added", ...
    private static async Task<List<string>> PendingChangesAsync(string configPath)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.That(await BridgeApp.RunAsync(["diff", "--config", configPath, "--format", "json"], stdout, stderr), Is.Zero, stderr.ToString());
        var summary = JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("summary");
        var words = new Dictionary<string, (string One, string Many)>
        {
            ["client"] = ("customer account", "customer accounts"), ["site"] = ("site", "sites"), ["zone"] = ("zone", "zones"),
            ["record"] = ("DNS record", "DNS records"), ["mail_domain"] = ("mail domain", "mail domains"),
            ["mailbox"] = ("mailbox", "mailboxes"), ["alias"] = ("mail alias", "mail aliases"),
        };
        var actions = new Dictionary<string, string> { ["insert"] = "added", ["update"] = "updated", ["delete"] = "removed" };
        var phrases = new List<string>();
        foreach (var (kind, (one, many)) in words)
        {
            foreach (var (action, word) in actions)
            {
                var n = summary.GetProperty(kind).GetProperty(action).GetInt32();
                if (n > 0)
                {
                    phrases.Add($"{n} {(n == 1 ? one : many)} {word}");
                }
            }
        }

        return phrases;
    }

    [GeneratedRegex("Port=[0-9]+")]
    private static partial Regex Port();
}
