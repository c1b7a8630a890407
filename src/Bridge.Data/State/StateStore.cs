using System.Data.Common;
using Bridge.Core.Model;
using Dapper;
using Bridge.Core.Plan;
using Bridge.Data.Apply;
using Bridge.Data.Engine;
using Bridge.Data.Run;

namespace Bridge.Data.State;

/// <summary>A row of Bridge's state as Dapper reads it.</summary>
internal sealed record SiteAddressRow(string Domain, string Address);

/// <summary>A row of Bridge's state as Dapper reads it.</summary>
internal sealed record FingerprintRow(string Side, string Value);

/// <summary>One row of Bridge's run log.</summary>
public sealed record RunRecord(string Command, string RequestedBy, DateTime StartedAt, DateTime FinishedAt, string Outcome, int ExitCode, string? Summary, string? Error);

/// <summary>One run of Bridge's run log, as read back.</summary>
public sealed record RunSummary(string Command, string RequestedBy, DateTime StartedAt, DateTime? FinishedAt, string Outcome, string? Summary, string? Error);

/// <summary>One object a sync left out, as recorded on the database it wrote: kind, SHA-256 of the key, reason, machine read from.</summary>
public sealed record SkippedRecord(string Kind, string KeyHash, string Reason, string FromHost);

/// <summary>One row of Bridge's revert log: a field Blech changed back after Bridge had written it.</summary>
public sealed record RevertRecord(DateTime At, string Kind, string ObjectKey, string Field, string? FromValue, string? ToValue);

/// <summary>
/// Bridge's own state on the standby (schema <c>bridge</c> in Blech's PostgreSQL database, database <c>bridge</c> beside Blech's on
/// MariaDB): created and upgraded on first use; Blech's own tables are never altered.
/// </summary>
public sealed class StateStore(IEngineDialect dialect)
{
    private const string ExistsSql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'bridge' AND table_name = 'schema_version'";

    public int LatestVersion => dialect.StateMigrations.Count;

    public static async Task<bool> ExistsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(ExistsSql, new { ct }, transaction) > 0;

    /// <summary>The state's version; 0 when Bridge has never run against this database.</summary>
    public static async Task<int> VersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (!await ExistsAsync(connection, transaction, ct))
        {
            return 0;
        }

        return await connection.ExecuteScalarAsync<int?>("SELECT MAX(version) FROM bridge.schema_version", new { ct }, transaction) ?? 0;
    }

    /// <summary>Creates the state, or upgrades it to this Bridge's version. Every script is idempotent, so two first runs may race.</summary>
    public async Task EnsureAsync(DbConnection connection, CancellationToken ct)
    {
        var version = await VersionAsync(connection, null, ct);
        if (version > LatestVersion)
        {
            throw new InvalidOperationException($"Bridge's state on this database is version {version}, newer than this Bridge understands ({LatestVersion}): upgrade Bridge");
        }

        // Bridge's state lives beside Blech's tables only: a database that is not Blech's (a wrong database name in the
        // configuration) gets nothing, not even a run row, before the run fails.
        if (version == 0 && await Run.Checker.MissingColumnsAsync(connection, dialect, ct) is { Count: > 0 } missing)
        {
            throw new NotBlechDatabaseException($"this is not a Blech database (it lacks {Run.Checker.Listed(missing)}); Bridge creates its state only beside Blech's tables");
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

        foreach (var row in await connection.QueryAsync<SiteAddressRow>(
            "SELECT domain AS Domain, address AS Address FROM bridge.site_address", new { ct }, transaction))
        {
            map[row.Domain] = row.Address;
        }

        return map;
    }

    /// <summary>Replaces the remembered site addresses when they differ from what is stored.</summary>
    public async Task WriteSiteAddressesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyDictionary<string, string> stored, IReadOnlyDictionary<string, string> desired, DateTime now, CancellationToken ct)
    {
        // Only the domains whose address moved, came or went are written: a sync that touches a few sites of thousands writes a
        // few rows, and every other row keeps the time its address was written.
        var gone = stored.Where(s => !desired.TryGetValue(s.Key, out var a) || a != s.Value).Select(s => (object?)s.Key).ToList();
        var added = desired.Where(d => !stored.TryGetValue(d.Key, out var a) || a != d.Value).Select(d => new object?[] { d.Key, d.Value, now }).ToList();
        var sql = new Statements(connection, transaction, dialect);
        await sql.DeleteWhereInAsync("bridge.site_address", "domain", gone, ct);
        if (added.Count > 0)
        {
            await sql.InsertManyAsync("bridge.site_address", ["domain", "address", "written_at"], added, null, null, ct);
        }
    }

    /// <summary>When Bridge's last successful run that wrote this database ended; null when there was none.</summary>
    public static async Task<DateTime?> LastSuccessAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (!await ExistsAsync(connection, transaction, ct))
        {
            return null;
        }

        return await connection.ExecuteScalarAsync<DateTime?>(
            "SELECT MAX(finished_at) FROM bridge.run WHERE outcome = 'ok'", new { ct }, transaction) is { } d ? Utc(d) : null;
    }

    /// <summary>The fingerprints stored after the last successful sync: (peer, local), or nulls.</summary>
    public static async Task<(string? Peer, string? Local)> ReadFingerprintsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (await VersionAsync(connection, transaction, ct) < 3)
        {
            return (null, null);
        }

        var rows = (await connection.QueryAsync<FingerprintRow>(
            "SELECT side AS Side, value AS Value FROM bridge.fingerprint", new { ct }, transaction)).ToList();
        return (rows.LastOrDefault(r => r.Side == "peer")?.Value, rows.LastOrDefault(r => r.Side != "peer")?.Value);
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

    /// <summary>
    /// Replaces the record of the peer objects this run left out (read from <paramref name="fromHost"/>): what this database never
    /// received, so that the other machine, pulling from this one after a role switch, keeps its copy instead of deleting it.
    /// </summary>
    public async Task WriteSkippedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<SkippedObject> skipped, string? fromHost, DateTime now, CancellationToken ct)
    {
        var sql = new Statements(connection, transaction, dialect);
        await sql.ExecuteAsync("DELETE FROM bridge.skipped", [], ct);
        if (skipped.Count == 0)
        {
            return;
        }

        await sql.InsertManyAsync("bridge.skipped", ["kind", "key_hash", "object_key", "reason", "from_host", "skipped_at"],
            skipped.DistinctBy(o => (o.Kind, o.Key))
                .Select(o => new object?[] { o.Kind.Name(), KeyHash(o.Key), Storable(o.Key, 500), Storable(o.Reason, 2000), Storable(fromHost ?? "unknown", 255), now })
                .ToList(), null, null, ct);
    }

    /// <summary>
    /// The objects this database's last sync left out, with the machine they were read from, by kind and key hash (see
    /// <see cref="KeyHash"/>); empty when there is no such record (no state, or an older Bridge).
    /// </summary>
    public static async Task<IReadOnlyList<SkippedRecord>> ReadSkippedAllAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (await VersionAsync(connection, transaction, ct) < 4)
        {
            return [];
        }

        return (await connection.QueryAsync<SkippedRecord>(
            "SELECT kind AS Kind, key_hash AS KeyHash, reason AS Reason, from_host AS FromHost FROM bridge.skipped", new { ct }, transaction)).ToList();
    }

    /// <summary>How a skipped object's key is matched across machines: SHA-256 of its UTF-8 bytes, lower-case hex.</summary>
    public static string KeyHash(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    // Text for Bridge's own columns: no NUL (PostgreSQL's text cannot hold it), no more than the column holds.
    private static string Storable(string text, int max)
    {
        var clean = text.Replace('\0', '\uFFFD');
        if (clean.Length <= max)
        {
            return clean;
        }

        var cut = max - 3;
        if (char.IsHighSurrogate(clean[cut - 1]))
        {
            cut--;
        }

        return clean[..cut] + "...";
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

    public static Task RecordRunAsync(DbConnection connection, DbTransaction? transaction, RunRecord run, CancellationToken ct) =>
        connection.ExecuteAsync(
            "INSERT INTO bridge.run (command, requested_by, started_at, finished_at, outcome, exit_code, summary, error) "
                + "VALUES (@Command, @RequestedBy, @StartedAt, @FinishedAt, @Outcome, @ExitCode, @Summary, @Error)",
            new
            {
                Command = Storable(run.Command, 32),
                RequestedBy = Storable(FitRequestedBy(run.RequestedBy), 255),
                run.StartedAt,
                run.FinishedAt,
                Outcome = Storable(run.Outcome, 16),
                run.ExitCode,
                Summary = run.Summary is null ? null : Storable(run.Summary, 16_000),
                Error = run.Error is null ? null : Storable(run.Error, 16_000),
                ct,
            }, transaction);

    /// <summary>
    /// <c>requested_by</c> holds 255 characters: a batch of long admin logins (one resync for many clicks) is cut after the last
    /// login that fits, with how many more there were, so that the run is still recorded.
    /// </summary>
    public static string FitRequestedBy(string who)
    {
        const int Max = 255;
        if (who.Length <= Max)
        {
            return who;
        }

        var names = who.Split(',');
        var kept = new List<string>();
        var length = 0;
        foreach (var name in names)
        {
            if (length + name.Length + 1 > Max - 20)
            {
                break;
            }

            kept.Add(name);
            length += name.Length + 1;
        }

        return kept.Count == 0
            ? who[..(Max - 20)] + $"... (+{names.Length - 1} more)"
            : string.Join(',', kept) + $" (+{names.Length - kept.Count} more)";
    }

    /// <summary>Records a run on <paramref name="side"/>'s state when it exists (for example: a run that found the lock taken); best effort, never throws.</summary>
    public static async Task TryRecordRunAsync(Side side, RunRecord run, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await using var connection = side.Dialect.CreateConnection(side.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            if (await ExistsAsync(connection, null, timeout.Token))
            {
                await RecordRunAsync(connection, null, run, timeout.Token);
            }
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The run log is a convenience; the run's own outcome has been reported already.
        }
    }

    // The small reads of Bridge's own tables go through Dapper: a few rows each, where the SQL reads best on its own. Dapper.AOT
    // compiles each call at build time; the cancellation token travels in the arguments, where it looks for one.
    private const string SelectRun = "SELECT command AS Command, requested_by AS RequestedBy, started_at AS StartedAt, finished_at AS FinishedAt, "
        + "outcome AS Outcome, summary AS Summary, error AS Error FROM bridge.run";

    /// <summary>The last sync or resync, or the last successful one; null when there was none (or no state yet).</summary>
    public static async Task<RunSummary?> LastSyncAsync(DbConnection connection, bool successful, CancellationToken ct)
    {
        if (!await ExistsAsync(connection, null, ct))
        {
            return null;
        }

        var runs = successful
            ? await connection.QueryAsync<RunSummary>(SelectRun + " WHERE command IN ('sync', 'resync') AND outcome = 'ok' ORDER BY id DESC LIMIT 1", new { ct })
            : await connection.QueryAsync<RunSummary>(SelectRun + " WHERE command IN ('sync', 'resync') ORDER BY id DESC LIMIT 1", new { ct });
        return runs.Select(Utc).FirstOrDefault();
    }

    /// <summary>When the last successful report started; null when there was none.</summary>
    public static async Task<DateTime?> LastReportAsync(DbConnection connection, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<DateTime?>(
            "SELECT MAX(started_at) FROM bridge.run WHERE command = 'report' AND outcome = 'ok'", new { ct }) is { } d ? Utc(d) : null;

    /// <summary>The runs other than reports that started after <paramref name="after"/>, oldest first.</summary>
    public static async Task<List<RunSummary>> RunsSinceAsync(DbConnection connection, DateTime after, CancellationToken ct) =>
        (await connection.QueryAsync<RunSummary>(SelectRun + " WHERE started_at > @after AND command <> 'report' ORDER BY id", new { after, ct }))
            .Select(Utc).ToList();

    /// <summary>The reverts recorded after <paramref name="after"/>, oldest first.</summary>
    public static async Task<List<RevertRecord>> RevertsSinceAsync(DbConnection connection, DateTime after, CancellationToken ct) =>
        (await connection.QueryAsync<RevertRecord>(
            "SELECT at AS At, kind AS Kind, object_key AS ObjectKey, field AS Field, from_value AS FromValue, to_value AS ToValue FROM bridge.revert WHERE at > @after ORDER BY id",
            new { after, ct }))
            .Select(r => r with { At = Utc(r.At) }).ToList();

    private static DateTime Utc(DateTime d) => DateTime.SpecifyKind(d, DateTimeKind.Utc);

    private static RunSummary Utc(RunSummary r) => r with { StartedAt = Utc(r.StartedAt), FinishedAt = r.FinishedAt is { } f ? Utc(f) : null };
}

/// <summary>The database a side names is not Blech's: Bridge will not create its state there.</summary>
public sealed class NotBlechDatabaseException(string message) : InvalidOperationException(message);
