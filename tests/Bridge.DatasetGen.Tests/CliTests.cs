using Bridge.DatasetGen;
using Bridge.Emulator;

namespace Bridge.DatasetGen.Tests;

public sealed class CliTests
{
    [Test]
    public void CreateTakesTheDocumentedDefaults()
    {
        var o = Cli.ParseCreate(["--engine", "mysql", "--admin", "Server=x", "--size", "large"]);
        Assert.That(o, Is.EqualTo(new CreateOptions(BlechEngine.MariaDb, "Server=x", DatasetSize.Large)
        {
            Database = "blech", StateDatabase = "bridge", Hostname = "chip", MainIp = "192.0.2.100", SiteIp = "192.0.2.100", Seed = 1,
        }));
    }

    [Test]
    public void CreateTakesEveryOption()
    {
        var o = Cli.ParseCreate([
            "--engine=postgres", "--admin", "Host=x", "--size", "small", "--database", "b2", "--state-database", "s2", "--hostname", "dale",
            "--main-ip", "198.51.100.20", "--site-ip", "2001:db8::1", "--seed", "-5",
        ]);
        Assert.That(o, Is.EqualTo(new CreateOptions(BlechEngine.Postgres, "Host=x", DatasetSize.Small)
        {
            Database = "b2", StateDatabase = "s2", Hostname = "dale", MainIp = "198.51.100.20", SiteIp = "2001:db8::1", Seed = -5,
        }));
    }

    [Test]
    public void ChangeTakesPercentAndSeed()
    {
        Assert.That(Cli.ParseChange(["--engine", "postgres", "--conn", "Host=x", "--percent", "2.5", "--seed", "9"]),
            Is.EqualTo(new ChangeOptions(BlechEngine.Postgres, "Host=x") { Percent = 2.5, Seed = 9 }));
        Assert.That(Cli.ParseChange(["--engine", "mariadb", "--conn", "Server=x"]),
            Is.EqualTo(new ChangeOptions(BlechEngine.MariaDb, "Server=x") { Percent = 1, Seed = 2 }));
    }

    [TestCase("create --engine postgres --admin x", "--size is required")]
    [TestCase("create --engine oracle --admin x --size small", "--engine 'oracle' is not postgres or mysql")]
    [TestCase("create --engine postgres --admin x --size medium", "--size 'medium' is not small, large or huge")]
    [TestCase("create --engine postgres --admin x --size small --colour blue", "unknown option --colour")]
    [TestCase("change --engine postgres --conn x --percent 0", "--percent '0' is not a number above 0 and at most 100")]
    [TestCase("change --engine postgres --conn x --seed two", "--seed 'two' is not a whole number")]
    [TestCase("count --engine postgres", "--conn is required")]
    [TestCase("count --engine postgres --conn", "--conn needs a value")]
    [TestCase("drop", "unknown command 'drop'")]
    public async Task ABadCommandLineExitsWithUsageAndSaysWhy(string line, string message)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Cli.RunAsync(line.Split(' '), stdout, stderr);
        Assert.That(code, Is.EqualTo(Cli.Usage));
        Assert.That(stderr.ToString(), Does.StartWith($"bridge-dataset: {message}\n"));
        Assert.That(stdout.ToString(), Is.Empty);
    }

    [Test]
    public async Task AnUnreachableServerExitsWithFailure()
    {
        var stderr = new StringWriter();
        var code = await Cli.RunAsync(["count", "--engine", "postgres", "--conn", "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2"], new StringWriter(), stderr);
        Assert.That(code, Is.EqualTo(Cli.Failure));
        Assert.That(stderr.ToString(), Does.StartWith("bridge-dataset: "));
    }

    [Test]
    public void AMissingServerVariableFailsWithAMessageThatSaysWhatToDo()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Servers.Admin("BRIDGE_TEST_DATASET_NEVER_SET"));
        Assert.That(e!.Message, Is.EqualTo("BRIDGE_TEST_DATASET_NEVER_SET is not set: run the tests through scripts/test.sh, which starts the database servers"));
    }
}
