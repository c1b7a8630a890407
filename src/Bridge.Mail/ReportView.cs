using System.Globalization;
using System.Text;
using Bridge.Core;

namespace Bridge.Mail;

/// <summary>The report's content decided once (verdict, order, caps, redaction) so the text and HTML bodies cannot disagree.</summary>
internal sealed class ReportView
{
    private static readonly string[] KindOrder = ["client", "site", "zone", "record", "mail_domain", "mailbox", "alias"];
    private static readonly string[] ActionOrder = ["insert", "update", "delete"];

    private ReportView(DailyReport report, RenderLimits limits)
    {
        Standby = report.Standby;
        Active = report.Active;
        Limits = limits;
        Error = report.Error is null ? null : Cut(OneLine(Secrets.ScrubHashes(report.Error)), 2000);
        FailedRuns = report.Runs.Count(IsFailed);
        PendingTotal = report.Pending.Count;
        ReadyVerdict = report.ReadyVerdict is null ? null : Value(report.ReadyVerdict);
        Ready = report.Ready;
        ReadyProblems = Cap(report.ReadyProblems.Select(Value), limits.MaxRows);
        (Verdict, Subject, Tone) = MakeVerdict();
        Generated = MakeGeneratedLine(report);
        Actions = [.. ActionOrder, .. report.Pending.Select(p => p.Action).Where(a => !ActionOrder.Contains(a)).Distinct().Order(StringComparer.Ordinal)];
        Kinds = MakeKinds(report.Pending);
        Reverted = Cap(report.Reverted.OrderByDescending(r => Utc(r.At)).Select(MakeRevert), limits.MaxRows);
        Skipped = Cap(report.Skipped.OrderBy(s => KindRank(s.Kind)).ThenBy(s => s.Kind, StringComparer.Ordinal).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new SkippedRow(s.Kind, Value(s.Key), Value(s.Reason))), limits.MaxRows);
        Serials = Cap(report.Serials.OrderBy(s => s.Zone, StringComparer.Ordinal)
            .Select(s => new SerialRow(Value(s.Zone), Serial(s.ActiveSerial), Serial(s.StandbySerial))), limits.MaxRows);
        Runs = Cap(report.Runs.OrderByDescending(IsFailed).ThenByDescending(r => Utc(r.StartedAt)).Select(MakeRun), limits.MaxRows);
    }

    /// <summary>The readiness verdict (null when not asked), whether it says ready, and its problems.</summary>
    public string? ReadyVerdict { get; }
    public bool Ready { get; }
    public Capped<string> ReadyProblems { get; }

    public string Standby { get; }
    public string Active { get; }
    public RenderLimits Limits { get; }
    public string? Error { get; }
    public int FailedRuns { get; }
    public int PendingTotal { get; }
    public string Verdict { get; }
    public string Subject { get; }
    public VerdictTone Tone { get; }
    public string Generated { get; }
    public IReadOnlyList<string> Actions { get; }
    public IReadOnlyList<KindGroup> Kinds { get; }
    public Capped<RevertRow> Reverted { get; }
    public Capped<SkippedRow> Skipped { get; }
    public Capped<SerialRow> Serials { get; }
    public Capped<RunRow> Runs { get; }

    public static ReportView Create(DailyReport report, RenderLimits limits) => new(report, limits);

    /// <summary>A run counts as failed when its outcome says so; refused or locked runs did what they should.</summary>
    public static bool IsFailed(RunEntry run) => string.Equals(run.Outcome, "failed", StringComparison.OrdinalIgnoreCase);

    public static string Plural(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n.ToString(CultureInfo.InvariantCulture)} {many}";

    /// <summary>"… and 3 more site changes".</summary>
    public static string MoreText(int more, string one, string many) =>
        $"… and {more.ToString(CultureInfo.InvariantCulture)} more {(more == 1 ? one : many)}";

    public static string Time(DateTime t) => Utc(t).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>For table cells, whose header says UTC.</summary>
    public static string CellTime(DateTime t) => Utc(t).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private (string Verdict, string Subject, VerdictTone Tone) MakeVerdict()
    {
        string core;
        VerdictTone tone;
        if (Error is not null)
        {
            var error = Error.Length > 120 ? Error[..117] + "..." : Error;
            var line = $"{Standby}: report failed: {error}";
            return (line.EndsWith('.') || line.EndsWith('!') || line.EndsWith('?') ? line : line + ".", "[bridge] " + line.TrimEnd('.'), VerdictTone.Failed);
        }
        if (PendingTotal == 0)
        {
            core = $"{Standby} is in sync with {Active}";
            tone = VerdictTone.InSync;
        }
        else
        {
            core = $"{Standby}: {Plural(PendingTotal, "change", "changes")} pending";
            tone = VerdictTone.Pending;
        }
        if (FailedRuns > 0)
        {
            core += ", " + Plural(FailedRuns, "failed run", "failed runs");
            tone = VerdictTone.Failed;
        }

        if (ReadyVerdict is not null && !Ready)
        {
            core += ", NOT ready to take over";
            tone = VerdictTone.Failed;
        }
        return (core + ".", "[bridge] " + core, tone);
    }

    private static string MakeGeneratedLine(DailyReport report)
    {
        var since = report.Since is { } s ? $"last report {Time(s)}" : "no earlier report";
        return $"Generated {Time(report.GeneratedAt)}; {since}.";
    }

    private IReadOnlyList<KindGroup> MakeKinds(IReadOnlyList<PendingChange> pending) =>
        [.. pending.GroupBy(p => p.Kind, StringComparer.Ordinal)
            .OrderBy(g => KindRank(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var counts = Actions.Select(a => g.Count(p => p.Action == a)).ToArray();
                var items = g.OrderBy(p => ActionRank(p.Action)).ThenBy(p => p.Action, StringComparer.Ordinal).ThenBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => new ObjectRow(p.Action, Value(p.Key), [.. p.Fields.Select(MakeDiff)]));
                return new KindGroup(g.Key, counts, g.Count(), Cap(items, Limits.MaxObjectsPerKind));
            })];

    private DiffLine MakeDiff(FieldDifference f) =>
        f.Secret || IsSecretName(f.Name)
            ? new DiffLine(f.Name, null, null, ChangedText(f.Name))
            : new DiffLine(f.Name, Display(f.From), Display(f.To), null);

    private RevertRow MakeRevert(RevertEntry r)
    {
        var secret = IsSecretName(r.Field);
        return new RevertRow(CellTime(r.At), r.Kind, Value(r.Key), r.Field,
            secret ? null : Display(r.From), secret ? null : Display(r.To), secret ? ChangedText(r.Field) : null);
    }

    private RunRow MakeRun(RunEntry r)
    {
        var details = new List<string>();
        if (!string.IsNullOrWhiteSpace(r.Summary))
        {
            details.Add(Value(r.Summary));
        }
        if (!string.IsNullOrWhiteSpace(r.Error))
        {
            details.Add("error: " + Value(r.Error));
        }
        return new RunRow(CellTime(r.StartedAt), Duration(r.StartedAt, r.FinishedAt), Value(r.Command), Value(r.RequestedBy), Value(r.Outcome),
            string.Join("; ", details), IsFailed(r));
    }

    private static string Duration(DateTime start, DateTime? end)
    {
        if (end is not { } e)
        {
            return "unfinished";
        }
        var d = Utc(e) - Utc(start);
        if (d < TimeSpan.Zero)
        {
            return "?";
        }
        return d.TotalHours >= 1 ? $"{(int)d.TotalHours}h {d.Minutes:00}m"
            : d.TotalMinutes >= 1 ? $"{d.Minutes}m {d.Seconds:00}s"
            : $"{d.Seconds}s";
    }

    private static string Serial(long? serial) => serial?.ToString(CultureInfo.InvariantCulture) ?? "(missing)";

    /// <summary>A field value for display: null and empty made visible, line breaks shown as \n, hashes scrubbed, long values cut.</summary>
    private string Display(string? value) => value is null ? "(none)" : value.Length == 0 ? "\"\"" : Value(value);

    private string Value(string value) => Cut(OneLine(Secrets.ScrubHashes(value)), Limits.MaxValueLength);

    private static string OneLine(string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }
        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
            {
                continue;
            }
            sb.Append(c switch
            {
                '\n' or '\r' => "\\n",
                '\t' => " ",
                _ when char.IsControl(c) => "\uFFFD",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static string Cut(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }
        var keep = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return $"{value[..keep]}… ({(value.Length - keep).ToString(CultureInfo.InvariantCulture)} more characters)";
    }

    private static Capped<T> Cap<T>(IEnumerable<T> rows, int max)
    {
        var all = rows.ToList();
        return all.Count <= max ? new Capped<T>(all, 0) : new Capped<T>(all.GetRange(0, max), all.Count - max);
    }

    private static int KindRank(string kind) => Array.IndexOf(KindOrder, kind) is var i and >= 0 ? i : KindOrder.Length;

    private static int ActionRank(string action) => Array.IndexOf(ActionOrder, action) is var i and >= 0 ? i : ActionOrder.Length;

    private static DateTime Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Local => t.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        _ => t,
    };

    // Field names that hold credentials whatever the Secret flag says.
    private static bool IsSecretName(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("hash", StringComparison.OrdinalIgnoreCase);

    // "password changed" for password fields, "<name> changed" for other secrets.
    private static string ChangedText(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) ? "password changed" : $"{name} changed";
}

internal enum VerdictTone
{
    InSync,
    Pending,
    Failed,
}

/// <summary>The first rows of a list and how many were left out.</summary>
internal sealed record Capped<T>(IReadOnlyList<T> Rows, int More);

/// <summary>Counts are in the order of <see cref="ReportView.Actions"/>.</summary>
internal sealed record KindGroup(string Kind, IReadOnlyList<int> Counts, int Total, Capped<ObjectRow> Objects);

internal sealed record ObjectRow(string Action, string Key, IReadOnlyList<DiffLine> Fields);

/// <summary>Either From and To (display-ready) or, for a secret, only the Changed text.</summary>
internal sealed record DiffLine(string Name, string? From, string? To, string? Changed);

internal sealed record RevertRow(string At, string Kind, string Key, string Field, string? From, string? To, string? Changed);

internal sealed record SkippedRow(string Kind, string Key, string Reason);

internal sealed record SerialRow(string Zone, string Active, string Standby);

internal sealed record RunRow(string Started, string Took, string Command, string RequestedBy, string Outcome, string Details, bool Failed);
