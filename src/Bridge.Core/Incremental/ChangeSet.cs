using Bridge.Core.Model;
using Bridge.Core.Plan;

namespace Bridge.Core.Incremental;

/// <summary>
/// One row as its server lists it: the id of its parent row on the same side (0 for none), the hash of the row, and for a
/// parent row the key its children are read through, in lower case without a final dot (null otherwise).
/// </summary>
public readonly record struct RowMark(int Parent, long Hash, string? Key = null);

/// <summary>
/// Two rows Bridge left equal at the end of a sync: the peer's row and the standby's row with the same natural key, each with
/// the hash its columns had then.
/// </summary>
public readonly record struct RowPair(int PeerId, long PeerHash, int LocalId, long LocalHash);

/// <summary>Every row of every kind on one side, as the server listed it: id to <see cref="RowMark"/>.</summary>
public sealed class Listing
{
    private readonly Dictionary<ObjectKind, Dictionary<int, RowMark>> _rows = ObjectKinds.All.ToDictionary(k => k, _ => new Dictionary<int, RowMark>());

    public Dictionary<int, RowMark> this[ObjectKind kind] => _rows[kind];

    public int Total => _rows.Values.Sum(r => r.Count);

    /// <summary>How many rows of <paramref name="kind"/> the listing holds, and the XOR of their hashes.</summary>
    public (int Count, ulong Hash) Summary(ObjectKind kind)
    {
        var hash = 0UL;
        foreach (var mark in this[kind].Values)
        {
            hash ^= unchecked((ulong)mark.Hash);
        }

        return (this[kind].Count, hash);
    }

    /// <summary>
    /// The <see cref="Summary"/> of this listing with the rows of <paramref name="ids"/> replaced by those of
    /// <paramref name="relisted"/> (a kind mapped to null is taken from <paramref name="relisted"/> whole; an id listed again
    /// without a row is gone), without making that listing.
    /// </summary>
    public (int Count, ulong Hash) SummaryOverlaid(ObjectKind kind, Listing relisted, IReadOnlyDictionary<ObjectKind, HashSet<int>?> ids)
    {
        if (ids[kind] is not { } replaced)
        {
            return relisted.Summary(kind);
        }

        var rows = this[kind];
        var (count, hash) = Summary(kind);
        foreach (var id in replaced)
        {
            if (rows.TryGetValue(id, out var mark))
            {
                count--;
                hash ^= unchecked((ulong)mark.Hash);
            }
        }

        foreach (var (id, mark) in relisted[kind])
        {
            // A row listed again outside the ids replaces its old self all the same.
            if (!replaced.Contains(id) && rows.TryGetValue(id, out var old))
            {
                count--;
                hash ^= unchecked((ulong)old.Hash);
            }

            count++;
            hash ^= unchecked((ulong)mark.Hash);
        }

        return (count, hash);
    }
}

/// <summary>
/// Which rows a sync must read on each side, found from the two sides' listings and the pairs the last sync left equal. A row
/// is read when its hash differs from the one stored with its pair, when it has no pair (new, or never matched: skipped,
/// refused, kept), or when the other row of its pair changed or is gone; and with it what the plan needs to place it: the
/// other row of its pair, its parent rows (and their pairs), and, under a parent whose key moved or that lost its pair, every
/// child (its natural key is read through the parent). A row that is equal on both sides and in a pair both sides still hold unchanged is not read.
/// Exact as far as the hashes are: a change goes unseen only if a row's new 64-bit hash equals its old one (about one chance
/// in 2^64 per changed row).
/// </summary>
public sealed class ChangeSet
{
    /// <summary>Above this share of a kind's rows, that kind (and its parents) are read whole: one scan beats long id lists.</summary>
    public const double WholeKindShare = 0.25;

    private ChangeSet(Dictionary<ObjectKind, HashSet<int>?> peer, Dictionary<ObjectKind, HashSet<int>?> local, int changed)
    {
        Peer = peer;
        Local = local;
        Changed = changed;
    }

    /// <summary>The peer's ids to read, by kind; null for a kind read whole.</summary>
    public IReadOnlyDictionary<ObjectKind, HashSet<int>?> Peer { get; }

    /// <summary>The standby's ids to read, by kind; null for a kind read whole.</summary>
    public IReadOnlyDictionary<ObjectKind, HashSet<int>?> Local { get; }

    /// <summary>How many rows changed on either side (new, edited or gone) since the pairs were stored.</summary>
    public int Changed { get; }

    /// <summary>How many rows are to be read on both sides together (a kind read whole counts all its rows).</summary>
    public int ToRead(Listing peer, Listing local) =>
        ObjectKinds.All.Sum(k => (Peer[k]?.Count ?? peer[k].Count) + (Local[k]?.Count ?? local[k].Count));

    public static ChangeSet Find(Listing peer, Listing local, IReadOnlyDictionary<ObjectKind, IReadOnlyList<RowPair>> pairs)
    {
        var readPeer = ObjectKinds.All.ToDictionary(k => k, _ => new HashSet<int>());
        var readLocal = ObjectKinds.All.ToDictionary(k => k, _ => new HashSet<int>());
        var indexes = new Dictionary<ObjectKind, PairIndex>();

        // Parents whose key moved (the two rows of their pair name their children differently) or that have no whole pair:
        // their children are read too, on both sides.
        var movedPeer = ObjectKinds.All.ToDictionary(k => k, _ => new HashSet<int>());
        var movedLocal = ObjectKinds.All.ToDictionary(k => k, _ => new HashSet<int>());

        // Rows whose pair changed on either side.
        var dirtyPeer = ObjectKinds.All.ToDictionary(k => k, _ => new HashSet<int>());
        var dirtyLocal = ObjectKinds.All.ToDictionary(k => k, _ => new HashSet<int>());
        var changed = 0;

        foreach (var kind in ObjectKinds.All)
        {
            var index = indexes[kind] = new PairIndex(pairs.GetValueOrDefault(kind) ?? []);
            foreach (var (id, mark) in peer[kind])
            {
                if (!index.TryGetByPeer(id, out var pair) || pair.PeerHash != mark.Hash)
                {
                    changed++;
                    dirtyPeer[kind].Add(id);
                }
            }

            foreach (var (id, mark) in local[kind])
            {
                if (!index.TryGetByLocal(id, out var pair) || pair.LocalHash != mark.Hash)
                {
                    changed++;
                    dirtyLocal[kind].Add(id);
                }
            }

            // A pair one of whose rows changed or is gone: both its rows that still exist are read.
            foreach (var pair in index.Pairs)
            {
                var peerGone = !peer[kind].ContainsKey(pair.PeerId);
                var localGone = !local[kind].ContainsKey(pair.LocalId);
                changed += (peerGone ? 1 : 0) + (localGone ? 1 : 0);
                if (peerGone || localGone || dirtyPeer[kind].Contains(pair.PeerId) || dirtyLocal[kind].Contains(pair.LocalId))
                {
                    if (!peerGone)
                    {
                        dirtyPeer[kind].Add(pair.PeerId);
                    }

                    if (!localGone)
                    {
                        dirtyLocal[kind].Add(pair.LocalId);
                    }
                }
            }

            readPeer[kind].UnionWith(dirtyPeer[kind]);
            readLocal[kind].UnionWith(dirtyLocal[kind]);

            foreach (var id in dirtyPeer[kind])
            {
                if (!index.TryGetByPeer(id, out var pair) || !local[kind].TryGetValue(pair.LocalId, out var other) || other.Key != peer[kind][id].Key)
                {
                    movedPeer[kind].Add(id);
                }
            }

            foreach (var id in dirtyLocal[kind])
            {
                if (!index.TryGetByLocal(id, out var pair) || !peer[kind].TryGetValue(pair.PeerId, out var other) || other.Key != local[kind][id].Key)
                {
                    movedLocal[kind].Add(id);
                }
            }
        }

        // Under a changed parent every child is read, on both sides: a child's natural key and its parent's key are read
        // through the parent. Parents come first in ObjectKind's order.
        var childrenOf = ObjectKinds.All.Where(k => Planner.ParentKind(k) is not null).ToLookup(k => Planner.ParentKind(k)!.Value);
        foreach (var parentKind in ObjectKinds.All)
        {
            foreach (var childKind in childrenOf[parentKind])
            {
                AddChildren(peer[childKind], movedPeer[parentKind], readPeer[childKind]);
                AddChildren(local[childKind], movedLocal[parentKind], readLocal[childKind]);
                AddPairs(childKind);
            }
        }

        // What the plan needs to place each row read: its parent and grandparent, with their pairs. Children first.
        foreach (var kind in ObjectKinds.All.Reverse())
        {
            if (Planner.ParentKind(kind) is not { } parentKind)
            {
                continue;
            }

            AddParents(peer[kind], readPeer[kind], readPeer[parentKind]);
            AddParents(local[kind], readLocal[kind], readLocal[parentKind]);
            AddPairs(parentKind);
        }

        // A kind mostly changed is read whole, and then so are its parents (an unchanged row that differs would need them).
        var whole = new HashSet<ObjectKind>();
        foreach (var kind in ObjectKinds.All.Reverse())
        {
            var share = (double)(readPeer[kind].Count + readLocal[kind].Count) / Math.Max(1, peer[kind].Count + local[kind].Count);
            if (share > WholeKindShare || whole.Contains(kind))
            {
                whole.Add(kind);
                for (var parent = Planner.ParentKind(kind); parent is { } pk; parent = Planner.ParentKind(pk))
                {
                    whole.Add(pk);
                }
            }
        }

        return new ChangeSet(
            ObjectKinds.All.ToDictionary(k => k, k => whole.Contains(k) ? null : readPeer[k]),
            ObjectKinds.All.ToDictionary(k => k, k => whole.Contains(k) ? null : readLocal[k]),
            changed);

        // The other row of every pair one of whose rows is read.
        void AddPairs(ObjectKind kind)
        {
            foreach (var id in readPeer[kind].ToList())
            {
                if (indexes[kind].TryGetByPeer(id, out var pair) && local[kind].ContainsKey(pair.LocalId))
                {
                    readLocal[kind].Add(pair.LocalId);
                }
            }

            foreach (var id in readLocal[kind].ToList())
            {
                if (indexes[kind].TryGetByLocal(id, out var pair) && peer[kind].ContainsKey(pair.PeerId))
                {
                    readPeer[kind].Add(pair.PeerId);
                }
            }
        }
    }

    private static void AddChildren(Dictionary<int, RowMark> children, HashSet<int> dirtyParents, HashSet<int> read)
    {
        if (dirtyParents.Count == 0)
        {
            return;
        }

        foreach (var (id, mark) in children)
        {
            if (dirtyParents.Contains(mark.Parent))
            {
                read.Add(id);
            }
        }
    }

    private static void AddParents(Dictionary<int, RowMark> rows, HashSet<int> read, HashSet<int> parents)
    {
        foreach (var id in read)
        {
            if (rows.TryGetValue(id, out var mark) && mark.Parent != 0)
            {
                parents.Add(mark.Parent);
            }
        }
    }
}

/// <summary>How the pairs move after a sync: the stored pairs whose rows were read are replaced by the pairs the sync left equal.</summary>
public static class Pairing
{
    /// <summary>
    /// The peer ids of the stored pairs a sync replaces: every pair one of whose rows it read, or one of whose rows is gone. A
    /// kind read whole (null in <paramref name="read"/>) replaces all its pairs.
    /// </summary>
    public static Dictionary<ObjectKind, List<int>?> ToDrop(IReadOnlyDictionary<ObjectKind, IReadOnlyList<RowPair>> stored, ChangeSet read, Listing peer, Listing local) =>
        ObjectKinds.All.ToDictionary(k => k, k =>
        {
            if (read.Peer[k] is not { } peerIds || read.Local[k] is not { } localIds)
            {
                return (List<int>?)null;
            }

            return (stored.GetValueOrDefault(k) ?? [])
                .Where(p => peerIds.Contains(p.PeerId) || localIds.Contains(p.LocalId) || !peer[k].ContainsKey(p.PeerId) || !local[k].ContainsKey(p.LocalId))
                .Select(p => p.PeerId)
                .ToList();
        });

    /// <summary>
    /// The pairs a sync leaves equal: each peer object it read (not skipped) whose key the standby now holds under
    /// <paramref name="standbyIds"/>, unless the standby refused its step (<paramref name="refused"/>: it stays unequal and
    /// unpaired, so the next sync reads it again). Hashes: the peer's as listed before, the standby's as listed after the apply.
    /// </summary>
    public static Dictionary<ObjectKind, List<RowPair>> After(Normalize.SyncSet peerSet, IReadOnlyDictionary<(ObjectKind, string), int> standbyIds,
        IReadOnlySet<(ObjectKind, string)> refused, Listing peer, Listing localAfter)
    {
        var pairs = ObjectKinds.All.ToDictionary(k => k, _ => new List<RowPair>());
        foreach (var kind in ObjectKinds.All)
        {
            foreach (var (key, item) in peerSet[kind])
            {
                if (!refused.Contains((kind, key))
                    && standbyIds.TryGetValue((kind, key), out var localId)
                    && peer[kind].TryGetValue(item.Id, out var peerMark)
                    && localAfter[kind].TryGetValue(localId, out var localMark))
                {
                    pairs[kind].Add(new RowPair(item.Id, peerMark.Hash, localId, localMark.Hash));
                }
            }
        }

        return pairs;
    }
}
