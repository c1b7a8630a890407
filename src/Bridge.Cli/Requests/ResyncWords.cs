using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bridge.Core;

namespace Bridge.Cli.Requests;

/// <summary>
/// Turns what <c>bridge resync --format json</c> printed and exited with into a few plain sentences for K, who reads them in
/// Blech's web page: what was done, or what went wrong and whether anything was changed. No JSON, no stack trace, no
/// connection string: reasons are recognised and put in words, anything else points at the service log.
/// </summary>
public static partial class ResyncWords
{
    private static readonly (string Json, string One, string Many)[] Kinds =
    [
        ("client", "customer account", "customer accounts"),
        ("site", "site", "sites"),
        ("zone", "zone", "zones"),
        ("record", "DNS record", "DNS records"),
        ("mail_domain", "mail domain", "mail domains"),
        ("mailbox", "mailbox", "mailboxes"),
        ("alias", "mail alias", "mail aliases"),
    ];

    private static readonly (string Json, string Word)[] Actions = [("insert", "added"), ("update", "updated"), ("delete", "removed")];

    private const string SeeLog = "An administrator can find the details in the Bridge service log (journalctl -u bridge-requests).";
    private const string Details = "the details are in the Bridge service log (journalctl -u bridge-requests)";

    /// <summary>The text for one run of <c>bridge resync</c>.</summary>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="stdout">Its standard output: the JSON report, when it got that far.</param>
    /// <param name="stderr">Its standard error: log lines, and the one-line error <c>bridge resync: ...</c> last.</param>
    /// <param name="elapsed">How long the click waited for it.</param>
    /// <param name="names">Blech's host names of the machines, as far as known.</param>
    public static string Describe(int exitCode, string stdout, string stderr, TimeSpan elapsed, MachineNames names)
    {
        using var report = TryParse(stdout);
        JsonElement? root = report?.RootElement is { ValueKind: JsonValueKind.Object } top ? top : null;
        var peer = Name(root, "peer") ?? names.Peer ?? "the active machine";
        var local = Name(root, "local") ?? names.Local ?? "the standby";
        var error = ErrorLine(stderr);
        var seconds = Seconds(elapsed);

        switch (exitCode)
        {
            case ExitCodes.Success when root is { } r:
                return Success(r, seconds, peer, local);
            case ExitCodes.Success:
                return $"Resync finished in {seconds}. {Cap(local)} is in sync with {peer}.";
            case ExitCodes.Refused:
                return Refused(root, peer, local);
            case ExitCodes.Locked:
                return $"Resync not started: another Bridge run on {local} was still busy after several minutes. Nothing was changed by this click. "
                    + "Try again in a few minutes; if this keeps happening, an administrator must look at it.";
            case ExitCodes.Usage:
                return $"Resync not started: Bridge's settings on {local} are not valid, so nothing was tried. Nothing on {local} was changed.\n"
                    + $"An administrator must correct them; {Details}.";
        }

        if (error is not null && error.StartsWith("apache:", StringComparison.Ordinal) && root is { } done)
        {
            var changes = Changes(done);
            return $"Resync finished with a problem after {seconds}: {local}'s database is in sync with {peer} ({changes}), "
                + $"but the web server files on {local} could not be updated.\n"
                + $"An administrator must look at it; {Details}.";
        }

        if (exitCode == ExitCodes.Failure && error is not null)
        {
            var (reason, known) = Reason(error, peer, local);
            return $"Resync failed: {reason}. Nothing on {local} was changed." + (known ? string.Empty : "\n" + SeeLog);
        }

        return "Resync failed with an unexpected error.\n" + SeeLog;
    }

    /// <summary>The host names in a report, when it has them.</summary>
    public static MachineNames NamesIn(string stdout)
    {
        using var report = TryParse(stdout);
        return new MachineNames(Name(report?.RootElement, "peer"), Name(report?.RootElement, "local"));
    }

    private static string Success(JsonElement root, string seconds, string peer, string local)
    {
        if (root.TryGetProperty("note", out var note) && note.ValueKind == JsonValueKind.String
            && note.GetString()!.StartsWith("this machine is the active one", StringComparison.Ordinal))
        {
            return $"Resync not needed: {local} is the active machine now, so there is nothing to copy to it.";
        }

        var summary = Summary(root);
        var skipped = Int(summary, "skipped");
        var sb = new StringBuilder();
        sb.Append("Resync finished in ").Append(seconds).Append(": ").Append(Changes(root)).Append(". ")
            .Append(Cap(local)).Append(" is in sync with ").Append(peer)
            .Append(skipped > 0 ? $", except for {Count(skipped, "item", "items")} that could not be copied." : ".")
            .Append('\n');

        var revertedSites = Items(root, "reverted").Count(r => Kind(r) == "site");
        if (revertedSites > 0)
        {
            sb.Append(Count(revertedSites, "site", "sites")).Append(" that Blech had moved back to ").Append(local).Append("'s own address ")
                .Append(revertedSites == 1 ? "was" : "were").Append(" put back.\n");
        }

        var revertedFiles = Int(summary, "revertedFiles");
        if (revertedFiles > 0)
        {
            sb.Append(Count(revertedFiles, "web server file", "web server files")).Append(" that Blech had rewritten with ").Append(local)
                .Append("'s own address ").Append(revertedFiles == 1 ? "was" : "were").Append(" corrected.\n");
        }

        if (skipped > 0)
        {
            var kinds = Items(root, "skipped").GroupBy(Kind).Select(g => Noun(g.Key, g.Count()));
            sb.Append("Not copied because they have errors on ").Append(peer).Append(": ").AppendJoin(", ", kinds).Append("; ")
                .Append(local).Append(" keeps its own copy of them. An administrator can see which in the daily report.\n");
        }

        return sb.ToString().TrimEnd('\n');
    }

    // "3 sites updated, 1 zone added", or "nothing needed changing".
    private static string Changes(JsonElement root)
    {
        var summary = Summary(root);
        var parts = new List<string>();
        foreach (var (json, one, many) in Kinds)
        {
            if (summary.ValueKind != JsonValueKind.Object || !summary.TryGetProperty(json, out var kind))
            {
                continue;
            }

            foreach (var (action, word) in Actions)
            {
                var n = Int(kind, action);
                if (n > 0)
                {
                    parts.Add($"{Count(n, one, many)} {word}");
                }
            }
        }

        return parts.Count == 0 ? "nothing needed changing" : string.Join(", ", parts);
    }

    private static string Refused(JsonElement? root, string peer, string local)
    {
        var reasons = root is { } r
            ? Items(r, "refused").Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
        var what = new List<string>();
        foreach (var reason in reasons)
        {
            var m = WouldDelete().Match(reason);
            if (m.Success)
            {
                what.Add($"{m.Groups[1].Value} of {local}'s {m.Groups[2].Value} {Words(m.Groups[3].Value).Many}");
            }
        }

        var first = reasons.Any(x => x.StartsWith("the peer has no objects", StringComparison.Ordinal))
            ? $"Resync stopped for safety: {peer}'s database looks empty, and copying it would empty {local}."
            : what.Count > 0
                ? $"Resync stopped for safety: it would have removed {string.Join(" and ", what)}, more than Bridge removes without a person checking first."
                : "Resync stopped for safety: it would have removed more than Bridge removes without a person checking first.";
        return first + $" This looks more like a problem on {peer} than like real deletions. Nothing on {local} was changed.\n"
            + "An administrator must look at it before a resync can go ahead.";
    }

    // The reason, from the one-line error "peer database: ..." or "local database: ...", in words; never the raw message.
    // Known false: the words say only roughly what happened, and the service log has the rest.
    private static (string Text, bool Known) Reason(string error, string peer, string local)
    {
        if (TimeLimit().Match(error) is { Success: true } limit)
        {
            return ($"it did not finish within its time limit of {limit.Groups[1].Value} s", true);
        }

        // The run lock is a file and a lock in the standby's own database.
        const string runLock = "cannot take the run lock:";
        if (error.StartsWith(runLock, StringComparison.Ordinal))
        {
            return Classify(error[runLock.Length..], $"{local}'s own database") is { } why
                ? (why, true)
                : ($"Bridge could not take its run lock on {local}", false);
        }

        var whose = error.StartsWith("peer database:", StringComparison.Ordinal) ? $"{peer}'s database"
            : error.StartsWith("local database:", StringComparison.Ordinal) ? $"{local}'s own database"
            : null;
        if (whose is null)
        {
            return ("an unexpected error", false);
        }

        return Classify(error[(error.IndexOf(':', StringComparison.Ordinal) + 1)..], whose) is { } reason
            ? (reason, true)
            : ($"{whose} answered with an error", false);
    }

    private static string? Classify(string message, string whose)
    {
        var m = message.ToLowerInvariant();
        return m switch
        {
            _ when m.Contains("connection refused", StringComparison.Ordinal) => $"cannot reach {whose} (connection refused)",
            _ when m.Contains("timeout", StringComparison.Ordinal) || m.Contains("timed out", StringComparison.Ordinal) => $"cannot reach {whose} (no answer in time)",
            _ when m.Contains("no route to host", StringComparison.Ordinal) || m.Contains("network is unreachable", StringComparison.Ordinal) => $"cannot reach {whose} (the network is down)",
            _ when m.Contains("name or service not known", StringComparison.Ordinal) || m.Contains("no such host", StringComparison.Ordinal)
                || m.Contains("name resolution", StringComparison.Ordinal) => $"cannot reach {whose} (its machine's name is not known)",
            _ when m.Contains("password authentication failed", StringComparison.Ordinal) || m.Contains("access denied", StringComparison.Ordinal)
                || m.Contains("authentication", StringComparison.Ordinal) => $"{whose} refused Bridge's login",
            _ when m.Contains("too many connections", StringComparison.Ordinal) || m.Contains("too many clients", StringComparison.Ordinal) => $"{whose} is too busy (too many connections)",
            _ when m.Contains("starting up", StringComparison.Ordinal) || m.Contains("shutting down", StringComparison.Ordinal) => $"{whose} is starting up or shutting down",
            _ when m.Contains("database", StringComparison.Ordinal) && m.Contains("does not exist", StringComparison.Ordinal)
                || m.Contains("unknown database", StringComparison.Ordinal) => $"{whose} does not exist under the configured name",
            _ when m.Contains("failed to connect", StringComparison.Ordinal) || m.Contains("unable to connect", StringComparison.Ordinal)
                || m.Contains("connection", StringComparison.Ordinal) && m.Contains("closed", StringComparison.Ordinal) => $"cannot reach {whose}",
            _ => null,
        };
    }

    private static string? ErrorLine(string stderr) =>
        stderr.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .LastOrDefault(l => l.StartsWith("bridge resync: ", StringComparison.Ordinal))?["bridge resync: ".Length..];

    private static JsonDocument? TryParse(string stdout)
    {
        try
        {
            return string.IsNullOrWhiteSpace(stdout) ? null : JsonDocument.Parse(stdout);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Name(JsonElement? root, string which) =>
        root is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("machines", out var m) && m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty(which, out var n) && n.ValueKind == JsonValueKind.String
            && n.GetString() is { Length: > 0 } s ? s : null;

    private static int Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;

    // The report's summary object, or an empty one: a malformed report must not stop the answer.
    private static JsonElement Summary(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;

    private static IEnumerable<JsonElement> Items(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    private static string? Kind(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;

    // "1 site", "2 DNS records".
    private static string Noun(string? kind, int n)
    {
        var (one, many) = Words(kind);
        return Count(n, one, many);
    }

    // A kind Bridge has no words for yet is an "item".
    private static (string One, string Many) Words(string? kind)
    {
        foreach (var (json, one, many) in Kinds)
        {
            if (json == kind)
            {
                return (one, many);
            }
        }

        return ("item", "items");
    }

    private static string Count(int n, string one, string many) => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");

    private static string Seconds(TimeSpan t) => t.TotalSeconds < 1
        ? "less than a second"
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(t.TotalSeconds):0} s");

    // Host names stay as Blech spells them, even first in a sentence; only the stand-in words get a capital.
    private static string Cap(string s) => s.StartsWith("the ", StringComparison.Ordinal) ? "The " + s[4..] : s;

    [GeneratedRegex(@"would delete ([0-9]+) of the standby's ([0-9]+) ([a-z_]+) objects", RegexOptions.CultureInvariant)]
    private static partial Regex WouldDelete();

    [GeneratedRegex(@"gave up after the total time limit of ([0-9]+) s", RegexOptions.CultureInvariant)]
    private static partial Regex TimeLimit();
}
