using Bridge.Emulator;

namespace Bridge.Emulator.Tests;

public sealed class TestServersTests
{
    [Test]
    public void AMissingVariableFailsWithAMessageThatSaysWhatToDo()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            TestServers.FromEnvironment("BRIDGE_TEST_EMULATOR_NEVER_SET", BlechEngine.Postgres));
        Assert.That(e!.Message, Is.EqualTo(
            "BRIDGE_TEST_EMULATOR_NEVER_SET is not set: run the tests through scripts/test.sh, which starts the database servers"));
    }

    [Test]
    public void ASetVariableGivesAServerOfTheAskedEngine()
    {
        Environment.SetEnvironmentVariable("BRIDGE_TEST_EMULATOR_SET", "Server=127.0.0.1;Port=1;User ID=x;Password=y");
        try
        {
            var server = TestServers.FromEnvironment("BRIDGE_TEST_EMULATOR_SET", BlechEngine.MariaDb);
            Assert.That(server.Engine, Is.EqualTo(BlechEngine.MariaDb));
            Assert.That(server.ConnectionStringFor("blech"), Does.Contain("Database=blech"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("BRIDGE_TEST_EMULATOR_SET", null);
        }
    }
}
