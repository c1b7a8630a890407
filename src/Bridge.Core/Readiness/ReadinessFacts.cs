using System.Net;
using Bridge.Core.Model;

namespace Bridge.Core.Readiness;

/// <summary>
/// A fact about the standby gathered from outside (a command, a file): its value, or why it could not be had. A check
/// turned off by the configuration is <see cref="CheckState.NotChecked"/>; one that failed to run is <see cref="CheckState.CannotRun"/>.
/// </summary>
public sealed record Observation<T>(T? Value, CheckState State, string? Reason)
    where T : class
{
    public static Observation<T> Of(T value) => new(value, CheckState.Passed, null);

    public static Observation<T> CannotRun(string reason) => new(null, CheckState.CannotRun, reason);

    public static Observation<T> NotChecked(string reason) => new(null, CheckState.NotChecked, reason);
}

/// <summary>The standby's database as Bridge sees it: what a sync would still change, when one last succeeded, regeneration's backlog.</summary>
/// <param name="PendingChanges">Steps a sync would apply now; null with <paramref name="PendingError"/> when the comparison failed.</param>
/// <param name="OldestWaitingRegeneration">When the oldest <c>regen_queue</c> row not yet done was queued; null when none waits.</param>
public sealed record DatabaseFacts(bool ThisMachineIsActive, int? PendingChanges, string? PendingError, DateTime? LastSuccessfulSync, DateTime? OldestWaitingRegeneration);

/// <summary>One vhost as <c>apache2ctl -S</c> shows it.</summary>
/// <param name="Address">Canonical address text, or <c>*</c> / <c>_default_</c>.</param>
/// <param name="Lone">The only vhost on its address and port: Apache prints no aliases for it, and it answers every host name.</param>
/// <param name="Source">Where httpd read it (<c>file:line</c>), when known.</param>
public sealed record ServedVhost(string Address, string Port, string ServerName, IReadOnlyList<string> Aliases, bool Lone, string? Source = null);

/// <summary>What Apache would serve: the result of its configuration test and its vhost map.</summary>
public sealed record ApacheFacts(bool TestPassed, string TestMessage, IReadOnlyList<ServedVhost> Vhosts);

/// <summary>What named would serve: the zones in the generated <c>bind/zones.conf</c>, the serials named answers, and zone files it refuses.</summary>
/// <param name="Configured">Origin (normalized) → zone file path, from <c>bind/zones.conf</c>.</param>
/// <param name="Loaded">Origin → the serial named answers with; a zone named did not answer for is absent.</param>
/// <param name="Unanswered">Origin → why named gave no SOA for it (REFUSED, SERVFAIL, no reply).</param>
/// <param name="ZoneFileErrors">Origin → named-checkzone's complaint about its file.</param>
public sealed record DnsFacts(
    IReadOnlyDictionary<string, string> Configured,
    Observation<IReadOnlyDictionary<string, long>> Loaded,
    IReadOnlyDictionary<string, string> Unanswered,
    Observation<IReadOnlyDictionary<string, string>> ZoneFileErrors);

/// <summary>The generated mail maps: address → password hash, address → alias destinations, and the mail domains.</summary>
public sealed record MailFacts(IReadOnlyDictionary<string, string> Passwd, IReadOnlyDictionary<string, string> Aliases, IReadOnlySet<string> Domains);

/// <summary>How old the last successful sync and the oldest waiting regeneration may be before the standby is not ready.</summary>
public sealed record ReadyThresholds(TimeSpan MaxSyncAge, TimeSpan MaxRegenerationWait);

/// <summary>Everything <see cref="ReadinessEvaluator"/> needs: both databases, the service and standby addresses, and what was observed.</summary>
/// <param name="Active">The active machine's Blech database: the truth the standby is checked against.</param>
/// <param name="Standby">This machine's Blech database.</param>
/// <param name="DirectoryExists">Whether a document root exists on this machine.</param>
public sealed record ReadinessInput(
    BlechSnapshot Active,
    BlechSnapshot Standby,
    string Machine,
    IPAddress ServiceAddress,
    IPAddress? StandbyAddress,
    Observation<DatabaseFacts> Database,
    Observation<ApacheFacts> Apache,
    Observation<DnsFacts> Dns,
    Observation<MailFacts> Mail,
    Func<string, bool> DirectoryExists,
    ReadyThresholds Thresholds,
    DateTime Now);
