using Bridge.Core;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>Configuration errors (exit 2, a message naming the key) and environment overrides.</summary>
[TestFixture]
public sealed class ConfigTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("bridge-config-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "bridge.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string Good = """
        "local": { "engine": "postgres", "connectionString": "Host=127.0.0.1;Port=1;Username=u;Password=sekrit-local;Database=blech" },
        "peer":  { "engine": "mysql", "connectionString": "Server=127.0.0.1;Port=1;User ID=u;Password=sekrit-peer;Database=blech" }
        """;

    [TestCase("{ " + Good + " }", "serviceAddress is missing")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.300\", " + Good + " }", "serviceAddress '192.0.2.300' is not an IP address")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\" }", "section 'peer' is missing")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", \"peer\": { \"engine\": \"oracle\", \"connectionString\": \"x=y\" }, \"local\": { \"engine\": \"postgres\", \"connectionString\": \"Host=h\" } }", "peer.engine 'oracle' is not an engine Bridge knows")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", \"peer\": { \"engine\": \"mysql\" }, \"local\": { \"engine\": \"postgres\", \"connectionString\": \"Host=h\" } }", "peer.connectionString is missing")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"addressMap\": [ { \"from\": \"192.0.2.1\", \"to\": \"nowhere\" } ] }", "addressMap[0].to 'nowhere' is not an IP address")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"guard\": { \"maxDeleteShare\": 2 } }", "guard.maxDeleteShare 2 must be between 0 and 1")]
    [TestCase("{ \"serviceAddress\": ", "is not valid JSON")]
    public async Task ABadConfigurationExits2NamingTheKey(string json, string message)
    {
        var result = await CliResult.RunAsync(["sync", "--config", Write(json)]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.Stderr, Does.Contain(message));
        Assert.That(result.Stderr + result.Stdout, Does.Not.Contain("sekrit"));
    }

    [Test]
    public async Task AMissingConfigFileExits2()
    {
        var result = await CliResult.RunAsync(["diff", "--config", Path.Combine(_folder, "absent.json")]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Stderr, Does.Contain("absent.json' does not exist"));
    }

    [Test]
    public async Task AValueStartingWithAnAtSignIsAValueNotAResponseFile()
    {
        var result = await CliResult.RunAsync(["diff", "--config", "@nowhere.json"]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Stderr, Does.Contain("config file '@nowhere.json' does not exist"));
    }

    [TestCase("sync", "--bogus")]
    [TestCase("sync")]
    [TestCase("frobnicate")]
    [TestCase("diff", "--config", "x.json", "--format", "yaml")]
    public async Task BadUsageExits2(params string[] args)
    {
        var result = await CliResult.RunAsync(args);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("bridge: "));
    }

    [Test]
    public async Task TheEnvironmentOverridesThePeerConnectionString()
    {
        var chipServer = TestServers.PgChip;
        var daleServer = TestServers.PgDale;
        var chip = await chipServer.CreateAsync("chip", PairAddresses.V);
        await daleServer.CreateAsync("dale", PairAddresses.D);
        await SampleData.FillAsync(chip, clients: 1, sitesPerClient: 2);
        var path = Write($$"""
            { "serviceAddress": "{{PairAddresses.V}}",
              "peer":  { "engine": "postgres", "connectionString": "Host=127.0.0.1;Port=1;Username=nobody;Password=wrong;Database=blech" },
              "local": { "engine": "postgres", "connectionString": "{{daleServer.ConnectionStringFor("blech")}}" },
              "retry": { "maxAttempts": 0 } }
            """);

        var without = await CliResult.RunAsync(["diff", "--config", path]);
        Assert.That(without.ExitCode, Is.EqualTo(ExitCodes.Failure), "the file's own peer is unreachable");

        Environment.SetEnvironmentVariable("BRIDGE__PEER__CONNECTIONSTRING", chipServer.ConnectionStringFor("blech"));
        try
        {
            var with = await CliResult.RunAsync(["diff", "--config", path, "--format", "json"]);
            Assert.That(with.ExitCode, Is.EqualTo(ExitCodes.Success), with.ToString());
            Assert.That(with.Count("site", "insert"), Is.EqualTo(2));
        }
        finally
        {
            Environment.SetEnvironmentVariable("BRIDGE__PEER__CONNECTIONSTRING", null);
        }
    }
}
