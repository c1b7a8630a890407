using Bridge.Cli.Requests;
using Bridge.Core;

namespace Bridge.Plugin.Tests;

/// <summary>The request service on its own: crash leftovers, junk in the spool, one server per spool. No database answers.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ServiceTests
{
    private const string Nowhere = "Host=127.0.0.1;Port=9;Username=bridge;Password=x;Database=plug_blech";
    private Installation _install = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _install = await Installation.CreateAsync();
        _install.WriteConfig(Nowhere, Nowhere.Replace("Port=9", "Port=7", StringComparison.Ordinal));
    }

    [TearDown]
    public void TearDown() => _install.Dispose();

    [Test]
    public async Task A_restarted_service_ignores_a_stale_running_file_and_answers_what_a_crashed_one_had_taken()
    {
        var spool = new Spool(_install.Spool);
        spool.WriteRunning(new ResyncRun { StartedBy = "k", RequestedAt = DateTime.UtcNow, StartedAt = DateTime.UtcNow, Admins = ["k"], Pid = int.MaxValue });
        var crashed = new string('a', 32);
        var waiting = new string('b', 32);
        await File.WriteAllTextAsync(Path.Combine(spool.Taken, $"{crashed}.k.req"), "");
        await File.WriteAllTextAsync(Path.Combine(spool.Requests, $"{waiting}.j.req"), "");
        await File.WriteAllTextAsync(Path.Combine(spool.Requests, "not-a-request"), "");
        Assert.That(spool.ReadRunning(DateTime.UtcNow), Is.Null, "a running file whose process does not beat is stale");

        using var log = new StringWriter();
        var code = await RequestCommands.ServeAsync(_install.ConfigPath, _install.Spool, once: true, TextWriter.Null, log, CancellationToken.None);
        TestContext.Out.WriteLine(log);

        Assert.That(code, Is.EqualTo(ExitCodes.Failure));
        var first = spool.ReadResult(crashed);
        var second = spool.ReadResult(waiting);
        Assert.That(first, Is.Not.Null, log.ToString());
        Assert.That(second, Is.Not.Null, log.ToString());
        Assert.That(first!.Joined, Is.Null);
        Assert.That(second!.Joined, Is.EqualTo(RequestResult.JoinedTogether));
        Assert.That(first.Run.Text, Is.EqualTo(second.Run.Text));
        Assert.That(first.Run.Text, Does.StartWith("Resync failed: cannot reach").And.EndWith("Nothing on the standby was changed."));
        Assert.That(first.Run.Admins, Is.EqualTo(new[] { "k", "j" }));
        Assert.That(File.Exists(spool.RunningFile), Is.False);
        Assert.That(spool.ReadLast()?.Text, Is.EqualTo(first.Run.Text));
        Assert.That(Directory.GetFileSystemEntries(spool.Taken), Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(spool.Requests), Is.Empty, "junk is deleted");
        Assert.That(File.GetUnixFileMode(spool.ResultPath(crashed)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead));
    }

    [Test]
    public async Task Only_one_service_serves_a_spool()
    {
        using var held = new FileStream(new Spool(_install.Spool).LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        using var log = new StringWriter();
        var code = await RequestCommands.ServeAsync(_install.ConfigPath, _install.Spool, once: true, TextWriter.Null, log, CancellationToken.None);
        Assert.That(code, Is.EqualTo(ExitCodes.Locked));
        Assert.That(log.ToString(), Does.Contain("another serve-requests already serves"));
    }

    [Test]
    public async Task With_nothing_pending_once_returns_at_once()
    {
        using var log = new StringWriter();
        var code = await RequestCommands.ServeAsync(_install.ConfigPath, _install.Spool, once: true, TextWriter.Null, log, CancellationToken.None);
        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        Assert.That(new Spool(_install.Spool).ReadAlive(DateTime.UtcNow).Alive, Is.True, "the service beat while it served");
    }
}
