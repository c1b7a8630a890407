using System.Buffers;
using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.Globalization;
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

    /// <summary>How each kind's pairs are stored (base and changes since), for the next write; a kind missing has no changes stored.</summary>
    public IReadOnlyDictionary<ObjectKind, StoredPairs> Stored { get; init; } = new Dictionary<ObjectKind, StoredPairs>();
}

/// <summary>
/// Reads and writes <c>bridge.row_pair_part</c>, <c>bridge.row_pair_delta</c> and <c>bridge.row_pair_origin</c> (state
/// version 7). The pairs of a kind are stored in parts by peer id (<see cref="IdsPerPart"/> ids a part), each part one row of
/// packed pairs, written whole by a compare of everything: a few hundred rows instead of one per Blech row. What later syncs
/// change goes to one row per kind (<see cref="StoredPairs"/>: the peer ids whose part pair no longer holds, the pairs that
/// replace them), so that a sync that changes 1% of the rows, spread over every part, writes that 1% and not every part; the
/// parts are written whole again when the changes grow past <see cref="CompactShare"/> of them.
/// </summary>
public sealed class PairStore(IEngineDialect dialect)
{
    // The parts came with state version 6, the changes beside them with 7 (a diff, which writes nothing, may meet a state of 6).
    private const int Version = 6;
    private const int DeltaVersion = 7;

    /// <summary>Above this share of a kind's part pairs (and at least one part's worth), its changes are folded into its parts.</summary>
    public const double CompactShare = 0.125;

    /// <summary>How many consecutive peer ids share one stored part.</summary>
    public const int IdsPerPart = 4096;

    private const int PairBytes = 24;

    private static readonly BulkColumn[] PartColumns = [new("kind", ColumnType.Int), new("part", ColumnType.Int), new("pairs", ColumnType.Bytes)];

    private static readonly BulkColumn[] DeltaColumns = [new("kind", ColumnType.Int), new("gone", ColumnType.Bytes), new("pairs", ColumnType.Bytes)];

    /// <summary>How many changed pairs (gone ids and changed pairs, see <see cref="StoredPairs.ChangeCount"/>) a kind may hold before they are folded into its parts; null: <see cref="CompactShare"/> of its part pairs, at least <see cref="IdsPerPart"/>.</summary>
    public int? CompactAbove { get; init; }

    /// <summary>The stored pairs; null when there are none yet (no state, an older state, or no compare of everything yet).</summary>
    public static async Task<PairState?> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var version = await StateStore.VersionAsync(connection, transaction, ct);
        if (version < Version)
        {
            return null;
        }

        var origin = (await connection.QueryAsync<OriginRow>(
            "SELECT compared_at AS At, context AS Context FROM bridge.row_pair_origin WHERE id = 1", new { ct }, transaction)).ToList();
        if (origin.Count == 0)
        {
            return null;
        }

        // Each kind's list is sized once, from the bytes its parts hold; the parts are read one at a time into one buffer, not
        // each into an array of its own (up to 96 KiB a part, some 7 MB on large, all of it garbage at once).
        var pairs = ObjectKinds.All.ToDictionary(k => k, _ => new List<RowPair>());
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT kind, SUM(LENGTH(pairs)) FROM bridge.row_pair_part GROUP BY kind";
        await using (var sizes = await command.ExecuteReaderAsync(ct))
        {
            while (await sizes.ReadAsync(ct))
            {
                var kind = (ObjectKind)sizes.GetInt32(0);
                var count = Convert.ToInt64(sizes.GetValue(1), CultureInfo.InvariantCulture) / PairBytes;
                if (Enum.IsDefined(kind) && count is > 0 and < int.MaxValue)
                {
                    pairs[kind].Capacity = (int)count;
                }
            }
        }

        command.CommandText = "SELECT kind, part, pairs FROM bridge.row_pair_part ORDER BY kind, part";
        var buffer = ArrayPool<byte>.Shared.Rent(IdsPerPart * PairBytes);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            while (await reader.ReadAsync(ct))
            {
                // A kind this Bridge does not know (a newer one wrote it) is left to the next compare of everything. A part that is
                // not whole pairs, or holds a peer id outside its range, was not written by Bridge: no pair is trusted then.
                var kind = (ObjectKind)reader.GetInt32(0);
                var part = reader.GetInt32(1);
                if (!Enum.IsDefined(kind))
                {
                    continue;
                }

                var length = reader.GetBytes(2, 0, null, 0, 0);
                if (length > buffer.Length)
                {
                    // The bigger one first: should renting throw, the finally below still gives back the one held, once.
                    var bigger = ArrayPool<byte>.Shared.Rent(checked((int)length));
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = reader.GetBytes(2, 0, buffer, 0, (int)length);
                if (read != length || !TryUnpack(buffer.AsSpan(0, (int)length), part, pairs[kind]))
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var stored = ObjectKinds.All.ToDictionary(k => k, k => new StoredPairs(pairs[k], new HashSet<int>(), []));
        if (version >= DeltaVersion)
        {
            await using var deltas = connection.CreateCommand();
            deltas.Transaction = transaction;
            deltas.CommandText = "SELECT kind, gone, pairs FROM bridge.row_pair_delta";
            await using var deltaReader = await deltas.ExecuteReaderAsync(ct);
            while (await deltaReader.ReadAsync(ct))
            {
                // Changes that are not whole ids and pairs, or a changed pair whose id is not gone from the parts, were not
                // written by Bridge: no pair is trusted then, as for a part.
                var kind = (ObjectKind)deltaReader.GetInt32(0);
                if (!Enum.IsDefined(kind))
                {
                    continue;
                }

                var changed = new List<RowPair>();
                if (UnpackIds((byte[])deltaReader.GetValue(1)) is not { } gone || !TryUnpack((byte[])deltaReader.GetValue(2), null, changed))
                {
                    return null;
                }

                stored[kind] = new StoredPairs(pairs[kind], gone, changed);
                if (!stored[kind].IsWhole)
                {
                    return null;
                }
            }
        }

        return new PairState(DateTime.SpecifyKind(origin[0].At, DateTimeKind.Utc), origin[0].Context,
            stored.ToDictionary(p => p.Key, p => (IReadOnlyList<RowPair>)(p.Value.ChangeCount == 0 ? pairs[p.Key] : p.Value.Pairs())))
        {
            Stored = stored,
        };
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
    /// what the pairs were before (as read at the start of the run, which held the run lock since). A kind with a drop list
    /// rewrites only its changes since its parts were written (<see cref="StoredPairs"/>), or, once those pass
    /// <see cref="CompactAbove"/>, its parts whole with no changes beside them; a kind dropped whole is written whole.
    /// </summary>
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, PairState? stored, IReadOnlyDictionary<ObjectKind, List<int>?> drop,
        IReadOnlyDictionary<ObjectKind, List<RowPair>> add, DateTime comparedAt, string context, CancellationToken ct)
    {
        var sql = new Statements(connection, transaction, dialect);
        var parts = new List<object?[]>();
        var deltas = new List<object?[]>();
        var whole = new List<int>();
        foreach (var kind in ObjectKinds.All)
        {
            var added = add.GetValueOrDefault(kind) ?? [];
            if (drop[kind] is not { } dropped)
            {
                whole.Add((int)kind);
                parts.AddRange(Parts(kind, added));
                continue;
            }

            if (dropped.Count == 0 && added.Count == 0)
            {
                continue;
            }

            var before = stored?.Stored.GetValueOrDefault(kind)
                ?? new StoredPairs(stored?.Pairs.GetValueOrDefault(kind) ?? [], new HashSet<int>(), []);
            var after = before.After(dropped, added);
            if (after.ChangeCount > (CompactAbove ?? Math.Max(IdsPerPart, (int)(before.BaseCount * CompactShare))))
            {
                whole.Add((int)kind);
                parts.AddRange(Parts(kind, after.Pairs()));
                continue;
            }

            deltas.Add([(int)kind, PackIds(after.Gone), Pack([.. after.Changed])]);
        }

        if (whole.Count > 0)
        {
            var kinds = string.Join(",", whole);
            await sql.ExecuteAsync($"DELETE FROM bridge.row_pair_part WHERE kind IN ({kinds})", [], ct);
            await sql.ExecuteAsync($"DELETE FROM bridge.row_pair_delta WHERE kind IN ({kinds})", [], ct);
        }

        if (deltas.Count > 0)
        {
            await sql.ExecuteAsync($"DELETE FROM bridge.row_pair_delta WHERE kind IN ({string.Join(",", deltas.Select(d => d[0]))})", [], ct);
            await sql.InsertBulkAsync("bridge.row_pair_delta", DeltaColumns, deltas, ct);
        }

        if (parts.Count > 0)
        {
            await sql.InsertBulkAsync("bridge.row_pair_part", PartColumns, parts, ct);
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

    /// <summary>
    /// Adds the pairs of one stored part (null: of a kind's changes, any ids) to <paramref name="into"/>; false when the part is
    /// not what <see cref="Pack"/> writes for it.
    /// </summary>
    public static bool TryUnpack(ReadOnlySpan<byte> bytes, int? part, List<RowPair> into)
    {
        if (bytes.Length % PairBytes != 0)
        {
            return false;
        }

        into.EnsureCapacity(into.Count + (bytes.Length / PairBytes));
        for (; bytes.Length > 0; bytes = bytes[PairBytes..])
        {
            var peerId = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            if (part is { } p && Part(peerId) != p)
            {
                return false;
            }

            into.Add(new RowPair(peerId, BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]), BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[16..])));
        }

        return true;
    }

    /// <summary>Peer ids as stored with a kind's changes: 4 bytes each, little-endian.</summary>
    public static byte[] PackIds(IReadOnlyCollection<int> ids)
    {
        var bytes = new byte[ids.Count * sizeof(int)];
        var span = bytes.AsSpan();
        foreach (var id in ids)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span, id);
            span = span[sizeof(int)..];
        }

        return bytes;
    }

    /// <summary>The ids <see cref="PackIds"/> wrote; null when the bytes are not whole ids.</summary>
    public static HashSet<int>? UnpackIds(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(int) != 0)
        {
            return null;
        }

        var ids = new HashSet<int>(bytes.Length / sizeof(int));
        for (; bytes.Length > 0; bytes = bytes[sizeof(int)..])
        {
            ids.Add(BinaryPrimitives.ReadInt32LittleEndian(bytes));
        }

        return ids;
    }
}
