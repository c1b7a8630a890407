using System.Diagnostics;

namespace Bridge.Plugin.Tests;

/// <summary>The hooks as Blech runs them (user nobody, Blech's environment only), with no database behind them.</summary>
[TestFixture]
[NonParallelizable]
public sealed class HookTests
{
    private const string Pwned = "/tmp/pwned";
    private Installation _install = null!;

    [OneTimeSetUp]
    public async Task InstallAsync()
    {
        _install = await Installation.CreateAsync(wait: 1);
        _install.WriteConfig("Host=127.0.0.1;Port=9;Username=bridge;Password=not-for-blech;Database=plug_blech", "Host=127.0.0.1;Port=7;Username=bridge;Password=not-for-blech;Database=plug_blech");
    }

    [OneTimeTearDown]
    public void Remove() => _install.Dispose();

    [TestCase("k;touch /tmp/pwned")]
    [TestCase("$(touch /tmp/pwned)")]
    [TestCase("`touch /tmp/pwned`")]
    [TestCase("$(id)")]
    [TestCase("`id`")]
    [TestCase("a b")]
    [TestCase("k'")]
    [TestCase("k\"")]
    [TestCase("k\ntouch /tmp/pwned")]
    [TestCase("k|touch /tmp/pwned")]
    [TestCase("k=1")]
    [TestCase("")]
    [TestCase(null)]
    public async Task An_admin_login_outside_Blechs_alphabet_is_refused_in_plain_words(string? admin)
    {
        File.Delete(Pwned);
        var r = await Hook.RunAsync(_install.ResyncHook, admin);
        Assert.That(r.ExitCode, Is.Not.Zero, r.ToString());
        Assert.That(r.Stdout, Does.StartWith("Resync not started: the admin login that Blech passed").And.Contain("refused").And.Contain("Nothing was changed"), r.ToString());
        Assert.That(_install.PendingRequests, Is.Empty);
        Assert.That(File.Exists(Pwned), Is.False);
    }

    [TestCase("k;touch /tmp/pwned")]
    [TestCase("$(id)")]
    [TestCase("a b")]
    [TestCase("k'")]
    [TestCase("")]
    [TestCase("12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Bridge_itself_refuses_such_a_login_too(string admin)
    {
        // Past the hook's own check: bridge resync-request run directly by Blech's user.
        File.Delete(Pwned);
        var r = await RunAsNobodyAsync(BridgeCopy.Wrapper, "resync-request", "--spool", _install.Spool, "--admin", admin, "--wait", "1");
        Assert.That(r.ExitCode, Is.Not.Zero, r.ToString());
        Assert.That(r.Stdout, Does.StartWith("Resync not started: the admin login that Blech passed").And.Contain("Nothing was changed"), r.ToString());
        Assert.That(_install.PendingRequests, Is.Empty);
        Assert.That(File.Exists(Pwned), Is.False);
    }

    // All in Blech's alphabet, yet an option or a response file to a command line parser: they must arrive as the login.
    [TestCase("k.admin@example-1")]
    [TestCase("--help")]
    [TestCase("-k")]
    [TestCase("@k")]
    public async Task With_no_service_running_a_click_says_so_and_leaves_no_request_behind(string admin)
    {
        var r = await Hook.RunAsync(_install.ResyncHook, admin);
        Assert.That(r.ExitCode, Is.Not.Zero, r.ToString());
        Assert.That(r.Stdout, Does.StartWith("Resync not started: the Bridge service on this machine is not running").And.Contain("Nothing was changed"), r.ToString());
        Assert.That(_install.PendingRequests, Is.Empty);
    }

    [Test]
    public async Task Show_last_resync_before_any_resync_says_there_was_none()
    {
        var r = await Hook.RunAsync(_install.LastHook, "k", "button.last");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Stdout, Is.EqualTo("No resync has been asked for from Blech on this machine yet.\n"));
    }

    [Test]
    public async Task Blechs_user_can_drop_a_request_but_neither_list_requests_nor_read_the_configuration_nor_sync()
    {
        var ls = await RunAsNobodyAsync("/bin/ls", Path.Combine(_install.Spool, "requests"));
        Assert.That(ls.ExitCode, Is.Not.Zero, "requests/ must not be listable by Blech's user");
        var taken = await RunAsNobodyAsync("/bin/ls", Path.Combine(_install.Spool, "taken"));
        Assert.That(taken.ExitCode, Is.Not.Zero, "taken/ is root's");
        var cat = await RunAsNobodyAsync("/bin/cat", _install.ConfigPath);
        Assert.That(cat.ExitCode, Is.Not.Zero);
        Assert.That(cat.Stdout, Does.Not.Contain("not-for-blech"));
        var sync = await RunAsNobodyAsync(BridgeCopy.Wrapper, "resync", "--config", _install.ConfigPath);
        Assert.That(sync.ExitCode, Is.Not.Zero, sync.ToString());
        Assert.That(sync.Stdout + sync.Stderr, Does.Not.Contain("not-for-blech"));

        var lockFile = await RunAsNobodyAsync("/usr/bin/touch", Path.Combine(_install.Spool, "serve.lock"));
        Assert.That(lockFile.ExitCode, Is.Not.Zero, "only root may lock the spool");
        var running = await RunAsNobodyAsync("/usr/bin/touch", Path.Combine(_install.Spool, "running"));
        Assert.That(running.ExitCode, Is.Not.Zero, "only the service writes running");
    }

    private static async Task<HookResult> RunAsNobodyAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-u", "nobody", "--", "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", program }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new HookResult(p.ExitCode, await stdout, await stderr);
    }
}
