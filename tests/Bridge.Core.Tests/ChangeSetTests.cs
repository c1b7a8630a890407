using Bridge.Core.Incremental;
using Bridge.Core.Model;

namespace Bridge.Core.Tests;

/// <summary>
/// Which rows an incremental sync reads. The pair of machines here: two clients (peer ids 1, 2; standby ids 11, 12), each with a
/// zone (peer 101, 102; standby 111, 112), zone 101/111 with two records (peer 1001, 1002; standby 1011, 1012), zone 102/112
/// with one (peer 1003; standby 1013), and twenty more of each; every pair stored with the hashes both rows have now.
/// </summary>
public sealed class ChangeSetTests
{
    private Listing _peer = null!;
    private Listing _local = null!;
    private Dictionary<ObjectKind, List<RowPair>> _pairs = null!;

    [SetUp]
    public void Build()
    {
        _peer = new Listing();
        _local = new Listing();
        _pairs = ObjectKinds.All.ToDictionary(k => k, _ => new List<RowPair>());
        Row(ObjectKind.Client, 1, 11, 0, 0);
        Row(ObjectKind.Client, 2, 12, 0, 0);
        Row(ObjectKind.Zone, 101, 111, 1, 11);
        Row(ObjectKind.Zone, 102, 112, 2, 12);
        Row(ObjectKind.Record, 1001, 1011, 101, 111);
        Row(ObjectKind.Record, 1002, 1012, 101, 111);
        Row(ObjectKind.Record, 1003, 1013, 102, 112);

        // Twenty more clients with a zone and a record each, so that a few changes stay a small share of every kind.
        for (var i = 0; i < 20; i++)
        {
            Row(ObjectKind.Client, 500 + i, 600 + i, 0, 0);
            Row(ObjectKind.Zone, 700 + i, 800 + i, 500 + i, 600 + i);
            Row(ObjectKind.Record, 900 + i, 950 + i, 700 + i, 800 + i);
        }
    }

    private void Row(ObjectKind kind, int peerId, int localId, int peerParent, int localParent)
    {
        _peer[kind][peerId] = new RowMark(peerParent, peerId * 7L);
        _local[kind][localId] = new RowMark(localParent, localId * 7L);
        _pairs[kind].Add(new RowPair(peerId, peerId * 7L, localId, localId * 7L));
    }

    private ChangeSet Find() => ChangeSet.Find(_peer, _local, _pairs.ToDictionary(p => p.Key, p => (IReadOnlyList<RowPair>)p.Value));

    private static string Ids(IReadOnlyDictionary<ObjectKind, HashSet<int>?> ids) =>
        string.Join(" ", ObjectKinds.All.Where(k => ids[k] is not { Count: 0 }).Select(k => $"{k.Name()}:{(ids[k] is { } set ? string.Join(",", set.Order()) : "all")}"));

    [Test]
    public void NothingChangedReadsNothing()
    {
        var changes = Find();

        Assert.That(changes.Changed, Is.Zero);
        Assert.That(Ids(changes.Peer), Is.Empty);
        Assert.That(Ids(changes.Local), Is.Empty);
    }

    [Test]
    public void AnEditedRecordOnThePeerIsReadWithItsPairAndItsParents()
    {
        _peer[ObjectKind.Record][1002] = _peer[ObjectKind.Record][1002] with { Hash = 5 };

        var changes = Find();

        Assert.That(changes.Changed, Is.EqualTo(1));
        Assert.That(Ids(changes.Peer), Is.EqualTo("client:1 zone:101 record:1002"));
        Assert.That(Ids(changes.Local), Is.EqualTo("client:11 zone:111 record:1012"));
    }

    [Test]
    public void AnEditOnTheStandbyIsReadWithThePeersRow()
    {
        _local[ObjectKind.Record][1013] = _local[ObjectKind.Record][1013] with { Hash = 5 };

        var changes = Find();

        Assert.That(Ids(changes.Peer), Is.EqualTo("client:2 zone:102 record:1003"));
        Assert.That(Ids(changes.Local), Is.EqualTo("client:12 zone:112 record:1013"));
    }

    [Test]
    public void ARowGoneOnEitherSideHasTheOtherRowOfItsPairRead()
    {
        _peer[ObjectKind.Record].Remove(1001);
        _local[ObjectKind.Record].Remove(1013);

        var changes = Find();

        Assert.That(changes.Changed, Is.EqualTo(2));
        Assert.That(changes.Peer[ObjectKind.Record], Is.EquivalentTo(new[] { 1003 }));
        Assert.That(changes.Local[ObjectKind.Record], Is.EquivalentTo(new[] { 1011 }));
    }

    [Test]
    public void ARowWithoutAPairIsReadOnEveryRunUntilItHasOne()
    {
        _peer[ObjectKind.Record][1004] = new RowMark(102, 99);
        _local[ObjectKind.Record][1014] = new RowMark(111, 98);

        var changes = Find();

        Assert.That(changes.Peer[ObjectKind.Record], Is.EquivalentTo(new[] { 1004 }));
        Assert.That(changes.Local[ObjectKind.Record], Is.EquivalentTo(new[] { 1014 }));
        Assert.That(changes.Peer[ObjectKind.Zone], Is.EquivalentTo(new[] { 101, 102 }), "the parents of both, and their pairs");
        Assert.That(changes.Local[ObjectKind.Zone], Is.EquivalentTo(new[] { 111, 112 }));
    }

    [Test]
    public void AParentWhoseKeyStayedTakesNoChildrenAlong()
    {
        // A zone whose serial moved: its records' keys are read through its origin, which did not move.
        _peer[ObjectKind.Zone][101] = _peer[ObjectKind.Zone][101] with { Hash = 5 };

        var changes = Find();

        Assert.That(changes.Peer[ObjectKind.Record], Is.Empty);
        Assert.That(changes.Local[ObjectKind.Record], Is.Empty);
        Assert.That(changes.Peer[ObjectKind.Zone], Is.EquivalentTo(new[] { 101 }));
        Assert.That(changes.Local[ObjectKind.Zone], Is.EquivalentTo(new[] { 111 }));
    }

    [Test]
    public void UnderARenamedParentEveryChildIsReadOnBothSides()
    {
        // A renamed zone: its records' keys are read through it, so each of them is read although no record row changed.
        _peer[ObjectKind.Zone][101] = _peer[ObjectKind.Zone][101] with { Hash = 5, Key = "renamed.example" };

        var changes = Find();

        Assert.That(changes.Peer[ObjectKind.Record], Is.EquivalentTo(new[] { 1001, 1002 }));
        Assert.That(changes.Local[ObjectKind.Record], Is.EquivalentTo(new[] { 1011, 1012 }));
        Assert.That(changes.Peer[ObjectKind.Client], Is.EquivalentTo(new[] { 1 }));
    }

    [Test]
    public void AHashThatEqualsTheOtherSidesButNotItsOwnPairsIsStillAChange()
    {
        // The pair's stored hashes are per side: a standby row that now has the peer's hash value has still changed.
        _local[ObjectKind.Client][11] = _local[ObjectKind.Client][11] with { Hash = 1 * 7L };

        var changes = Find();

        Assert.That(changes.Local[ObjectKind.Client], Does.Contain(11));
        Assert.That(changes.Peer[ObjectKind.Client], Does.Contain(1));
    }

    [Test]
    public void AKindMostlyChangedIsReadWholeWithItsParents()
    {
        foreach (var id in Enumerable.Range(900, 15))
        {
            _peer[ObjectKind.Record][id] = _peer[ObjectKind.Record][id] with { Hash = 5 };
        }

        var changes = Find();

        Assert.That(changes.Peer[ObjectKind.Record], Is.Null);
        Assert.That(changes.Local[ObjectKind.Record], Is.Null);
        Assert.That(changes.Peer[ObjectKind.Zone], Is.Null);
        Assert.That(changes.Peer[ObjectKind.Client], Is.Null);
        Assert.That(changes.Peer[ObjectKind.Site], Is.Not.Null, "a kind that is not a parent of a whole kind stays filtered");
    }

    [Test]
    public void PairsOfEveryRowReadOrGoneAreReplacedAndTheOthersKept()
    {
        _peer[ObjectKind.Record][1002] = _peer[ObjectKind.Record][1002] with { Hash = 5 };
        _local[ObjectKind.Record].Remove(1013);
        var stored = _pairs.ToDictionary(p => p.Key, p => (IReadOnlyList<RowPair>)p.Value);
        var changes = ChangeSet.Find(_peer, _local, stored);

        var drop = Pairing.ToDrop(stored, changes, _peer, _local);

        Assert.That(drop[ObjectKind.Record], Is.EquivalentTo(new[] { 1002, 1003 }));
        Assert.That(drop[ObjectKind.Zone], Is.EquivalentTo(new[] { 101, 102 }), "read as parents: replaced by the same pairs");
        Assert.That(drop[ObjectKind.Site], Is.Empty);
    }

    [Test]
    public void AListingOverlaidWithTheRowsListedAgainSumsUpEveryRowAsItIsNow()
    {
        var before = new Listing();
        before[ObjectKind.Record][1] = new RowMark(10, 1);
        before[ObjectKind.Record][2] = new RowMark(10, 2);
        before[ObjectKind.Record][3] = new RowMark(10, 3);
        before[ObjectKind.Zone][10] = new RowMark(0, 10);
        var again = new Listing();
        again[ObjectKind.Record][2] = new RowMark(10, 22);
        again[ObjectKind.Record][4] = new RowMark(10, 4);
        again[ObjectKind.Zone][11] = new RowMark(0, 11);
        var ids = ObjectKinds.All.ToDictionary(k => k, k => k == ObjectKind.Record ? new HashSet<int> { 2, 3, 4 } : k == ObjectKind.Zone ? null : new HashSet<int>());

        Assert.That(before.SummaryOverlaid(ObjectKind.Record, again, ids), Is.EqualTo((3, 1UL ^ 22UL ^ 4UL)),
            "1 kept, 2 changed, 3 gone (listed again without a row), 4 new");
        Assert.That(before.SummaryOverlaid(ObjectKind.Zone, again, ids), Is.EqualTo((1, 11UL)), "a kind listed again whole is taken whole");
        Assert.That(before.SummaryOverlaid(ObjectKind.Site, again, ids), Is.EqualTo((0, 0UL)));
        Assert.That(before[ObjectKind.Record], Has.Count.EqualTo(3), "the listing itself is left as it was");
    }
}
