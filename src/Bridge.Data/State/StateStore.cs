using System.Data.Common;
using Bridge.Core.Model;
using Bridge.Core.Plan;
using Bridge.Data.Apply;
using Bridge.Data.Engine;

namespace Bridge.Data.State;

/// <summary>One row of Bridge's run log.</summary>
public sealed record RunRecord(string Command, string RequestedBy, DateTime StartedAt, DateTime FinishedAt, string Outcome, int ExitCode, string? Summary, string? Error);

/// <summary>
/// Bridge's own state on the standby (schema <c>bridge</c> in Blech's PostgreSQL database, database <c>bridge</c> beside Blech's on
/// MariaDB): created and upgraded on first use; Blech's own tables are never altered.
/// </summary>
public sealed class StateStore(IEngineDialect dialect)
{
    private const string ExistsSql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'bridge' AND table_name = 'schema_version'";

    public int LatestVersion => dialect.StateMigrations.Count;

    public static async Task<bool> ExistsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = ExistsSql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>The state's version; 0 when Bridge has never run against this database.</summary>
    public static async Task<int> VersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (!await ExistsAsync(connection, transaction, ct))
        {
            return 0;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT MAX(version) FROM bridge.schema_version";
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? 0 : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Creates the state, or upgrades it to this Bridge's version. Every script is idempotent, so two first runs may race.</summary>
    public async Task EnsureAsync(DbConnection connection, CancellationToken ct)
    {
        var version = await VersionAsync(connection, null, ct);
        if (version > LatestVersion)
        {
            throw new InvalidOperationException($"Bridge's state on this database is version {version}, newer than this Bridge understands ({LatestVersion}): upgrade Bridge");
        }

        for (var v = version; v < LatestVersion; v++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = dialect.StateMigrations[v] + $";\nDELETE FROM bridge.schema_version;\nINSERT INTO bridge.schema_version (version) VALUES ({v + 1})";
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>For each site domain, the address Bridge last wrote; empty when there is no state yet.</summary>
    public static async Task<Dictionary<string, string>> ReadSiteAddressesAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!await ExistsAsync(connection, transaction, ct))
        {
            return map;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT domain, address FROM bridge.site_address";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            map[reader.GetString(0)] = reader.GetString(1);
        }

        return map;
    }

    /// <summary>Replaces the remembered site addresses when they differ from what is stored.</summary>
    public async Task WriteSiteAddressesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyDictionary<string, string> stored, IReadOnlyDictionary<string, string> desired, DateTime now, CancellationToken ct)
    {
        if (stored.Count == desired.Count && desired.All(d => stored.TryGetValue(d.Key, out var a) && a == d.Value))
        {
            return;
        }

        var sql = new Statements(connection, transaction, dialect);
        await sql.ExecuteAsync("DELETE FROM bridge.site_address", [], ct);
        await sql.InsertManyAsync("bridge.site_address", ["domain", "address", "written_at"],
            desired.Select(d => new object?[] { d.Key, d.Value, now }).ToList(), null, null, ct);
    }

    /// <summary>When Bridge's last successful run that wrote this database ended; null when there was none.</summary>
    public static async Task<DateTime?> LastSuccessAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (!await ExistsAsync(connection, transaction, ct))
        {
            return null;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT MAX(finished_at) FROM bridge.run WHERE outcome = 'ok'";
        var value = await command.ExecuteScalarAsync(ct);
        return value is DateTime d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null;
    }

    /// <summary>The fingerprints stored after the last successful sync: (peer, local), or nulls.</summary>
    public static async Task<(string? Peer, string? Local)> ReadFingerprintsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (await VersionAsync(connection, transaction, ct) < 3)
        {
            return (null, null);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT side, value FROM bridge.fingerprint";
        await using var reader = await command.ExecuteReaderAsync(ct);
        string? peer = null, local = null;
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetString(0) == "peer")
            {
                peer = reader.GetString(1);
            }
            else
            {
                local = reader.GetString(1);
            }
        }

        return (peer, local);
    }

    public async Task WriteFingerprintsAsync(DbConnection connection, DbTransaction transaction, string? peer, string? local, DateTime now, CancellationToken ct)
    {
        var sql = new Statements(connection, transaction, dialect);
        await sql.ExecuteAsync("DELETE FROM bridge.fingerprint", [], ct);
        if (peer is not null && local is not null)
        {
            await sql.InsertManyAsync("bridge.fingerprint", ["side", "value", "taken_at"], [["peer", peer, now], ["local", local, now]], null, null, ct);
        }
    }

    /// <summary>Logs the reverts a run put back, one row each.</summary>
    public async Task RecordRevertsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PlanStep> reverts, DateTime now, CancellationToken ct)
    {
        if (reverts.Count == 0)
        {
            return;
        }

        await new Statements(connection, transaction, dialect).InsertManyAsync("bridge.revert", ["at", "kind", "object_key", "field", "from_value", "to_value"],
            reverts.Select(r => new object?[] { now, r.Kind.Name(), r.Key, r.Changes[0].Name, r.Changes[0].From, r.Changes[0].To }).ToList(), null, null, ct);
    }

    public async Task RecordRunAsync(DbConnection connection, DbTransaction? transaction, RunRecord run, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var p = Enumerable.Range(0, 8).Select(dialect.Placeholder).ToArray();
        command.CommandText = $"INSERT INTO bridge.run (command, requested_by, started_at, finished_at, outcome, exit_code, summary, error) VALUES ({string.Join(", ", p)})";
        object?[] args = [run.Command, run.RequestedBy, run.StartedAt, run.FinishedAt, run.Outcome, run.ExitCode, run.Summary, run.Error];
        for (var i = 0; i < args.Length; i++)
        {
            command.Parameters.Add(dialect.CreateParameter(i, args[i]));
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
