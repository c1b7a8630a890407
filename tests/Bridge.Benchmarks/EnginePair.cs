using Bridge.Emulator;

namespace Bridge.Benchmarks;

/// One engine's two servers (chip, the active side; dale, the standby) and how to read them with the server's own client.
public abstract class EnginePair(int chipPort, int dalePort, string password)
{
    public const string Database = "blech";

    public int ChipPort { get; } = chipPort;

    public int DalePort { get; } = dalePort;

    protected string Password { get; } = password;

    /// The engine name of Bridge's configuration and bridge-dataset's command line.
    public abstract string Name { get; }

    public abstract string Title { get; }

    public abstract BlechEngine Engine { get; }

    public abstract string AdminConnection(int port);

    public abstract string BlechConnection(int port);

    /// The floor queries as a script for the server's own client.
    public abstract string FloorScript(IReadOnlyList<string> queries);

    /// A shell command line that runs <paramref name="script"/> against the Blech database on <paramref name="port"/>, output dropped.
    public abstract string FloorCommand(int port, string script);

    protected static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// PostgreSQL: the floor is psql running <c>COPY (query) TO STDOUT</c> for every query.
public sealed class PostgresPair(int chipPort, int dalePort, string password) : EnginePair(chipPort, dalePort, password)
{
    public override string Name => "postgres";

    public override string Title => "PostgreSQL";

    public override BlechEngine Engine => BlechEngine.Postgres;

    public override string AdminConnection(int port) => $"Host=127.0.0.1;Port={port};Username=bridge;Password={Password};Database=postgres";

    public override string BlechConnection(int port) => $"Host=127.0.0.1;Port={port};Username=bridge;Password={Password};Database={Database}";

    public override string FloorScript(IReadOnlyList<string> queries) =>
        string.Concat(queries.Select(q => $"COPY ({q}) TO STDOUT;\n"));

    // The password comes from PGPASSWORD in the children's environment.
    public override string FloorCommand(int port, string script) =>
        $"exec psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p {port} -U bridge -d {Database} -f {Quote(script)} > /dev/null";
}

/// MariaDB: the floor is the mariadb client with <c>--quick</c> (rows streamed, not buffered) running every query.
public sealed class MariaDbPair(int chipPort, int dalePort, string password) : EnginePair(chipPort, dalePort, password)
{
    public override string Name => "mysql";

    public override string Title => "MariaDB";

    public override BlechEngine Engine => BlechEngine.MariaDb;

    public override string AdminConnection(int port) => $"Server=127.0.0.1;Port={port};User ID=bridge;Password={Password};Database=mysql";

    public override string BlechConnection(int port) => $"Server=127.0.0.1;Port={port};User ID=bridge;Password={Password};Database={Database}";

    public override string FloorScript(IReadOnlyList<string> queries) => string.Concat(queries.Select(q => q + ";\n"));

    // The password comes from MYSQL_PWD in the children's environment.
    public override string FloorCommand(int port, string script) =>
        $"exec mariadb --no-defaults --quick --batch -h 127.0.0.1 -P {port} -u bridge {Database} < {Quote(script)} > /dev/null";

    /// pt-table-sync between chip (source) and dale (destination) on the seven content tables.
    public IReadOnlyList<string> PtTableSyncArgs(string mode) =>
    [
        mode, "--no-check-slave", "--no-check-triggers",
        "--databases", Database, "--tables", "client,site,dns_zone,dns_record,mail_domain,mailbox,mail_alias",
        $"h=127.0.0.1,P={ChipPort},u=bridge,p={Password}", $"h=127.0.0.1,P={DalePort}",
    ];
}
