namespace Bridge.Data.Run;

/// <summary>
/// Where a run is, for the progress lines of a long run: the phase, the rows read from both databases and the rows written.
/// Written by the run, read from another thread every few seconds.
/// </summary>
public sealed class RunProgress
{
    private long _read;
    private long _applied;
    private volatile string _phase = "starting";

    public string Phase => _phase;

    public long RowsRead => Interlocked.Read(ref _read);

    public long RowsApplied => Interlocked.Read(ref _applied);

    public void Enter(string phase) => _phase = phase;

    public void AddRead(long rows) => Interlocked.Add(ref _read, rows);

    public void AddApplied(long rows) => Interlocked.Add(ref _applied, rows);
}
