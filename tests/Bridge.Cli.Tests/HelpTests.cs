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

    [Test]
    public void TheBuildOutputIsCalledBlechBridge() =>
        Assert.That(typeof(BridgeApp).Assembly.GetName().Name, Is.EqualTo("blech-bridge"));
}
