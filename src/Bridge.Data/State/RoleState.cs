using System.Data.Common;
using Bridge.Core.Serials;
using Bridge.Data.Apply;
using Bridge.Data.Engine;
using Dapper;

namespace Bridge.Data.State;

/// <summary>This machine's role: <c>active</c> holds V, <c>standby</c> does not. No record means standby.</summary>
public sealed record RoleState(string Role, long Epoch, DateTime? ChangedAt, string? ChangedBy)
{
    public const string Active = "active";
    public const string Standby = "standby";

    public static readonly RoleState Initial = new(Standby, 0, null, null);

    public bool IsActive => Role == Active;
}

/// <summary>Reads and writes the role and zone serial tables of Bridge's state.</summary>
public static class RoleStore
{
    public static async Task<RoleState> ReadRoleAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (await StateStore.VersionAsync(connection, transaction, ct) < 2)
        {
            return RoleState.Initial;
        }

        var role = await connection.QueryFirstOrDefaultAsync<RoleState>(
            "SELECT role AS Role, epoch AS Epoch, changed_at AS ChangedAt, changed_by AS ChangedBy FROM bridge.role WHERE id = 1", new { ct }, transaction);
        return role is null ? RoleState.Initial : role with { ChangedAt = role.ChangedAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null };
    }

    public static async Task WriteRoleAsync(DbConnection connection, DbTransaction transaction, IEngineDialect dialect, RoleState role, CancellationToken ct)
    {
        var sql = new Statements(connection, transaction, dialect);
        await sql.ExecuteAsync("DELETE FROM bridge.role WHERE id = 1", [], ct);
        await sql.ExecuteAsync($"INSERT INTO bridge.role (id, role, epoch, changed_at, changed_by) VALUES (1, {sql.Placeholder(0)}, {sql.Placeholder(1)}, {sql.Placeholder(2)}, {sql.Placeholder(3)})",
            [role.Role, role.Epoch, role.ChangedAt ?? DateTime.UtcNow, role.ChangedBy ?? "bridge"], ct);
    }

    public static async Task<Dictionary<string, ZoneSerialState>> ReadZoneSerialsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var map = new Dictionary<string, ZoneSerialState>(StringComparer.Ordinal);
        if (await StateStore.VersionAsync(connection, transaction, ct) < 2)
        {
            return map;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT origin, peer_max, local_max FROM bridge.zone_serial";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            map[reader.GetString(0)] = new ZoneSerialState(reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
        }

        return map;
    }

    /// <summary>Writes the entries that changed (delete and insert: both engines, no upsert dialect).</summary>
    public static async Task WriteZoneSerialsAsync(DbConnection connection, DbTransaction transaction, IEngineDialect dialect,
        IReadOnlyDictionary<string, ZoneSerialState> before, IReadOnlyDictionary<string, ZoneSerialState> after, DateTime now, CancellationToken ct)
    {
        var changed = after.Where(a => !before.TryGetValue(a.Key, out var b) || b != a.Value).ToList();
        if (changed.Count == 0)
        {
            return;
        }

        var sql = new Statements(connection, transaction, dialect);
        await sql.DeleteWhereInAsync("bridge.zone_serial", "origin", changed.Select(c => (object?)c.Key).ToList(), ct);
        await sql.InsertManyAsync("bridge.zone_serial", ["origin", "peer_max", "local_max", "updated_at"],
            changed.Select(c => new object?[] { c.Key, c.Value.PeerMax, c.Value.LocalMax, now }).ToList(), null, null, ct);
    }
}
