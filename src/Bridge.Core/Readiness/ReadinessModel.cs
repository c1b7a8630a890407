using System.Globalization;

namespace Bridge.Core.Readiness;

/// <summary>The four things a standby must have right to serve V: its database, Apache, DNS and mail.</summary>
public enum ReadyArea
{
    Database,
    Apache,
    Dns,
    Mail,
}

/// <summary>How one area's check ended.</summary>
public enum CheckState
{
    /// <summary>Checked, nothing wrong.</summary>
    Passed,

    /// <summary>Checked, and at least one problem found.</summary>
    Failed,

    /// <summary>The check could not be made (a command missing, named not answering): never counted as passed.</summary>
    CannotRun,

    /// <summary>Turned off in the configuration (for example <c>apache.enabled: false</c>); shown, not counted as a problem.</summary>
    NotChecked,
}

/// <summary>What is wrong with one object; the closed set the verdict counts by.</summary>
public enum ReadyIssue
{
    ThisMachineIsActive,
    ChangesPending,
    NeverSynced,
    SyncTooOld,
    RegenerationBehind,
    CannotRun,
    ApacheTestFailed,
    NoVhostOnV,
    VhostShadowed,
    AliasNotServed,
    VhostOnStandbyAddress,
    DocumentRootMissing,
    ZoneNotInStandby,
    ZoneNotConfigured,
    ZoneNotLoaded,
    StaleSerial,
    ZoneFileRefused,
    MailDomainMissing,
    MailboxMissing,
    MailboxHashDiffers,
    AliasMissing,
    AliasDestinationDiffers,

    /// <summary>A warning, never a problem: a site's custom directives close its vhost or open another.</summary>
    CustomDirectivesLeaveVhost,
}

/// <summary>One problem: the area, what kind of problem, the object it concerns and why, in words an admin acts on.</summary>
/// <param name="Count">How many the verdict counts it as (pending changes are one problem of N changes).</param>
public sealed record ReadyProblem(ReadyArea Area, ReadyIssue Issue, string Key, string Reason, int Count = 1);

/// <summary>One area's check: its state and a short detail (what was checked, or why it could not be).</summary>
public sealed record ReadyCheck(ReadyArea Area, CheckState State, string Detail);

/// <summary>What the active machine serves, counted: the figures of a ready verdict.</summary>
public sealed record ReadyCounts(int Sites, int Zones, int Mailboxes, int Aliases, int MailDomains);

/// <summary>The answer of <c>blech-bridge ready</c>: would this standby serve what the active machine serves if V moved here now.</summary>
public sealed record ReadinessReport(string Machine, string ServiceAddress, ReadyCounts Counts, IReadOnlyList<ReadyCheck> Checks, IReadOnlyList<ReadyProblem> Problems)
{
    /// <summary>What deserves a look but does not keep the standby from taking over.</summary>
    public IReadOnlyList<ReadyProblem> Warnings { get; init; } = [];

    public bool Ready => Problems.Count == 0 && Checks.All(c => c.State is CheckState.Passed or CheckState.NotChecked);

    /// <summary>One line, first in every rendering: <c>dale is ready to take over: 1,204 sites on V, ...</c> or what is missing.</summary>
    public string Verdict
    {
        get
        {
            if (Ready)
            {
                return $"{Machine} is ready to take over: {N(Counts.Sites)} {Plural(Counts.Sites, "site", "sites")} on {ServiceAddress}, "
                    + $"{N(Counts.Zones)} {Plural(Counts.Zones, "zone", "zones")}, {N(Counts.Mailboxes)} {Plural(Counts.Mailboxes, "mailbox", "mailboxes")}";
            }

            var parts = Problems
                .GroupBy(p => p.Issue)
                .OrderBy(g => g.Key)
                .Select(g => Phrase(g.Key, g.Sum(p => p.Count)))
                .ToList();
            parts.AddRange(Checks.Where(c => c.State == CheckState.CannotRun && !Problems.Any(p => p.Area == c.Area && p.Issue == ReadyIssue.CannotRun))
                .Select(c => $"{Name(c.Area)} check could not run"));
            return $"{Machine} is NOT ready: {string.Join(", ", parts)}";
        }
    }

    public static string Name(ReadyArea area) => area switch
    {
        ReadyArea.Database => "database",
        ReadyArea.Apache => "apache",
        ReadyArea.Dns => "dns",
        ReadyArea.Mail => "mail",
        _ => throw new ArgumentOutOfRangeException(nameof(area), area, null),
    };

    public static string Name(CheckState state) => state switch
    {
        CheckState.Passed => "passed",
        CheckState.Failed => "failed",
        CheckState.CannotRun => "could not run",
        CheckState.NotChecked => "not checked",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The issue's name in JSON: <c>no-vhost-on-v</c> and so on.</summary>
    public static string Code(ReadyIssue issue) => issue switch
    {
        ReadyIssue.ThisMachineIsActive => "this-machine-is-active",
        ReadyIssue.ChangesPending => "changes-pending",
        ReadyIssue.NeverSynced => "never-synced",
        ReadyIssue.SyncTooOld => "sync-too-old",
        ReadyIssue.RegenerationBehind => "regeneration-behind",
        ReadyIssue.CannotRun => "cannot-run",
        ReadyIssue.ApacheTestFailed => "apache-test-failed",
        ReadyIssue.NoVhostOnV => "no-vhost-on-v",
        ReadyIssue.VhostShadowed => "vhost-shadowed",
        ReadyIssue.AliasNotServed => "alias-not-served",
        ReadyIssue.VhostOnStandbyAddress => "vhost-on-standby-address",
        ReadyIssue.DocumentRootMissing => "document-root-missing",
        ReadyIssue.ZoneNotInStandby => "zone-not-in-standby",
        ReadyIssue.ZoneNotConfigured => "zone-not-configured",
        ReadyIssue.ZoneNotLoaded => "zone-not-loaded",
        ReadyIssue.StaleSerial => "stale-serial",
        ReadyIssue.ZoneFileRefused => "zone-file-refused",
        ReadyIssue.MailDomainMissing => "mail-domain-missing",
        ReadyIssue.MailboxMissing => "mailbox-missing",
        ReadyIssue.MailboxHashDiffers => "mailbox-hash-differs",
        ReadyIssue.AliasMissing => "alias-missing",
        ReadyIssue.AliasDestinationDiffers => "alias-destination-differs",
        ReadyIssue.CustomDirectivesLeaveVhost => "custom-directives-leave-vhost",
        _ => throw new ArgumentOutOfRangeException(nameof(issue), issue, null),
    };

    private static string Phrase(ReadyIssue issue, int n) => issue switch
    {
        ReadyIssue.ThisMachineIsActive => "this machine holds the active role",
        ReadyIssue.NeverSynced => "never synced",
        ReadyIssue.SyncTooOld => "last successful sync too old",
        ReadyIssue.RegenerationBehind => "regeneration behind",
        ReadyIssue.ApacheTestFailed => "Apache configuration test failed",
        _ => N(n) + " " + Counted(issue, n),
    };

    private static string Counted(ReadyIssue issue, int n) => issue switch
    {
        ReadyIssue.ChangesPending => Plural(n, "change pending", "changes pending"),
        ReadyIssue.CannotRun => Plural(n, "check could not run", "checks could not run"),
        ReadyIssue.NoVhostOnV => Plural(n, "site has no vhost on V", "sites have no vhost on V"),
        ReadyIssue.VhostShadowed => Plural(n, "site served by another vhost of the same name", "sites served by another vhost of the same name"),
        ReadyIssue.AliasNotServed => Plural(n, "site alias not served on V", "site aliases not served on V"),
        ReadyIssue.VhostOnStandbyAddress => Plural(n, "vhost left on the standby's own address", "vhosts left on the standby's own address"),
        ReadyIssue.DocumentRootMissing => Plural(n, "document root missing", "document roots missing"),
        ReadyIssue.ZoneNotInStandby => Plural(n, "zone missing from this machine's database", "zones missing from this machine's database"),
        ReadyIssue.ZoneNotConfigured => Plural(n, "zone not in bind/zones.conf", "zones not in bind/zones.conf"),
        ReadyIssue.ZoneNotLoaded => Plural(n, "zone not loaded", "zones not loaded"),
        ReadyIssue.StaleSerial => Plural(n, "zone with a stale serial", "zones with a stale serial"),
        ReadyIssue.ZoneFileRefused => Plural(n, "zone file refused by named-checkzone", "zone files refused by named-checkzone"),
        ReadyIssue.MailDomainMissing => Plural(n, "mail domain missing from mail/domains", "mail domains missing from mail/domains"),
        ReadyIssue.MailboxMissing => Plural(n, "mailbox missing from mail/passwd", "mailboxes missing from mail/passwd"),
        ReadyIssue.MailboxHashDiffers => Plural(n, "mailbox with another password hash", "mailboxes with another password hash"),
        ReadyIssue.AliasMissing => Plural(n, "mail alias missing from mail/aliases", "mail aliases missing from mail/aliases"),
        ReadyIssue.AliasDestinationDiffers => Plural(n, "mail alias with other destinations", "mail aliases with other destinations"),
        ReadyIssue.CustomDirectivesLeaveVhost => Plural(n, "site whose custom directives leave its vhost", "sites whose custom directives leave their vhost"),
        _ => throw new ArgumentOutOfRangeException(nameof(issue), issue, null),
    };

    private static string Plural(int n, string one, string many) => n == 1 ? one : many;

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
