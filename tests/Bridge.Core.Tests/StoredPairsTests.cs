using Bridge.Core.Incremental;

namespace Bridge.Core.Tests;

/// <summary>
/// The pairs kept as a base and the changes since: after any run of syncs, each dropping some pairs and adding others (an added
/// pair replacing its peer id's), they are what the same syncs give applied to the whole list.
/// </summary>
public sealed class StoredPairsTests
{
    [Test]
    public void ChangesOverABaseGiveThePairsTheSyncsLeft([Values(1, 2, 3, 4, 5)] int seed)
    {
        var random = new Random(seed);
        var whole = Enumerable.Range(1, 300).Select(id => Pair(id, random)).ToDictionary(p => p.PeerId);
        var stored = new StoredPairs([.. whole.Values], new HashSet<int>(), []);
        for (var sync = 0; sync < 40; sync++)
        {
            // Ids that are there, ids that are gone already, and new ids above the base's.
            var dropped = Enumerable.Range(0, random.Next(0, 12)).Select(_ => random.Next(1, 400)).Distinct().ToList();
            var added = Enumerable.Range(0, random.Next(0, 12)).Select(_ => Pair(random.Next(1, 400), random)).DistinctBy(p => p.PeerId).ToList();
            foreach (var id in dropped)
            {
                whole.Remove(id);
            }

            foreach (var pair in added)
            {
                whole[pair.PeerId] = pair;
            }

            stored = stored.After(dropped, added);

            Assert.That(stored.Pairs(), Is.EquivalentTo(whole.Values), $"after sync {sync}");
            Assert.That(stored.Pairs().Select(p => p.PeerId), Is.Unique, $"after sync {sync}");
            Assert.That(stored.IsWhole, Is.True);
        }

        Assert.That(stored.BaseCount, Is.EqualTo(300), "the base is never rewritten by a change");
    }

    [Test]
    public void PairsAddedAndDroppedSinceAnEmptyBaseLeaveWhatIsLeft()
    {
        var stored = new StoredPairs([], new HashSet<int>(), [])
            .After([], [new(1, 10, 11, 110), new(2, 20, 12, 120), new(3, 30, 13, 130)])
            .After([1, 2], []);
        Assert.That(stored.Pairs(), Is.EqualTo(new[] { new RowPair(3, 30, 13, 130) }));
    }

    [Test]
    public void AChangedPairWhoseIdIsNotGoneIsNotWhole()
    {
        RowPair[] basePairs = [new(1, 10, 11, 110), new(2, 20, 12, 120)];
        var handEdited = new StoredPairs(basePairs, new HashSet<int> { 1 }, [new(2, 21, 12, 121)]);
        Assert.That(handEdited.IsWhole, Is.False, "pair 2 would be there twice");
        Assert.That(new StoredPairs(basePairs, new HashSet<int> { 2 }, [new(2, 21, 12, 121)]).IsWhole, Is.True);
    }

    private static RowPair Pair(int peerId, Random random) => new(peerId, random.NextInt64(), peerId + 10_000, random.NextInt64());
}
