namespace Bridge.Mail;

/// <summary>One field of a pending change; a secret field is reported as changed, never with its values.</summary>
public sealed record FieldDifference(string Name, string? From, string? To, bool Secret);

/// <summary>One object the next sync would change. Kind: client, site, zone, record, mail_domain, mailbox, alias; Action: insert, update, delete.</summary>
public sealed record PendingChange(string Kind, string Action, string Key, IReadOnlyList<FieldDifference> Fields);

/// <summary>A field that Blech changed back after the bridge had written it (e.g. its hourly push resetting a site's address).</summary>
public sealed record RevertEntry(DateTime At, string Kind, string Key, string Field, string? From, string? To);

/// <summary>A row left out of the sync as bad, with the reason.</summary>
public sealed record SkippedEntry(string Kind, string Key, string Reason);

/// <summary>A zone whose SOA serial differs between the machines; null where the zone is missing on that side.</summary>
public sealed record SerialDifference(string Zone, long? ActiveSerial, long? StandbySerial);

/// <summary>One bridge run since the last report. Outcome: ok, failed, refused, locked, ...</summary>
public sealed record RunEntry(DateTime StartedAt, DateTime? FinishedAt, string Command, string RequestedBy, string Outcome, string? Summary, string? Error);

/// <summary>Everything the daily report shows. Error is set when the dry-run itself failed (e.g. "cannot reach chip's database").</summary>
public sealed record DailyReport(
    string Standby,
    string Active,
    DateTime GeneratedAt,
    DateTime? Since,
    IReadOnlyList<PendingChange> Pending,
    IReadOnlyList<RevertEntry> Reverted,
    IReadOnlyList<SkippedEntry> Skipped,
    IReadOnlyList<SerialDifference> Serials,
    IReadOnlyList<RunEntry> Runs,
    string? Error)
{
    /// <summary>
    /// Whether the standby could take over now (<c>blech-bridge ready</c>'s verdict line) and each of its problems; the report's first
    /// section. Null when readiness was not asked.
    /// </summary>
    public string? ReadyVerdict { get; init; }

    public bool Ready { get; init; }

    public IReadOnlyList<string> ReadyProblems { get; init; } = [];
}

/// <summary>The report as a mail: the subject, a plain-text body and an HTML body.</summary>
public sealed record RenderedReport(string Subject, string Text, string Html);

/// <summary>How much of each list the report shows before it says "… and N more".</summary>
public sealed record RenderLimits
{
    /// <summary>Objects listed per kind in "Changes pending" (the count table always counts them all).</summary>
    public int MaxObjectsPerKind { get; init; } = 200;

    /// <summary>Rows listed in each of the other sections.</summary>
    public int MaxRows { get; init; } = 200;

    /// <summary>Characters of one value (a DKIM key, custom directives) before it is cut.</summary>
    public int MaxValueLength { get; init; } = 300;

    /// <summary>The defaults.</summary>
    public static RenderLimits Default { get; } = new();
}
