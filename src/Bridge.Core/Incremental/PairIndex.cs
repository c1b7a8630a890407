namespace Bridge.Core.Incremental;

/// <summary>
/// One kind's stored pairs found by either row's id. Each side is an array indexed by id when its ids are dense enough
/// (Blech's ids count up from 1, so nearly always: 4 bytes per id up to the largest, no hashing), else a dictionary (some 40
/// bytes per pair). A pair whose peer id or standby id an earlier pair already holds is left out: a state written by Bridge
/// never repeats an id, a hand-edited one might.
/// </summary>
public sealed class PairIndex
{
    private readonly IReadOnlyList<RowPair> _pairs;
    private readonly Ids _byPeer;
    private readonly Ids _byLocal;

    public PairIndex(IReadOnlyList<RowPair> pairs)
    {
        _pairs = pairs;
        _byPeer = new Ids(pairs, static p => p.PeerId);
        _byLocal = new Ids(pairs, static p => p.LocalId);
        for (var position = 0; position < pairs.Count; position++)
        {
            var pair = pairs[position];
            if (_byPeer.TryAdd(pair.PeerId, position) && !_byLocal.TryAdd(pair.LocalId, position))
            {
                _byPeer.Remove(pair.PeerId);
            }
        }
    }

    /// <summary>The pairs kept, in their stored order.</summary>
    public IEnumerable<RowPair> Pairs
    {
        get
        {
            for (var position = 0; position < _pairs.Count; position++)
            {
                if (_byPeer.Find(_pairs[position].PeerId) == position)
                {
                    yield return _pairs[position];
                }
            }
        }
    }

    public bool TryGetByPeer(int peerId, out RowPair pair) => TryGet(_byPeer, peerId, out pair);

    public bool TryGetByLocal(int localId, out RowPair pair) => TryGet(_byLocal, localId, out pair);

    private bool TryGet(Ids side, int id, out RowPair pair)
    {
        var position = side.Find(id);
        pair = position < 0 ? default : _pairs[position];
        return position >= 0;
    }

    // One side's ids to positions in the list.
    private sealed class Ids
    {
        // Sparse beyond this: an array of more than 4 slots per pair (and 4096 spare) costs more than a dictionary saves.
        private const int SlotsPerPair = 4;
        private const int SpareSlots = 4096;

        private readonly int[]? _dense; // position + 1; 0 for none
        private readonly Dictionary<int, int>? _sparse;

        public Ids(IReadOnlyList<RowPair> pairs, Func<RowPair, int> id)
        {
            var max = -1;
            var negative = false;
            foreach (var pair in pairs)
            {
                var value = id(pair);
                negative |= value < 0;
                max = Math.Max(max, value);
            }

            if (!negative && max < (SlotsPerPair * (long)pairs.Count) + SpareSlots)
            {
                _dense = new int[max + 1];
            }
            else
            {
                _sparse = new Dictionary<int, int>(pairs.Count);
            }
        }

        public bool TryAdd(int id, int position)
        {
            if (_sparse is not null)
            {
                return _sparse.TryAdd(id, position);
            }

            if (_dense![id] != 0)
            {
                return false;
            }

            _dense[id] = position + 1;
            return true;
        }

        public void Remove(int id)
        {
            if (_sparse is not null)
            {
                _sparse.Remove(id);
            }
            else
            {
                _dense![id] = 0;
            }
        }

        // The position of the pair holding id; -1 for none.
        public int Find(int id)
        {
            if (_sparse is not null)
            {
                return _sparse.TryGetValue(id, out var position) ? position : -1;
            }

            return (uint)id < (uint)_dense!.Length ? _dense[id] - 1 : -1;
        }
    }
}
