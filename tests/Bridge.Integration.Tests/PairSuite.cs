using Bridge.Data.Engine;
using Bridge.Emulator;
using Bridge.MySql;
using Bridge.Postgres;

namespace Bridge.Integration.Tests;

/// <summary>
/// The base of a suite that runs on every engine pair: a fresh pair of Blech databases, with a folder for its configuration
/// and lock files, for every test.
/// </summary>
public abstract class PairSuite(Func<BlechServer> chipServer, Func<BlechServer> daleServer)
{
    protected Pair P { get; private set; } = null!;

    protected bool ChipIsPostgres => P.ChipServer.Engine == BlechEngine.Postgres;

    protected bool DaleIsPostgres => P.DaleServer.Engine == BlechEngine.Postgres;

    /// <summary>Bridge's dialect for a test server's engine, to talk to its database as Bridge does.</summary>
    protected static IEngineDialect Dialect(BlechServer server) => server.Engine == BlechEngine.Postgres ? new PostgresDialect() : new MySqlDialect();

    [SetUp]
    public async Task CreatePairAsync() => P = await Pair.CreateAsync(chipServer, daleServer);

    [TearDown]
    public void RemoveFolder() => Directory.Delete(P.Folder, recursive: true);
}
