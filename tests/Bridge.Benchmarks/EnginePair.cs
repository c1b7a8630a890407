using Bridge.Emulator;

namespace Bridge.Benchmarks;

/// One engine's two servers (chip, the active side; dale, the standby) and how to read and copy them with the server's own tools.
public abstract class EnginePair(int chipPort, int dalePort, string password)
{
    public const string Database = "blech";

    /// Every Blech table Bridge reads: the read floor reads each of them whole, no joins, in this order.
    public static readonly IReadOnlyList<string> ReadTables =
        ["server", "ip_address", "client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias"];

    /// The content tables Bridge syncs, parents first: the copy floor copies these. <c>server</c> and <c>ip_address</c> are left
    /// out because the emulator's empty standby already holds its own row in each (same ids, and its own address), so copying
    /// them would fail on the primary key; Bridge does not copy them either.
    public static readonly IReadOnlyList<string> CopyTables =
        ["client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias"];

    public int ChipPort { get; } = chipPort;

    public int DalePort { get; } = dalePort;

    protected string Password { get; } = password;

    /// The engine name of Bridge's configuration and bridge-dataset's command line.
    public abstract string Name { get; }

    public abstract string Title { get; }

    public abstract BlechEngine Engine { get; }

    public abstract string AdminConnection(int port);

    public abstract string BlechConnection(int port);

    /// The read floor as a script for the server's own client: every table of <see cref="ReadTables"/>, whole.
    public abstract string ReadFloorScript();

    /// A shell command line that runs <paramref name="script"/> against the Blech database on <paramref name="port"/>, output dropped.
    public abstract string ReadFloorCommand(int port, string script);

    /// A bash command line (pipefail set by the caller): the server's own dump of chip's <see cref="CopyTables"/>, data only,
    /// piped into the server's own client on dale.
    public abstract string CopyFloorCommand();

    protected static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// PostgreSQL: the read floor is psql running <c>COPY table TO STDOUT</c>; the copy floor <c>pg_dump --data-only | psql</c>.
public sealed class PostgresPair(int chipPort, int dalePort, string password) : EnginePair(chipPort, dalePort, password)
{
    public override string Name => "postgres";

    public override string Title => "PostgreSQL";

    public override BlechEngine Engine => BlechEngine.Postgres;

    public override string AdminConnection(int port) => $"Host=127.0.0.1;Port={port};Username=bridge;Password={Password};Database=postgres";

    public override string BlechConnection(int port) => $"Host=127.0.0.1;Port={port};Username=bridge;Password={Password};Database={Database}";

    public override string ReadFloorScript() => string.Concat(ReadTables.Select(t => $"COPY {t} TO STDOUT;\n"));

    // The password comes from PGPASSWORD in the children's environment.
    public override string ReadFloorCommand(int port, string script) =>
        $"exec psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p {port} -U bridge -d {Database} -f {Quote(script)} > /dev/null";

    public override string CopyFloorCommand() =>
        $"pg_dump --data-only --no-owner --no-privileges -h 127.0.0.1 -p {ChipPort} -U bridge -d {Database} {string.Concat(CopyTables.Select(t => $"-t {t} "))}"
        + $"| psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p {DalePort} -U bridge -d {Database} > /dev/null";
}

/// MariaDB: the read floor is the mariadb client with <c>--quick</c> (rows streamed, not buffered) reading every table; the copy
/// floor <c>mariadb-dump --no-create-info | mariadb</c>.
public sealed class MariaDbPair(int chipPort, int dalePort, string password) : EnginePair(chipPort, dalePort, password)
{
    public override string Name => "mysql";

    public override string Title => "MariaDB";

    public override BlechEngine Engine => BlechEngine.MariaDb;

    public override string AdminConnection(int port) => $"Server=127.0.0.1;Port={port};User ID=bridge;Password={Password};Database=mysql";

    public override string BlechConnection(int port) => $"Server=127.0.0.1;Port={port};User ID=bridge;Password={Password};Database={Database}";

    public override string ReadFloorScript() => string.Concat(ReadTables.Select(t => $"SELECT * FROM {t};\n"));

    // The password comes from MYSQL_PWD in the children's environment.
    public override string ReadFloorCommand(int port, string script) =>
        $"exec mariadb --no-defaults --quick --batch -h 127.0.0.1 -P {port} -u bridge {Database} < {Quote(script)} > /dev/null";

    // mariadb-dump's defaults (--opt: extended inserts, table locks, keys disabled while loading, foreign key checks off).
    public override string CopyFloorCommand() =>
        $"mariadb-dump --no-defaults --no-create-info --skip-triggers -h 127.0.0.1 -P {ChipPort} -u bridge {Database} {string.Join(' ', CopyTables)} "
        + $"| mariadb --no-defaults -h 127.0.0.1 -P {DalePort} -u bridge {Database} > /dev/null";

    /// pt-table-sync between chip (source) and dale (destination) on the seven content tables.
    public IReadOnlyList<string> PtTableSyncArgs(string mode) =>
    [
        mode, "--no-check-slave", "--no-check-triggers",
        "--databases", Database, "--tables", string.Join(',', CopyTables),
        $"h=127.0.0.1,P={ChipPort},u=bridge,p={Password}", $"h=127.0.0.1,P={DalePort}",
    ];
}
