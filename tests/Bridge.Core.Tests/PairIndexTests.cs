using Bridge.Core.Incremental;

namespace Bridge.Core.Tests;

/// <summary>The stored pairs found by either row's id, whether the ids are dense (an array) or not (a dictionary).</summary>
public sealed class PairIndexTests
{
    // What the index replaced: two dictionaries, a pair kept only when neither of its ids was taken by an earlier pair.
    private static (Dictionary<int, RowPair> ByPeer, Dictionary<int, RowPair> ByLocal) Reference(IEnumerable<RowPair> pairs)
    {
        var byPeer = new Dictionary<int, RowPair>();
        var byLocal = new Dictionary<int, RowPair>();
        foreach (var pair in pairs)
        {
            if (byPeer.TryAdd(pair.PeerId, pair) && !byLocal.TryAdd(pair.LocalId, pair))
            {
                byPeer.Remove(pair.PeerId);
            }
        }

        return (byPeer, byLocal);
    }

    private static void AssertSame(List<RowPair> pairs, IEnumerable<int> probes)
    {
        var index = new PairIndex(pairs);
        var (byPeer, byLocal) = Reference(pairs);
        Assert.That(index.Pairs, Is.EqualTo(byPeer.Values), "the pairs kept, in their stored order");
        foreach (var id in probes)
        {
            Assert.That(index.TryGetByPeer(id, out var peerPair), Is.EqualTo(byPeer.TryGetValue(id, out var expectedPeer)), $"peer id {id}");
            Assert.That(peerPair, Is.EqualTo(expectedPeer), $"peer id {id}");
            Assert.That(index.TryGetByLocal(id, out var localPair), Is.EqualTo(byLocal.TryGetValue(id, out var expectedLocal)), $"standby id {id}");
            Assert.That(localPair, Is.EqualTo(expectedLocal), $"standby id {id}");
        }
    }

    [Test]
    public void DenseIdsAreFoundOnBothSidesAndNothingElseIs()
    {
        var pairs = Enumerable.Range(1, 1000).Select(i => new RowPair(i, i * 3L, 5000 - i, i * 7L)).ToList();
        var index = new PairIndex(pairs);

        Assert.That(index.TryGetByPeer(10, out var byPeer), Is.True);
        Assert.That(byPeer, Is.EqualTo(new RowPair(10, 30, 4990, 70)));
        Assert.That(index.TryGetByLocal(4990, out var byLocal), Is.True);
        Assert.That(byLocal, Is.EqualTo(byPeer));
        foreach (var id in new[] { 0, 1001, -1, int.MinValue, int.MaxValue })
        {
            Assert.That(index.TryGetByPeer(id, out _), Is.False, $"peer id {id}");
        }

        Assert.That(index.TryGetByLocal(5000, out _), Is.False);
        Assert.That(index.Pairs.Count(), Is.EqualTo(1000));
    }

    [Test]
    public void IdsTooFarApartOrBelowZeroAreFoundAllTheSame()
    {
        var pairs = new List<RowPair> { new(2_000_000_000, 1, 7, 2), new(-5, 3, int.MaxValue, 4), new(3, 5, -2_000_000_000, 6) };

        AssertSame(pairs, [2_000_000_000, -5, 3, 7, int.MaxValue, -2_000_000_000, 0, 4, int.MinValue]);
    }

    [Test]
    public void ARepeatedIdKeepsTheFirstPairAsTheDictionariesDid([Values(50, 5_000_000)] int idRange, [Values(1, 2, 3)] int seed)
    {
        // Ids drawn from a small range repeat often (hand-edited states); from a wide one, the index is a dictionary.
        var random = new Random(seed);
        var pairs = Enumerable.Range(0, 200).Select(_ => new RowPair(random.Next(idRange), random.NextInt64(), random.Next(idRange), random.NextInt64())).ToList();

        AssertSame(pairs, pairs.SelectMany(p => new[] { p.PeerId, p.LocalId }).Concat(Enumerable.Range(0, 60)));
    }
}
