using System.Globalization;
using System.Text.RegularExpressions;

namespace Bridge.Benchmarks;

/// What a bridge run's log lines say, and where its wall time went, from the lines' own figures and their arrival times.
public sealed partial record BridgeLog(
    long? PeerObjects,
    double? PeerReadMs,
    long? LocalObjects,
    double? LocalReadMs,
    long? AppliedChanges,
    long? Statements,
    long? QueuedRegenerations,
    double? ApplyMs,
    bool NothingChanged,
    bool SerialsRaised,
    IReadOnlyDictionary<string, double> Phases)
{
    public const string NothingChangedText = "nothing changed on either machine since the last sync";

    /// Rows applied a second by the apply step alone, when the run applied anything.
    public double? ApplyRowsPerSecond => AppliedChanges is > 0 && ApplyMs is > 0 ? AppliedChanges / (ApplyMs / 1000.0) : null;

    /// <paramref name="reportHead"/>: the start of the run's JSON report (stdout), where the no-op verdict is written as its <c>note</c>.
    public static BridgeLog Parse(ChildResult run, string? reportHead = null)
    {
        LogLine? peerLine = null, localLine = null, appliedLine = null;
        long? peerObjects = null, localObjects = null, changes = null, statements = null, queued = null;
        double? peerMs = null, localMs = null, applyMs = null;
        foreach (var line in run.Stderr)
        {
            if (ReadLine().Match(line.Text) is { Success: true } read)
            {
                var objects = long.Parse(read.Groups[1].Value, CultureInfo.InvariantCulture);
                var ms = double.Parse(read.Groups[3].Value, CultureInfo.InvariantCulture);
                if (read.Groups[2].Value == "peer" && peerLine is null)
                {
                    (peerLine, peerObjects, peerMs) = (line, objects, ms);
                }
                else if (read.Groups[2].Value == "local" && localLine is null)
                {
                    (localLine, localObjects, localMs) = (line, objects, ms);
                }
            }
            else if (AppliedLine().Match(line.Text) is { Success: true } applied && appliedLine is null)
            {
                appliedLine = line;
                changes = long.Parse(applied.Groups[1].Value, CultureInfo.InvariantCulture);
                statements = long.Parse(applied.Groups[2].Value, CultureInfo.InvariantCulture);
                queued = long.Parse(applied.Groups[3].Value, CultureInfo.InvariantCulture);
                applyMs = double.Parse(applied.Groups[4].Value, CultureInfo.InvariantCulture);
            }
        }

        var phases = new Dictionary<string, double>(StringComparer.Ordinal);
        var last = run.Stderr.Count > 0 ? run.Stderr[^1].AtMs : run.WallMs;
        if (peerLine is not null && peerMs is not null)
        {
            // Before the timer of the peer's read started: runtime start-up, configuration, run lock, the standby's role.
            phases["startup"] = Math.Max(0, peerLine.AtMs - peerMs.Value);
            phases["read peer"] = peerMs.Value;
            if (localLine is not null && localMs is not null)
            {
                // Each read is logged as it ends, the standby's usually first (its rows are written while the peer's zones and
                // records are still read): what the standby's read took beyond the peer's, if anything, then what followed
                // both. The apply's first writes overlap the peer's read, so the spans may add up to more than the wall time.
                phases["read local"] = Math.Max(0, localLine.AtMs - peerLine.AtMs);
                var reads = localLine.AtMs >= peerLine.AtMs ? localLine : peerLine;
                var afterReads = appliedLine is not null ? appliedLine.AtMs : last;
                if (appliedLine is not null && applyMs is not null)
                {
                    phases["normalize, plan, guard"] = Math.Max(0, afterReads - reads.AtMs - applyMs.Value);
                    phases["apply"] = applyMs.Value;
                    phases["state, commit"] = Math.Max(0, last - appliedLine.AtMs);
                }
                else if (ReferenceEquals(reads, run.Stderr[^1]))
                {
                    // A diff logs nothing after its reads: planning, the report and the exit are one span.
                    phases["normalize, plan, guard"] = Math.Max(0, run.WallMs - reads.AtMs);
                    return Build(run, reportHead, peerObjects, peerMs, localObjects, localMs, changes, statements, queued, applyMs, phases);
                }
                else
                {
                    phases["normalize, plan, guard"] = Math.Max(0, afterReads - reads.AtMs);
                }
            }

            phases["report, exit"] = Math.Max(0, run.WallMs - last);
        }
        else if (run.Stderr.FirstOrDefault(l => l.Text.Contains(NothingChangedText, StringComparison.Ordinal)) is { } verdict)
        {
            // The no-op path: start-up, state check and both fingerprints, all before its one log line.
            phases["startup"] = verdict.AtMs;
            phases["report, exit"] = Math.Max(0, run.WallMs - verdict.AtMs);
        }

        return Build(run, reportHead, peerObjects, peerMs, localObjects, localMs, changes, statements, queued, applyMs, phases);
    }

    private static BridgeLog Build(ChildResult run, string? reportHead, long? peerObjects, double? peerMs, long? localObjects, double? localMs, long? changes, long? statements,
        long? queued, double? applyMs, Dictionary<string, double> phases)
    {
        var text = run.StderrText;
        return new BridgeLog(peerObjects, peerMs, localObjects, localMs, changes, statements, queued, applyMs,
            text.Contains(NothingChangedText, StringComparison.Ordinal) || (reportHead?.Contains(NothingChangedText, StringComparison.Ordinal) ?? false),
            text.Contains("Raised the serial", StringComparison.Ordinal),
            phases);
    }

    [GeneratedRegex(@"Read (\d+) objects from the (peer|local) \(\w+\) in (\d+) ms")]
    private static partial Regex ReadLine();

    [GeneratedRegex(@"Applied (\d+) changes in (\d+) statements, queued (\d+) regenerations, in (\d+) ms")]
    private static partial Regex AppliedLine();
}
