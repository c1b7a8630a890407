namespace Bridge.Core.Incremental;

/// <summary>
/// The pairs of one kind as Bridge stores them: a base written whole, and the changes since, kept apart so that a sync that
/// changes a few rows writes only those. <see cref="Gone"/> holds the peer ids whose base pair no longer holds (dropped or
/// replaced since), <see cref="Changed"/> the pairs that replace some of them; every changed pair's peer id is gone from the
/// base. The pairs are the base's not gone, and the changed.
/// </summary>
public sealed class StoredPairs
{
    private readonly IReadOnlyList<RowPair> _base;

    public StoredPairs(IReadOnlyList<RowPair> basePairs, IReadOnlySet<int> gone, IReadOnlyList<RowPair> changed)
    {
        _base = basePairs;
        Gone = gone;
        Changed = changed;
    }

    /// <summary>How many pairs the base holds, gone or not.</summary>
    public int BaseCount => _base.Count;

    public IReadOnlySet<int> Gone { get; }

    public IReadOnlyList<RowPair> Changed { get; }

    /// <summary>How big the changes are: a gone id counts once, a changed pair once more.</summary>
    public int ChangeCount => Gone.Count + Changed.Count;

    /// <summary>Whether every changed pair's peer id is among the gone ones, as <see cref="After"/> keeps it (a hand edit may not).</summary>
    public bool IsWhole => Changed.All(p => Gone.Contains(p.PeerId));

    /// <summary>The pairs as they are: the base's not gone, then the changed.</summary>
    public List<RowPair> Pairs()
    {
        // Gone may hold ids the base never had (rows added, then dropped, since): the size is only a hint.
        var pairs = new List<RowPair>(Math.Max(0, _base.Count - Gone.Count) + Changed.Count);
        if (Gone.Count == 0)
        {
            pairs.AddRange(_base);
        }
        else
        {
            foreach (var pair in _base)
            {
                if (!Gone.Contains(pair.PeerId))
                {
                    pairs.Add(pair);
                }
            }
        }

        pairs.AddRange(Changed);
        return pairs;
    }

    /// <summary>
    /// The changes once a sync has dropped the pairs of <paramref name="dropped"/> (peer ids) and added <paramref name="added"/>
    /// (each replaces any pair of its peer id), over the same base: the pairs they give are this one's, with those applied.
    /// </summary>
    public StoredPairs After(IEnumerable<int> dropped, IReadOnlyList<RowPair> added)
    {
        var replaced = new HashSet<int>(dropped);
        foreach (var pair in added)
        {
            replaced.Add(pair.PeerId);
        }

        var gone = new HashSet<int>(Gone);
        gone.UnionWith(replaced);
        var changed = new List<RowPair>(Changed.Count + added.Count);
        foreach (var pair in Changed)
        {
            if (!replaced.Contains(pair.PeerId))
            {
                changed.Add(pair);
            }
        }

        changed.AddRange(added);
        return new StoredPairs(_base, gone, changed);
    }
}
