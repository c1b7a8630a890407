using Bridge.Core.Incremental;

namespace Bridge.Core.Tests;

/// <summary>
/// A listing's summary (row count, XOR of row hashes) once some of its rows are listed again, computed without making the new
/// listing: the standby's fingerprint after an incremental sync comes from it.
/// </summary>
public sealed class ListingTests
{
    [Test]
    public void TheSummaryOfAListingBroughtUpToDateIsThatOfTheListingItWouldBe([Values(1, 2, 3, 4, 5, 6)] int seed)
    {
        var random = new Random(seed);
        var before = new Listing();
        var relisted = new Listing();
        var ids = new Dictionary<ObjectKind, HashSet<int>?>();
        foreach (var kind in ObjectKinds.All)
        {
            for (var id = 1; id <= 200; id++)
            {
                if (random.Next(10) > 0)
                {
                    before[kind][id] = new RowMark(0, random.NextInt64(long.MinValue, long.MaxValue));
                }
            }

            // Listed again: some ids that were there, some that were not; each found again changed, unchanged or gone. Now
            // and then a kind is listed again whole, or a row outside the ids comes back too.
            if (kind == ObjectKind.Zone)
            {
                ids[kind] = null;
                foreach (var id in Enumerable.Range(1, 250).Where(_ => random.Next(3) > 0))
                {
                    relisted[kind][id] = new RowMark(0, random.NextInt64());
                }

                continue;
            }

            var again = Enumerable.Range(0, random.Next(0, 60)).Select(_ => random.Next(1, 260)).ToHashSet();
            ids[kind] = again;
            foreach (var id in again)
            {
                switch (random.Next(3))
                {
                    case 0 when before[kind].TryGetValue(id, out var mark):
                        relisted[kind][id] = mark;
                        break;
                    case 1:
                        relisted[kind][id] = new RowMark(0, random.NextInt64());
                        break;
                }
            }

            if (random.Next(2) == 0 && before[kind].Keys.FirstOrDefault(id => !again.Contains(id)) is var outside and > 0)
            {
                relisted[kind][outside] = new RowMark(0, random.NextInt64());
            }
        }

        foreach (var kind in ObjectKinds.All)
        {
            Assert.That(before.SummaryOverlaid(kind, relisted, ids), Is.EqualTo(Overlaid(before, relisted, ids, kind).Summary(kind)), kind.ToString());
        }
    }

    [Test]
    public void ASummaryIsTheCountAndTheXorOfTheHashes()
    {
        var listing = new Listing();
        listing[ObjectKind.Site][1] = new RowMark(0, 0b1100);
        listing[ObjectKind.Site][2] = new RowMark(0, 0b1010);
        listing[ObjectKind.Site][3] = new RowMark(0, -1);
        Assert.That(listing.Summary(ObjectKind.Site), Is.EqualTo((3, ~0b0110UL)));
        Assert.That(listing.Summary(ObjectKind.Zone), Is.EqualTo((0, 0UL)));
    }

    // The listing made the plain way: the rows of the ids dropped, every row listed again put in.
    private static Listing Overlaid(Listing before, Listing relisted, Dictionary<ObjectKind, HashSet<int>?> ids, ObjectKind kind)
    {
        var result = new Listing();
        if (ids[kind] is { } replaced)
        {
            foreach (var (id, mark) in before[kind].Where(r => !replaced.Contains(r.Key)))
            {
                result[kind][id] = mark;
            }
        }

        foreach (var (id, mark) in relisted[kind])
        {
            result[kind][id] = mark;
        }

        return result;
    }
}
