using System.Buffers.Binary;
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

/// <summary>
/// Reads and writes <c>bridge.row_pair_part</c> and <c>bridge.row_pair_origin</c> (state version 6). The pairs of a kind are
/// stored in parts by peer id (<see cref="IdsPerPart"/> ids a part), each part one row of packed pairs: a compare of everything
/// writes a few hundred rows instead of one per Blech row, and a sync that changes a few rows rewrites only their parts.
/// </summary>
public sealed class PairStore(IEngineDialect dialect)
{
    private const int Version = 6;

    /// <summary>How many consecutive peer ids share one stored part.</summary>
    public const int IdsPerPart = 4096;

    private const int PairBytes = 24;

    private static readonly BulkColumn[] PartColumns = [new("kind", ColumnType.Int), new("part", ColumnType.Int), new("pairs", ColumnType.Bytes)];

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
        command.CommandText = "SELECT kind, part, pairs FROM bridge.row_pair_part ORDER BY kind, part";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // A kind this Bridge does not know (a newer one wrote it) is left to the next compare of everything. A part that is
            // not whole pairs, or holds a peer id outside its range, was not written by Bridge: no pair is trusted then.
            var kind = (ObjectKind)reader.GetInt32(0);
            var part = reader.GetInt32(1);
            var bytes = (byte[])reader.GetValue(2);
            if (!Enum.IsDefined(kind))
            {
                continue;
            }

            if (!TryUnpack(bytes, part, pairs[kind]))
            {
                return null;
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
    /// and records the origin: <paramref name="comparedAt"/> is when everything was last compared. <paramref name="stored"/> is
    /// what the pairs were before (as read at the start of the run, which held the run lock since): a kind with a drop list
    /// rewrites only the parts that hold a dropped or added peer id, from those.
    /// </summary>
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, PairState? stored, IReadOnlyDictionary<ObjectKind, List<int>?> drop,
        IReadOnlyDictionary<ObjectKind, List<RowPair>> add, DateTime comparedAt, string context, CancellationToken ct)
    {
        var sql = new Statements(connection, transaction, dialect);
        var rows = new List<object?[]>();
        foreach (var kind in ObjectKinds.All)
        {
            var added = add.GetValueOrDefault(kind) ?? [];
            if (drop[kind] is not { } dropped)
            {
                await sql.ExecuteAsync($"DELETE FROM bridge.row_pair_part WHERE kind = {sql.Placeholder(0)}", [(int)kind], ct);
                rows.AddRange(Parts(kind, added));
                continue;
            }

            var gone = new HashSet<int>(dropped);
            gone.UnionWith(added.Select(p => p.PeerId));
            var touched = gone.Select(Part).ToHashSet();
            if (touched.Count == 0)
            {
                continue;
            }

            var kept = (stored?.Pairs.GetValueOrDefault(kind) ?? []).Where(p => touched.Contains(Part(p.PeerId)) && !gone.Contains(p.PeerId));
            foreach (var list in Read.Query.IdLists(touched))
            {
                await sql.ExecuteAsync($"DELETE FROM bridge.row_pair_part WHERE kind = {sql.Placeholder(0)} AND part IN ({list})", [(int)kind], ct);
            }

            rows.AddRange(Parts(kind, kept.Concat(added)));
        }

        if (rows.Count > 0)
        {
            await sql.InsertBulkAsync("bridge.row_pair_part", PartColumns, rows, ct);
        }

        await sql.ExecuteAsync("DELETE FROM bridge.row_pair_origin", [], ct);
        await sql.ExecuteAsync($"INSERT INTO bridge.row_pair_origin (id, compared_at, context) VALUES (1, {sql.Placeholder(0)}, {sql.Placeholder(1)})", [comparedAt, context], ct);
    }

    private static int Part(int peerId) => peerId >= 0 ? peerId / IdsPerPart : -1 - ((-1 - peerId) / IdsPerPart);

    // One row (kind, part, packed pairs) per part that holds a pair, the pairs in peer id order.
    private static List<object?[]> Parts(ObjectKind kind, IEnumerable<RowPair> pairs)
    {
        var sorted = pairs.ToArray();
        Array.Sort(sorted, static (a, b) => a.PeerId.CompareTo(b.PeerId));
        var rows = new List<object?[]>();
        for (var start = 0; start < sorted.Length;)
        {
            var part = Part(sorted[start].PeerId);
            var end = start + 1;
            while (end < sorted.Length && Part(sorted[end].PeerId) == part)
            {
                end++;
            }

            rows.Add([(int)kind, part, Pack(sorted.AsSpan(start, end - start))]);
            start = end;
        }

        return rows;
    }

    /// <summary>Pairs as stored: 24 bytes each, little-endian peer id, local id, peer hash, local hash.</summary>
    public static byte[] Pack(ReadOnlySpan<RowPair> pairs)
    {
        var bytes = new byte[pairs.Length * PairBytes];
        var span = bytes.AsSpan();
        foreach (var p in pairs)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span, p.PeerId);
            BinaryPrimitives.WriteInt32LittleEndian(span[4..], p.LocalId);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], p.PeerHash);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], p.LocalHash);
            span = span[PairBytes..];
        }

        return bytes;
    }

    /// <summary>Adds the pairs of one stored part to <paramref name="into"/>; false when the part is not what <see cref="Pack"/> writes for it.</summary>
    public static bool TryUnpack(ReadOnlySpan<byte> bytes, int part, List<RowPair> into)
    {
        if (bytes.Length % PairBytes != 0)
        {
            return false;
        }

        into.EnsureCapacity(into.Count + (bytes.Length / PairBytes));
        for (; bytes.Length > 0; bytes = bytes[PairBytes..])
        {
            var peerId = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            if (Part(peerId) != part)
            {
                return false;
            }

            into.Add(new RowPair(peerId, BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]), BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[16..])));
        }

        return true;
    }
}
