using System.Text.RegularExpressions;
using Dapper;

namespace Bridge.Emulator;

/// A database server holding Blech databases; adminConnectionString has full privileges.
public sealed partial class BlechServer(BlechEngine engine, string adminConnectionString)
{
    private readonly Dialect _dialect = new(engine);

    public BlechEngine Engine { get; } = engine;

    /// The admin connection string pointed at <paramref name="database"/>.
    public string ConnectionStringFor(string database) => _dialect.WithDatabase(adminConnectionString, database);

    /// Recreates <paramref name="database"/> from Blech's schema with its server and main ip_address rows.
    /// On MariaDB it also drops <paramref name="stateDatabase"/>, where Bridge keeps its state, so a test starts clean;
    /// on PostgreSQL that state is a schema inside the Blech database and goes with it.
    public async Task<BlechInstance> CreateAsync(
        string hostname,
        string mainIp,
        string database = "blech",
        string stateDatabase = "bridge",
        CancellationToken ct = default)
    {
        CheckName(database);
        CheckName(stateDatabase);
        var schemaPath = Path.Combine(AppContext.BaseDirectory, "schema", _dialect.SchemaFolder, "blech.sql");
        var schema = await File.ReadAllTextAsync(schemaPath, ct);

        // Pooled connections to the old database would either block the drop or fail on first use afterwards.
        Dialect.ClearPools();
        await using (var admin = _dialect.CreateConnection(adminConnectionString))
        {
            await admin.OpenAsync(ct);
            var quoted = _dialect.QuoteIdentifier(database);
            if (Engine == BlechEngine.Postgres)
            {
                await admin.ExecuteAsync(new CommandDefinition(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()",
                    new { database },
                    cancellationToken: ct));
                await admin.ExecuteAsync(new CommandDefinition($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", cancellationToken: ct));
                await admin.ExecuteAsync(new CommandDefinition(
                    $"CREATE DATABASE {quoted} ENCODING 'UTF8' TEMPLATE template0", cancellationToken: ct));
            }
            else
            {
                await admin.ExecuteAsync(new CommandDefinition($"DROP DATABASE IF EXISTS {quoted}", cancellationToken: ct));
                await admin.ExecuteAsync(new CommandDefinition(
                    $"DROP DATABASE IF EXISTS {_dialect.QuoteIdentifier(stateDatabase)}", cancellationToken: ct));
                await admin.ExecuteAsync(new CommandDefinition(
                    $"CREATE DATABASE {quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", cancellationToken: ct));
            }
        }

        await using (var blech = _dialect.CreateConnection(ConnectionStringFor(database)))
        {
            await blech.OpenAsync(ct);
            await blech.ExecuteAsync(new CommandDefinition(schema, cancellationToken: ct));
            await blech.ExecuteAsync(new CommandDefinition(
                "INSERT INTO server (hostname, main_ip) VALUES (@hostname, @mainIp)",
                new { hostname, mainIp },
                cancellationToken: ct));
            await blech.ExecuteAsync(new CommandDefinition(
                "INSERT INTO ip_address (address, kind) VALUES (@mainIp, 'shared')",
                new { mainIp },
                cancellationToken: ct));
        }

        return Open(hostname, database);
    }

    /// An instance over an existing Blech database.
    public BlechInstance Open(string hostname, string database = "blech")
    {
        CheckName(database);
        return new BlechInstance(_dialect, hostname, ConnectionStringFor(database));
    }

    // Database names are spliced into DDL, which takes no parameters.
    private static void CheckName(string name)
    {
        if (!SafeName().IsMatch(name))
        {
            throw new ArgumentException($"Database name '{name}' must be letters, digits and underscores.", nameof(name));
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex SafeName();
}
