using System.Runtime;
using Bridge.Data.Run;

namespace Bridge.Cli.Tests;

/// <summary>The collector held off for a run that reads many rows, and given back when the run ends (process-wide state).</summary>
[NonParallelizable]
public sealed class QuietHeapTests
{
    private const long Cap = 256L << 20;

    [TearDown]
    public void EndAnyRegion()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
    }

    [Test]
    public void ARunReadingFewRowsLeavesTheCollectorAlone()
    {
        using (var quiet = QuietHeap.For(QuietHeap.MinRows - 1, toExit: false, Cap))
        {
            Assert.That(quiet.Bytes, Is.Zero);
            Assert.That(GCSettings.LatencyMode, Is.Not.EqualTo(GCLatencyMode.NoGCRegion));
        }
    }

    [Test]
    public void ARunReadingManyRowsHoldsTheCollectorOffUntilItEnds()
    {
        using (var quiet = QuietHeap.For(QuietHeap.MinRows, toExit: false, Cap))
        {
            Assert.That(quiet.Bytes, Is.EqualTo(QuietHeap.MinRows * QuietHeap.BytesPerRow));
            Assert.That(GCSettings.LatencyMode, Is.EqualTo(GCLatencyMode.NoGCRegion));
        }

        Assert.That(GCSettings.LatencyMode, Is.Not.EqualTo(GCLatencyMode.NoGCRegion));
    }

    [Test]
    public void TheRegionIsCappedAndAnUncountedRunGetsTheCap()
    {
        using (var counted = QuietHeap.For(10_000_000, toExit: false, Cap))
        {
            Assert.That(counted.Bytes, Is.EqualTo(Cap));
        }

        using (var uncounted = QuietHeap.For(null, toExit: false, 1L << 40))
        {
            Assert.That(uncounted.Bytes, Is.EqualTo(QuietHeap.UncountedBytes));
        }
    }

    [Test]
    public void ARunThatOutgrowsItsRegionCollectsAsBeforeAndEndsCleanly()
    {
        var quiet = QuietHeap.For(QuietHeap.MinRows, toExit: false, Cap);
        Assert.That(quiet.Bytes, Is.GreaterThan(0));
        var kept = new List<byte[]>();
        for (long allocated = 0; allocated < 2 * quiet.Bytes; allocated += 1 << 20)
        {
            kept.Add(new byte[1 << 20]);
        }

        Assert.That(GCSettings.LatencyMode, Is.Not.EqualTo(GCLatencyMode.NoGCRegion), "the region ended when it was used up");
        Assert.DoesNotThrow(quiet.Dispose);
        GC.KeepAlive(kept);
    }

    [Test]
    public void ASecondRegionIsNotStartedWhileOneIsHeld()
    {
        using var first = QuietHeap.For(QuietHeap.MinRows, toExit: false, Cap);
        using var second = QuietHeap.For(QuietHeap.MinRows, toExit: false, Cap);

        Assert.That((first.Bytes, second.Bytes), Is.EqualTo((QuietHeap.MinRows * QuietHeap.BytesPerRow, 0L)));
    }

    [Test]
    public void ARunThatEndsTheProcessKeepsTheRegionPastItsEnd()
    {
        using (QuietHeap.For(QuietHeap.MinRows, toExit: true, Cap))
        {
        }

        Assert.That(GCSettings.LatencyMode, Is.EqualTo(GCLatencyMode.NoGCRegion), "no collection between the run's end and the exit");
    }
}
