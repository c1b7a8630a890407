using System.Globalization;
using System.Text;
using Bridge.Core;
using Bridge.Core.Guard;
using Bridge.Core.Model;
using Bridge.Core.Plan;
using Bridge.Data.Run;

namespace Bridge.Runtime.Requests;

/// <summary>
/// Turns the typed outcome of a resync into a few plain sentences for K, who reads them in Blech's web page: what was done, or
/// what went wrong and whether anything was changed. No JSON, no stack trace, no connection string: the failure's reason and
/// problem are put in words, and anything else points at the service log.
/// </summary>
public static class ResyncWords
{
    private static readonly Dictionary<ObjectKind, (string One, string Many)> Kinds = new()
    {
        [ObjectKind.Client] = ("customer account", "customer accounts"),
        [ObjectKind.Site] = ("site", "sites"),
        [ObjectKind.Zone] = ("zone", "zones"),
        [ObjectKind.Record] = ("DNS record", "DNS records"),
        [ObjectKind.MailDomain] = ("mail domain", "mail domains"),
        [ObjectKind.Mailbox] = ("mailbox", "mailboxes"),
        [ObjectKind.Alias] = ("mail alias", "mail aliases"),
    };

    private static readonly (PlanAction Action, string Word)[] Actions = [(PlanAction.Insert, "added"), (PlanAction.Update, "updated"), (PlanAction.Delete, "removed")];

    private const string SeeLog = "An administrator can find the details in the Bridge service log (journalctl -u blech-bridge-requests).";
    private const string Details = "the details are in the Bridge service log (journalctl -u blech-bridge-requests)";

    /// <summary>The answer when the resync could not even report how it ended (it threw).</summary>
    public const string Unexpected = "Resync failed with an unexpected error.\n" + SeeLog;

    /// <summary>How many of the readiness problems K's answer lists; the daily report and <c>blech-bridge ready</c> list them all.</summary>
    public const int MaxReadyProblems = 3;

    /// <summary>
    /// The last lines of K's answer: whether the standby could take over now (<c>blech-bridge ready</c>'s verdict) and its first
    /// problems. Blech rewrites the standby's files about once a minute, so a problem with files or named right after a resync
    /// may clear by itself; the words say so.
    /// </summary>
    public static string Readiness(ReadyOutcome ready, MachineNames names)
    {
        if (ready.Report is not { } report)
        {
            // Plain words only: the failure's message names hosts and ports, which K does not need.
            return $"Whether {names.Local ?? "the standby"} could take over now is not known: a database could not be read. {SeeLog}";
        }

        if (report.Ready)
        {
            return report.Verdict + ".";
        }

        var b = new StringBuilder(report.Verdict).Append('.');
        foreach (var problem in report.Problems.Take(MaxReadyProblems))
        {
            b.Append("\n- ").Append(problem.Reason);
        }

        if (report.Problems.Count > MaxReadyProblems)
        {
            b.Append("\n- and ").Append(report.Problems.Count - MaxReadyProblems).Append(" more (the daily report lists them all)");
        }

        return b.Append("\nBlech rewrites the standby's files about once a minute: problems with vhosts, zones or mail maps right after a resync may clear by themselves.").ToString();
    }

    /// <summary>The text for one resync.</summary>
    /// <param name="outcome">How it ended: its report, when it got that far, and its failure.</param>
    /// <param name="elapsed">How long the click waited for it.</param>
    /// <param name="names">Blech's host names of the machines, as far as known.</param>
    public static string Describe(SyncOutcome outcome, TimeSpan elapsed, MachineNames names)
    {
        var report = outcome.Report;
        var peer = NonEmpty(report?.Machines.Peer) ?? names.Peer ?? "the active machine";
        var local = NonEmpty(report?.Machines.Local) ?? names.Local ?? "the standby";
        var seconds = Seconds(elapsed);
        var failure = outcome.Failure;

        switch (failure?.Reason)
        {
            case null when outcome.ExitCode == ExitCodes.Success && report is not null:
                return Success(report, seconds, peer, local);
            case null when outcome.ExitCode == ExitCodes.Success:
                return $"Resync finished in {seconds}. {Cap(local)} is in sync with {peer}.";
            case FailureReason.GuardRefused:
                return Refused(failure.Refusals, peer, local);
            case FailureReason.LockHeld:
                return $"Resync not started: another Bridge run on {local} was still busy after several minutes. Nothing was changed by this click. "
                    + "Try again in a few minutes; if this keeps happening, an administrator must look at it.";
            case FailureReason.Configuration:
                return $"Resync not started: Bridge's settings on {local} are not valid, so nothing was tried. Nothing on {local} was changed.\n"
                    + $"An administrator must correct them; {Details}.";
            case FailureReason.Apache when report is not null:
                return $"Resync finished with a problem after {seconds}: {local}'s database is in sync with {peer} ({Changes(report.Plan)}), "
                    + $"but the web server files on {local} could not be updated.\n"
                    + $"An administrator must look at it; {Details}.";
            case { } when failure.ExitCode == ExitCodes.Failure:
                var (reason, known) = Reason(failure, peer, local);
                return $"Resync failed: {reason}. Nothing on {local} was changed." + (known ? string.Empty : "\n" + SeeLog);
            default:
                return Unexpected;
        }
    }

    private static string Success(Core.Report.SyncReport report, string seconds, string peer, string local)
    {
        if (report.ActiveHere)
        {
            return $"Resync not needed: {local} is the active machine now, so there is nothing to copy to it.";
        }

        var plan = report.Plan;
        var skipped = plan.Skipped.Count;
        var sb = new StringBuilder();
        sb.Append("Resync finished in ").Append(seconds).Append(": ").Append(Changes(plan)).Append(". ")
            .Append(Cap(local)).Append(" is in sync with ").Append(peer)
            .Append(skipped > 0 ? $", except for {Count(skipped, "item", "items")} that could not be copied." : ".")
            .Append('\n');

        var revertedSites = plan.Reverts.Count(r => r.Kind == ObjectKind.Site);
        if (revertedSites > 0)
        {
            sb.Append(Count(revertedSites, "site", "sites")).Append(" that Blech had moved back to ").Append(local).Append("'s own address ")
                .Append(revertedSites == 1 ? "was" : "were").Append(" put back.\n");
        }

        var revertedFiles = report.Apache?.RevertedFiles.Count ?? 0;
        if (revertedFiles > 0)
        {
            sb.Append(Count(revertedFiles, "web server file", "web server files")).Append(" that Blech had rewritten with ").Append(local)
                .Append("'s own address ").Append(revertedFiles == 1 ? "was" : "were").Append(" corrected.\n");
        }

        if (skipped > 0)
        {
            var kinds = plan.Skipped.GroupBy(s => s.Kind).Select(g => Noun(g.Key, g.Count()));
            sb.Append("Not copied because they have errors on ").Append(peer).Append(": ").AppendJoin(", ", kinds).Append("; ")
                .Append(local).Append(" keeps its own copy of them. An administrator can see which in the daily report.\n");
        }

        return sb.ToString().TrimEnd('\n');
    }

    // "3 sites updated, 1 zone added", or "nothing needed changing".
    private static string Changes(SyncPlan plan)
    {
        var parts = new List<string>();
        foreach (var kind in ObjectKinds.All)
        {
            var (one, many) = Kinds[kind];
            foreach (var (action, word) in Actions)
            {
                var n = plan.CountOf(kind, action);
                if (n > 0)
                {
                    parts.Add($"{Count(n, one, many)} {word}");
                }
            }
        }

        return parts.Count == 0 ? "nothing needed changing" : string.Join(", ", parts);
    }

    private static string Refused(IReadOnlyList<GuardRefusal> refusals, string peer, string local)
    {
        var what = refusals.Where(r => r.Kind is not null).Select(r => $"{r.Deletes} of {local}'s {r.Total} {Kinds[r.Kind!.Value].Many}").ToList();
        var first = refusals.Any(r => r.PeerEmpty)
            ? $"Resync stopped for safety: {peer}'s database looks empty, and copying it would empty {local}."
            : what.Count > 0
                ? $"Resync stopped for safety: it would have removed {string.Join(" and ", what)}, more than Bridge removes without a person checking first."
                : "Resync stopped for safety: it would have removed more than Bridge removes without a person checking first.";
        return first + $" This looks more like a problem on {peer} than like real deletions. Nothing on {local} was changed.\n"
            + "An administrator must look at it before a resync can go ahead.";
    }

    // The reason in words; never the raw message. Known false: the words say only roughly what happened, and the service log has the rest.
    private static (string Text, bool Known) Reason(Failure failure, string peer, string local)
    {
        if (failure is { Reason: FailureReason.TimeLimit, Limit: { } limit })
        {
            return (string.Create(CultureInfo.InvariantCulture, $"it did not finish within its time limit of {limit.TotalSeconds:0} s"), true);
        }

        // The run lock is a file and a lock in the standby's own database.
        if (failure.Reason == FailureReason.LockFailed)
        {
            return Problem(failure.Problem, $"{local}'s own database") is { } why
                ? (why, true)
                : ($"Bridge could not take its run lock on {local}", false);
        }

        var whose = failure.Side switch
        {
            "peer" => $"{peer}'s database",
            "local" => $"{local}'s own database",
            _ => null,
        };
        if (whose is null)
        {
            return ("an unexpected error", false);
        }

        return Problem(failure.Problem, whose) is { } reason
            ? (reason, true)
            : ($"{whose} answered with an error", false);
    }

    private static string? Problem(DatabaseProblem problem, string whose) => problem switch
    {
        DatabaseProblem.ConnectionRefused => $"cannot reach {whose} (connection refused)",
        DatabaseProblem.Timeout => $"cannot reach {whose} (no answer in time)",
        DatabaseProblem.NetworkDown => $"cannot reach {whose} (the network is down)",
        DatabaseProblem.UnknownHost => $"cannot reach {whose} (its machine's name is not known)",
        DatabaseProblem.LoginRefused => $"{whose} refused Bridge's login",
        DatabaseProblem.TooManyConnections => $"{whose} is too busy (too many connections)",
        DatabaseProblem.StartingOrStopping => $"{whose} is starting up or shutting down",
        DatabaseProblem.NoSuchDatabase => $"{whose} does not exist under the configured name",
        DatabaseProblem.ConnectionLost => $"cannot reach {whose}",
        _ => null,
    };

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    // "1 site", "2 DNS records".
    private static string Noun(ObjectKind kind, int n)
    {
        var (one, many) = Kinds[kind];
        return Count(n, one, many);
    }

    private static string Count(int n, string one, string many) => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");

    private static string Seconds(TimeSpan t) => t.TotalSeconds < 1
        ? "less than a second"
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(t.TotalSeconds):0} s");

    // Host names stay as Blech spells them, even first in a sentence; only the stand-in words get a capital.
    private static string Cap(string s) => s.StartsWith("the ", StringComparison.Ordinal) ? "The " + s[4..] : s;
}
