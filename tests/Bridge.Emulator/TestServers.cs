namespace Bridge.Emulator;

/// The four database servers that scripts/test.sh starts, read from the environment.
public static class TestServers
{
    // Getters rather than initialised properties: a missing variable must fail the test that asks for it
    // with a readable message, not poison the whole type with a TypeInitializationException.
    public static BlechServer PgChip => FromEnvironment("BRIDGE_TEST_PG_CHIP", BlechEngine.Postgres);

    public static BlechServer PgDale => FromEnvironment("BRIDGE_TEST_PG_DALE", BlechEngine.Postgres);

    public static BlechServer MariaDbChip => FromEnvironment("BRIDGE_TEST_MARIADB_CHIP", BlechEngine.MariaDb);

    public static BlechServer MariaDbDale => FromEnvironment("BRIDGE_TEST_MARIADB_DALE", BlechEngine.MariaDb);

    /// The server whose admin connection string is in <paramref name="variable"/>; throws when it is unset.
    public static BlechServer FromEnvironment(string variable, BlechEngine engine)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{variable} is not set: run the tests through scripts/test.sh, which starts the database servers");
        }

        return new BlechServer(engine, value);
    }
}
