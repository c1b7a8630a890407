using Bridge.Emulator;

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

    [SetUp]
    public async Task CreatePairAsync() => P = await Pair.CreateAsync(chipServer, daleServer);

    [TearDown]
    public void RemoveFolder() => Directory.Delete(P.Folder, recursive: true);
}
