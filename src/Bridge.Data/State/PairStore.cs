using System.Data.Common;
using Bridge.Core.Incremental;
using Bridge.Core.Model;
using Bridge.Data.Apply;
using Bridge.Data.Engine;
using Dapper;

namespace Bridge.Data.State;

/// <summary>A row of Bridge's state as Dapper reads it.</summary>
internal sealed record OriginRow(DateTime At, string Context);

/// <summary>The pairs the last syncs left equal, and when and against what they were last rebuilt by a compare of everything.</summary>
public sealed record PairState(DateTime ComparedAt, string Context, IReadOnlyDictionary<ObjectKind, IReadOnlyList<RowPair>> Pairs)
{
    public int Count => Pairs.Values.Sum(p => p.Count);
}

/// <summary>Reads and writes <c>bridge.row_pair</c> and <c>bridge.row_pair_origin</c> (state version 5).</summary>
public sealed class PairStore(IEngineDialect dialect)
{
    private const int Version = 5;

    /// <summary>The stored pairs; null when there are none yet (no state, an older state, or no compare of everything yet).</summary>
    public static async Task<PairState?> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (await StateStore.VersionAsync(connection, transaction, ct) < Version)
        {
            return null;
        }

        var origin = (await connection.QueryAsync<OriginRow>(
            "SELECT compared_at AS At, context AS Context FROM bridge.row_pair_origin WHERE id = 1", new { ct }, transaction)).ToList();
        if (origin.Count == 0)
        {
            return null;
        }

        var pairs = ObjectKinds.All.ToDictionary(k => k, _ => new List<RowPair>());
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT kind, peer_id, peer_hash, local_id, local_hash FROM bridge.row_pair";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // A kind this Bridge does not know (a newer one wrote it) is left to the next compare of everything.
            if (Enum.IsDefined((ObjectKind)reader.GetInt16(0)))
            {
                pairs[(ObjectKind)reader.GetInt16(0)].Add(new RowPair(reader.GetInt32(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt64(4)));
            }
        }

        return new PairState(DateTime.SpecifyKind(origin[0].At, DateTimeKind.Utc), origin[0].Context,
            pairs.ToDictionary(p => p.Key, p => (IReadOnlyList<RowPair>)p.Value));
    }

    /// <summary>When everything was last compared; null when never (or no state of this version yet).</summary>
    public static async Task<DateTime?> ComparedAtAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        if (await StateStore.VersionAsync(connection, transaction, ct) < Version)
        {
            return null;
        }

        return await connection.ExecuteScalarAsync<DateTime?>(
            "SELECT compared_at FROM bridge.row_pair_origin WHERE id = 1", new { ct }, transaction) is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null;
    }

    /// <summary>
    /// Replaces the pairs of <paramref name="drop"/> (peer ids by kind; null: every pair of that kind) with <paramref name="add"/>,
    /// and records the origin: <paramref name="comparedAt"/> is when everything was last compared.
    /// </summary>
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyDictionary<ObjectKind, List<int>?> drop,
        IReadOnlyDictionary<ObjectKind, List<RowPair>> add, DateTime comparedAt, string context, CancellationToken ct)
    {
        var sql = new Statements(connection, transaction, dialect);
        foreach (var kind in ObjectKinds.All)
        {
            if (drop[kind] is not { } ids)
            {
                await sql.ExecuteAsync($"DELETE FROM bridge.row_pair WHERE kind = {sql.Placeholder(0)}", [(short)kind], ct);
                continue;
            }

            foreach (var list in Read.Query.IdLists(ids))
            {
                await sql.ExecuteAsync($"DELETE FROM bridge.row_pair WHERE kind = {sql.Placeholder(0)} AND peer_id IN ({list})", [(short)kind], ct);
            }
        }

        var rows = add.SelectMany(a => a.Value.Select(p => new object?[] { (short)a.Key, p.PeerId, p.PeerHash, p.LocalId, p.LocalHash })).ToList();
        if (rows.Count > 0)
        {
            await sql.InsertManyAsync("bridge.row_pair", ["kind", "peer_id", "peer_hash", "local_id", "local_hash"], rows, null, null, ct);
        }

        await sql.ExecuteAsync("DELETE FROM bridge.row_pair_origin", [], ct);
        await sql.ExecuteAsync($"INSERT INTO bridge.row_pair_origin (id, compared_at, context) VALUES (1, {sql.Placeholder(0)}, {sql.Placeholder(1)})", [comparedAt, context], ct);
    }
}
