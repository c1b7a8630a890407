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

    [Test]
    public void TheBuildOutputIsCalledBlechBridge() =>
        Assert.That(typeof(BridgeApp).Assembly.GetName().Name, Is.EqualTo("blech-bridge"));
}
