namespace Bridge.Cli.Tests;

/// <summary>What the command calls itself: blech-bridge in its usage line and its error messages, the one version.</summary>
public sealed class HelpTests
{
    [Test]
    public async Task TheUsageLineAndErrorsNameBlechBridge()
    {
        var stdout = new StringWriter();
        Assert.That(await BridgeApp.RunAsync(["--help"], stdout, TextWriter.Null), Is.Zero);
        Assert.That(stdout.ToString(), Does.Contain("blech-bridge [command] [options]"));

        var stderr = new StringWriter();
        Assert.That(await BridgeApp.RunAsync(["sink"], TextWriter.Null, stderr), Is.EqualTo(Bridge.Core.ExitCodes.Usage));
        Assert.That(stderr.ToString(), Does.StartWith("blech-bridge: ").And.Contain("Run 'blech-bridge --help' for usage."));
    }

    [TestCase("0")]
    [TestCase("0.5")]
    [TestCase("86401")]
    [TestCase("-3")]
    public async Task FollowRefusesAnIntervalOutsideOneSecondToOneDayBeforeDoingAnything(string interval)
    {
        var stderr = new StringWriter();
        var code = await BridgeApp.RunAsync(["follow", "--config", "/nonexistent/bridge.json", "--interval", interval], TextWriter.Null, stderr);
        Assert.That(code, Is.EqualTo(Bridge.Core.ExitCodes.Usage), stderr.ToString());
        Assert.That(stderr.ToString(), Does.Contain("--interval must be between 1 and 86400 seconds"));
    }

    // Nothing listens on ports 1 and 2: without the signal the sync fails on its own, and says why, but not that a signal stopped it.
    [TestCase(true)]
    [TestCase(false)]
    public async Task ACommandStoppedByASignalSaysSo(bool signalled)
    {
        var dir = Directory.CreateTempSubdirectory("bridge-signal-");
        try
        {
            var config = Path.Combine(dir.FullName, "bridge.json");
            await File.WriteAllTextAsync(config, $$"""
                { "serviceAddress": "192.0.2.100",
                  "local": { "engine": "postgres", "connectionString": "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=blech" },
                  "peer":  { "engine": "postgres", "connectionString": "Host=127.0.0.1;Port=2;Username=u;Password=p;Database=blech" },
                  "lockFile": "{{Path.Combine(dir.FullName, "bridge.lock")}}", "apache": { "enabled": false },
                  "retry": { "maxAttempts": 0 } }
                """);
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var signal = new CancellationTokenSource();
            if (signalled)
            {
                await signal.CancelAsync();
            }

            var stderr = new StringWriter();
            var code = await BridgeApp.RunAsync(["sync", "--config", config], TextWriter.Null, stderr, signal.Token);

            Assert.That(code, Is.EqualTo(Bridge.Core.ExitCodes.Failure), stderr.ToString());
            if (signalled)
            {
                Assert.That(stderr.ToString(), Does.Contain("blech-bridge: stopped by a signal (SIGTERM or Ctrl+C) before it finished"));
            }
            else
            {
                Assert.That(stderr.ToString(), Does.Not.Contain("stopped by a signal").And.Contain("Connection refused"));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void TheBuildOutputIsCalledBlechBridge() =>
        Assert.That(typeof(BridgeApp).Assembly.GetName().Name, Is.EqualTo("blech-bridge"));
}
