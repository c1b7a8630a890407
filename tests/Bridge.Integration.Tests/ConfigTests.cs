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
    [TestCase("{ \"serviceAdress\": \"192.0.2.100\", " + Good + " }", "unknown key 'serviceAdress'; did you mean 'serviceAddress'?")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"gaurd\": {} }", "unknown key 'gaurd'; did you mean 'guard'?")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"guard\": { \"maxDeletShare\": 0.2 } }", "unknown key 'maxDeletShare' in guard; did you mean 'maxDeleteShare'?")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"apache\": { \"enabeld\": false } }", "unknown key 'enabeld' in apache; did you mean 'enabled'?")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"retries\": 3 }", "unknown key 'retries'; did you mean 'retry'?")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"addressMap\": { \"192.0.2.10\": \"192.0.2.100\" } }", "addressMap must be an array (a list), not an object")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"lockFile\": 42 }", "lockFile must be a string, not a number")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"lockFile\": \"\" }", "lockFile is empty")]
    [TestCase("{ \"serviceAddress\": null, " + Good + " }", "serviceAddress must be a string, not null")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"retry\": { \"totalTimeoutSeconds\": 1e300 } }", "retry.totalTimeoutSeconds 1e300 must be more than 0 and at most 86400")]
    [TestCase("{ \"serviceAddress\": \"192.0.2.100\", " + Good + ", \"addressMap\": [ { \"from\": \"192.0.2.9\", \"to\": \"192.0.2.100\" }, { \"from\": \"192.0.2.9\", \"to\": \"192.0.2.101\" } ] }", "addressMap has 192.0.2.9 as 'from' more than once")]
    public async Task ABadConfigurationExits2NamingTheKey(string json, string message)
    {
        var result = await CliResult.RunAsync(["sync", "--config", Write(json)]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.Stderr, Does.Contain(message));
        Assert.That(result.Stderr + result.Stdout, Does.Not.Contain("sekrit"));
    }

    [Test]
    public async Task ATypoInAConfigurationThatReachesBothDatabasesStopsTheSyncBeforeItWritesAnything()
    {
        // sync checks the schema while it takes its lock and first connection: the typo must still win before any write.
        var pair = await Pair.CreateAsync(() => TestServers.PgChip, () => TestServers.PgDale);
        try
        {
            await SampleData.FillAsync(pair.Chip, clients: 2, sitesPerClient: 2);
            pair.WriteConfig(c => c["gaurd"] = new Dictionary<string, object?> { ["maxDeleteShare"] = 0.5 });
            var before = await pair.Dale.DumpAsync();

            var result = await pair.BridgeAsync("sync");

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
            Assert.That(result.Stderr, Does.Contain("unknown key 'gaurd'; did you mean 'guard'?"));
            Assert.That(await pair.Dale.DumpAsync(), Is.EqualTo(before), "nothing copied");
            await using var connection = new Npgsql.NpgsqlConnection(pair.DaleServer.ConnectionStringFor("blech"));
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'bridge'", connection);
            Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(0L), "no state created, no run recorded");
        }
        finally
        {
            Directory.Delete(pair.Folder, recursive: true);
        }
    }

    [Test]
    public async Task EveryProblemIsListedAtOnceWithItsLineAndColumnAndNothingIsAttempted()
    {
        var path = Write("""
            {
              "serviceAdress": "192.0.2.100",
              "local": { "engine": "postgres", "connectionString": "Host=127.0.0.1;Port=1;Password=sekrit;Database=blech", "adress": "192.0.2.2" },
              "peer": { "engine": "oracle", "connectionString": "Host=127.0.0.1;Port=2;Database=blech" },
              "lockFile": 42
            }
            """);
        var result = await CliResult.RunAsync(["sync", "--config", path]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.Stderr, Does.Contain("has 5 problems:"));
        Assert.That(result.Stderr, Does.Contain("unknown key 'serviceAdress'; did you mean 'serviceAddress'? (line 2, column 3)"));
        Assert.That(result.Stderr, Does.Contain("unknown key 'adress' in local; did you mean 'address'? (line 3,"));
        Assert.That(result.Stderr, Does.Contain("serviceAddress is missing"));
        Assert.That(result.Stderr, Does.Contain("peer.engine 'oracle'"));
        Assert.That(result.Stderr, Does.Contain("lockFile must be a string, not a number (line 5, column 3)"));
        Assert.That(result.Stderr, Does.Not.Contain("Port=1").And.Not.Contain("information:"), "nothing was attempted, no database named");
    }

    [Test]
    public async Task ASyntaxErrorNamesItsLineAndColumn()
    {
        var result = await CliResult.RunAsync(["check", "--config", Write("{\n  \"serviceAddress\": \"192.0.2.100\",\n  \"local\": { \"engine\": \"postgres\" ,\n}\n")]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.Stderr, Does.Match(@"is not valid JSON: .* \(line 4, column 1\)"));
    }

    [Test]
    public async Task LocalAndPeerOnOneDatabaseIsRefusedBeforeAnythingIsWrittenThere()
    {
        var cs = TestServers.PgDale.ConnectionStringFor("blech_same");
        var path = Write($$"""
            { "serviceAddress": "192.0.2.100",
              "local": { "engine": "postgres", "connectionString": "{{cs}}" },
              "peer": { "engine": "postgres", "connectionString": "{{cs.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)}}" } }
            """);
        var result = await CliResult.RunAsync(["sync", "--config", path]);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.Stderr, Does.Contain("local and peer name the same database"));
    }

    [Test]
    public async Task AConfigurationWithPasswordsThatOthersCanReadGetsAWarning()
    {
        var path = Write("{ \"serviceAddress\": \"192.0.2.100\", " + Good + " }");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var open = await CliResult.RunAsync(["sync", "--config", path]);
        Assert.That(open.Stderr, Does.Contain("holds passwords and other users can read it"), open.ToString());
        Assert.That(open.Stderr, Does.Not.Contain("sekrit"));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var closed = await CliResult.RunAsync(["sync", "--config", path]);
        Assert.That(closed.Stderr, Does.Not.Contain("other users can read it"), closed.ToString());
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
        Assert.That(result.Stderr, Does.StartWith("blech-bridge: "));
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
