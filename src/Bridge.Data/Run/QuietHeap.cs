using System.Runtime;

namespace Bridge.Data.Run;

/// <summary>
/// Holds the garbage collector off for a run that reads many rows. Such a run keeps nearly everything it allocates until it
/// ends: every row read, its normalized form, its step in the plan. So a collection frees little and copies the rest, with
/// every thread stopped, the writers to the standby too. On large (PostgreSQL), a full sync into an empty standby spent
/// 430 ms of its 3.1 s in five such pauses. The region is sized by the rows the run reads and capped at an eighth of the
/// memory the process may use. A run that outgrows it collects as before. A run that reads few rows is left alone: there a
/// collection reuses memory already touched, which costs less than fresh pages.
/// </summary>
public sealed class QuietHeap : IDisposable
{
    /// <summary>Below this many rows read (both machines together), the collector runs as usual.</summary>
    public const long MinRows = 50_000;

    /// <summary>What a run allocates for each row it reads, read, normalized, planned and written, measured on large (about 2 KB).</summary>
    public const long BytesPerRow = 2048;

    /// <summary>The region of a run that reads everything without a listing first, so without a count: as for 500,000 rows.</summary>
    public const long UncountedBytes = 1L << 30;

    private readonly bool _toExit;

    private QuietHeap(long bytes, bool toExit)
    {
        Bytes = bytes;
        _toExit = toExit;
    }

    /// <summary>The size of the region held, in bytes; 0 when none was.</summary>
    public long Bytes { get; }

    /// <summary>
    /// Holds the collector off for a run reading <paramref name="rows"/> rows (null: not counted, everything); with
    /// <paramref name="toExit"/>, past the run's end to the process's (the region then ends when it is used up, or never).
    /// </summary>
    public static QuietHeap For(long? rows, bool toExit = false) =>
        rows < MinRows ? new(0, toExit) : For(rows, toExit, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>As <see cref="For(long?, bool)"/>, with the cap given (tests).</summary>
    public static QuietHeap For(long? rows, bool toExit, long cap)
    {
        if (rows < MinRows)
        {
            return new(0, toExit);
        }

        var bytes = Math.Min(rows is { } n ? n * BytesPerRow : UncountedBytes, cap);
        try
        {
            return new(GC.TryStartNoGCRegion(bytes) ? bytes : 0, toExit);
        }
        catch (ArgumentOutOfRangeException)
        {
            // More than this runtime holds in one region.
            return new(0, toExit);
        }
        catch (InvalidOperationException)
        {
            // Another region is held already.
            return new(0, toExit);
        }
    }

    public void Dispose()
    {
        // A region the run outgrew has ended with the collection that followed.
        if (Bytes > 0 && !_toExit && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // Ended meanwhile, by a collection the region did not hold off.
            }
        }
    }
}
