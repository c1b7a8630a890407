using System.Globalization;
using System.Net;
using Bridge.Core.Model;
using Bridge.Core.Normalize;

namespace Bridge.Core.Readiness;

/// <summary>
/// Decides whether the standby would serve, if V moved to it now, every site, zone, mailbox and alias the active machine's
/// database says is served: pure, so every rule is tested without a server. The facts are gathered elsewhere.
/// </summary>
public static class ReadinessEvaluator
{
    public static ReadinessReport Evaluate(ReadinessInput input)
    {
        var active = input.Active;
        var activeDomains = active.MailDomains.Where(d => d.Active).Select(d => HostNames.Domain(d.Domain)).ToHashSet(StringComparer.Ordinal);
        var sites = active.Sites.Where(s => s.Active).OrderBy(s => HostNames.Domain(s.Domain), StringComparer.Ordinal).ToList();
        var zones = active.Zones.Where(z => z.Active).OrderBy(z => HostNames.Origin(z.Origin), StringComparer.Ordinal).ToList();
        var mailboxes = active.Mailboxes.Where(m => m.Active && activeDomains.Contains(HostNames.Domain(m.Domain))).ToList();
        var aliases = active.Aliases.Where(a => a.Active && activeDomains.Contains(HostNames.Domain(a.Domain))).ToList();
        var counts = new ReadyCounts(sites.Count, zones.Count, mailboxes.Count, aliases.Count, activeDomains.Count);

        var problems = new List<ReadyProblem>();
        var checks = new List<ReadyCheck>
        {
            Check(ReadyArea.Database, input.Database, problems, facts => Database(facts, input, problems)),
            Check(ReadyArea.Apache, input.Apache, problems, facts => Apache(facts, sites, input, problems)),
            Check(ReadyArea.Dns, input.Dns, problems, facts => Dns(facts, zones, input.Standby, problems)),
            Check(ReadyArea.Mail, input.Mail, problems, facts => Mail(facts, activeDomains, mailboxes, aliases, problems)),
        };
        var warnings = sites
            .Select(site => (Domain: HostNames.Domain(site.Domain), Warning: Normalizer.CustomDirectivesWarning(site.CustomDirectives)))
            .Where(x => x.Warning is not null)
            .Select(x => new ReadyProblem(ReadyArea.Apache, ReadyIssue.CustomDirectivesLeaveVhost, x.Domain, $"site {x.Domain}: {x.Warning}"))
            .ToList();
        return new ReadinessReport(input.Machine, input.ServiceAddress.ToString(), counts, checks, problems) { Warnings = warnings };
    }

    private static ReadyCheck Check<T>(ReadyArea area, Observation<T> observation, List<ReadyProblem> problems, Func<T, string> check)
        where T : class
    {
        if (observation.Value is null)
        {
            var reason = observation.Reason ?? "no facts";
            if (observation.State != CheckState.NotChecked)
            {
                problems.Add(new ReadyProblem(area, ReadyIssue.CannotRun, ReadinessReport.Name(area), reason));
                return new ReadyCheck(area, CheckState.CannotRun, reason);
            }

            return new ReadyCheck(area, CheckState.NotChecked, reason);
        }

        var before = problems.Count;
        var detail = check(observation.Value);
        var own = problems.Skip(before).ToList();
        if (own.Count == 0)
        {
            return new ReadyCheck(area, CheckState.Passed, detail);
        }

        return own.All(p => p.Issue == ReadyIssue.CannotRun)
            ? new ReadyCheck(area, CheckState.CannotRun, own[0].Reason)
            : new ReadyCheck(area, CheckState.Failed, detail);
    }

    private static string Database(DatabaseFacts facts, ReadinessInput input, List<ReadyProblem> problems)
    {
        void Add(ReadyIssue issue, string key, string reason, int count = 1) => problems.Add(new ReadyProblem(ReadyArea.Database, issue, key, reason, count));

        if (facts.ThisMachineIsActive)
        {
            Add(ReadyIssue.ThisMachineIsActive, input.Machine, "this machine's role is active: it already holds V, and blech-bridge ready checks a standby (blech-bridge status shows the roles)");
        }

        if (facts.PendingChanges is { } pending)
        {
            if (pending > 0)
            {
                Add(ReadyIssue.ChangesPending, "sync", $"a sync would still change {pending} {(pending == 1 ? "object" : "objects")} here (blech-bridge diff shows them)", pending);
            }
        }
        else
        {
            Add(ReadyIssue.CannotRun, "sync", $"could not compare with the active machine: {facts.PendingError ?? "unknown error"}");
        }

        if (facts.LastSuccessfulSync is not { } last)
        {
            Add(ReadyIssue.NeverSynced, "sync", "no successful sync is recorded on this machine");
        }
        else if (Clocks.IsAhead(last, input.Now))
        {
            Add(ReadyIssue.SyncTooOld, "sync", $"the last successful sync is dated {last:yyyy-MM-dd HH:mm:ss}Z, later than this machine's clock ({input.Now:yyyy-MM-dd HH:mm:ss}Z): the clock was set back since, so how long ago it ran is unknown (the next sync records a date by this clock)");
        }
        else if (input.Now - last > input.Thresholds.MaxSyncAge)
        {
            Add(ReadyIssue.SyncTooOld, "sync", $"the last successful sync ended {Age(input.Now - last)} ago ({last:yyyy-MM-dd HH:mm:ss}Z), more than {Age(input.Thresholds.MaxSyncAge)}");
        }

        if (facts.OldestWaitingRegeneration is { } queued && input.Now - queued > input.Thresholds.MaxRegenerationWait)
        {
            Add(ReadyIssue.RegenerationBehind, "regen_queue", $"a regen_queue row has waited {Age(input.Now - queued)} (since {queued:yyyy-MM-dd HH:mm:ss}Z): blechd is not keeping up, so the config files may be stale");
        }

        var pendingText = facts.PendingChanges is { } n ? Count(n, "change", "changes") : "unknown changes";
        return facts.LastSuccessfulSync is { } ok
            ? Clocks.IsAhead(ok, input.Now) ? $"{pendingText} pending; last successful sync dated later than this machine's clock"
            : $"{pendingText} pending; last successful sync {Age(input.Now - ok)} ago"
            : $"{pendingText} pending; never synced";
    }

    private static string Apache(ApacheFacts facts, IReadOnlyList<SiteRow> sites, ReadinessInput input, List<ReadyProblem> problems)
    {
        void Add(ReadyIssue issue, string key, string reason) => problems.Add(new ReadyProblem(ReadyArea.Apache, issue, key, reason));

        if (!facts.TestPassed)
        {
            Add(ReadyIssue.ApacheTestFailed, "apache2ctl -t", $"the configuration test failed: {FirstLine(facts.TestMessage)}");
        }

        var v = input.ServiceAddress.ToString();
        var d = input.StandbyAddress?.ToString();
        var vhosts = facts.Vhosts.Select(h => h with { Address = Canonical(h.Address) }).ToList();
        foreach (var site in sites)
        {
            var domain = HostNames.Domain(site.Domain);
            var ports = site.HttpsPort is { } https ? new[] { site.HttpPort, https } : [site.HttpPort];
            var missing = new List<string>();
            foreach (var port in ports)
            {
                var portText = port.ToString(CultureInfo.InvariantCulture);
                var candidates = vhosts.Where(h => h.Port == portText && h.Address == v).ToList();
                if (candidates.Count == 0)
                {
                    // httpd looks at wildcard vhosts for an address only when no vhost names that address and port.
                    candidates = vhosts.Where(h => h.Port == portText && h.Address is "*" or "_default_").ToList();
                }

                var served = candidates.FirstOrDefault(h => HostNames.Domain(h.ServerName) == domain);
                if (served is null)
                {
                    missing.Add(HostPort(v, portText));
                    continue;
                }

                // httpd answers a name with the first vhost that claims it: another one before the site's own file hijacks it.
                var claimants = candidates.Where(h => HostNames.Domain(h.ServerName) == domain || h.Aliases.Any(a => HostNames.Domain(a) == domain)).ToList();
                var own = claimants.FirstOrDefault(h => IsSiteFile(h.Source, domain));
                if (claimants.Count > 1 && own is not null && !ReferenceEquals(claimants[0], own))
                {
                    Add(ReadyIssue.VhostShadowed, domain, $"site {domain}: the vhost at {claimants[0].Source} claims it on {HostPort(v, portText)} before the site's own ({own.Source}); Apache serves that one");
                    continue;
                }

                if (served.Lone)
                {
                    continue;
                }

                var servedNames = served.Aliases.Select(HostNames.Domain).ToHashSet(StringComparer.Ordinal);
                foreach (var alias in site.Aliases.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(HostNames.Domain).Where(a => !servedNames.Contains(a)))
                {
                    Add(ReadyIssue.AliasNotServed, domain, $"site {domain}: alias {alias} is not a ServerAlias of its vhost on {HostPort(v, portText)}");
                }
            }

            if (missing.Count > 0)
            {
                Add(ReadyIssue.NoVhostOnV, domain, $"site {domain}: no vhost on {string.Join(" or ", missing)} in apache2ctl -S");
            }

            if (!input.DirectoryExists(site.DocumentRoot))
            {
                Add(ReadyIssue.DocumentRootMissing, domain, $"site {domain}: document root {site.DocumentRoot} does not exist on this machine (its files were never copied)");
            }
        }

        if (d is not null)
        {
            // The standby's own sites (bound to D in its own database, unknown to the active machine) may stay on D. A site of the
            // active machine found on D was put there by Blech's push or repair rule: it would not answer on V.
            var activeDomains = sites.Select(s => HostNames.Domain(s.Domain)).ToHashSet(StringComparer.Ordinal);
            var ownOnD = input.Standby.Sites
                .Where(s => s.Active && Canonical(s.IpAddress) == d && !activeDomains.Contains(HostNames.Domain(s.Domain)))
                .Select(s => HostNames.Domain(s.Domain))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var h in vhosts.Where(h => h.Address == d && !ownOnD.Contains(HostNames.Domain(h.ServerName))))
            {
                Add(ReadyIssue.VhostOnStandbyAddress, HostNames.Domain(h.ServerName), $"vhost {h.ServerName} is on {HostPort(d, h.Port)}, the standby's own address: it would not answer on V");
            }
        }

        return $"{Count(sites.Count, "site", "sites")}, {Count(vhosts.Count, "vhost", "vhosts")}";
    }

    private static string Dns(DnsFacts facts, IReadOnlyList<ZoneRow> zones, BlechSnapshot standby, List<ReadyProblem> problems)
    {
        void Add(ReadyIssue issue, string key, string reason) => problems.Add(new ReadyProblem(ReadyArea.Dns, issue, key, reason));

        if (facts.Loaded.Value is null)
        {
            Add(ReadyIssue.CannotRun, "named", $"could not ask named for the zones' serials: {facts.Loaded.Reason}");
        }

        if (facts.ZoneFileErrors.Value is null && facts.ZoneFileErrors.State != CheckState.NotChecked)
        {
            Add(ReadyIssue.CannotRun, "named-checkzone", $"could not check the zone files: {facts.ZoneFileErrors.Reason}");
        }

        var standbySerials = standby.Zones.Where(z => z.Active).GroupBy(z => HostNames.Origin(z.Origin)).ToDictionary(g => g.Key, g => g.First().Serial, StringComparer.Ordinal);
        foreach (var zone in zones)
        {
            var origin = HostNames.Origin(zone.Origin);
            if (!standbySerials.TryGetValue(origin, out var serial))
            {
                Add(ReadyIssue.ZoneNotInStandby, origin, $"zone {origin}: not an active zone of this machine's Blech database");
                continue;
            }

            if (!facts.Configured.ContainsKey(origin))
            {
                Add(ReadyIssue.ZoneNotConfigured, origin, $"zone {origin}: not in the generated bind/zones.conf (blechd has not written it)");
                continue;
            }

            if (facts.Loaded.Value is { } loaded)
            {
                if (!loaded.TryGetValue(origin, out var served))
                {
                    var why = facts.Unanswered.TryGetValue(origin, out var w) ? w : "no SOA in its answer";
                    Add(ReadyIssue.ZoneNotLoaded, origin, $"zone {origin}: not loaded by named ({why})");
                }
                else if (served != serial)
                {
                    Add(ReadyIssue.StaleSerial, origin, $"zone {origin}: named serves serial {served}, this machine's database has {serial}");
                }
            }

            if (facts.ZoneFileErrors.Value is { } errors && errors.TryGetValue(origin, out var error))
            {
                Add(ReadyIssue.ZoneFileRefused, origin, $"zone {origin}: named-checkzone refuses {facts.Configured[origin]}: {FirstLine(error)}");
            }
        }

        return Count(zones.Count, "zone", "zones");
    }

    private static string Mail(MailFacts facts, IReadOnlySet<string> activeDomains, IReadOnlyList<MailboxRow> mailboxes, IReadOnlyList<AliasRow> aliases, List<ReadyProblem> problems)
    {
        void Add(ReadyIssue issue, string key, string reason) => problems.Add(new ReadyProblem(ReadyArea.Mail, issue, key, reason));

        foreach (var domain in activeDomains.Order(StringComparer.Ordinal).Where(d => !facts.Domains.Contains(d)))
        {
            Add(ReadyIssue.MailDomainMissing, domain, $"mail domain {domain}: not in the generated mail/domains");
        }

        foreach (var m in mailboxes.OrderBy(m => MailAddress(m.LocalPart, m.Domain), StringComparer.Ordinal))
        {
            var address = MailAddress(m.LocalPart, m.Domain);
            if (!facts.Passwd.TryGetValue(address, out var hash))
            {
                Add(ReadyIssue.MailboxMissing, address, $"mailbox {address}: not in the generated mail/passwd");
            }
            else if (!string.Equals(hash, m.PasswordHash, StringComparison.Ordinal))
            {
                // Never the hashes themselves: they are secrets.
                Add(ReadyIssue.MailboxHashDiffers, address, $"mailbox {address}: its password hash in mail/passwd differs from the active machine's");
            }
        }

        foreach (var a in aliases.OrderBy(a => MailAddress(a.Source, a.Domain), StringComparer.Ordinal))
        {
            var address = MailAddress(a.Source, a.Domain);
            if (!facts.Aliases.TryGetValue(address, out var destination))
            {
                Add(ReadyIssue.AliasMissing, address, $"mail alias {address}: not in the generated mail/aliases");
            }
            else if (!SameDestinations(destination, a.Destination))
            {
                Add(ReadyIssue.AliasDestinationDiffers, address, $"mail alias {address}: mail/aliases sends to '{destination}', the active machine to '{a.Destination}'");
            }
        }

        return $"{Count(activeDomains.Count, "mail domain", "mail domains")}, {Count(mailboxes.Count, "mailbox", "mailboxes")}, {Count(aliases.Count, "alias", "aliases")}";
    }

    /// <summary>The key a mail map is looked up by: <c>local@domain</c>, lower case.</summary>
    public static string MailAddress(string localPart, string domain) => $"{localPart.Trim().ToLowerInvariant()}@{HostNames.Domain(domain)}";

    private static bool SameDestinations(string a, string b)
    {
        static string[] Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => x.ToLowerInvariant()).ToArray();
        return Split(a).SequenceEqual(Split(b));
    }

    // Blech writes each site's vhosts into apache/sites/<domain>.conf.
    private static bool IsSiteFile(string? source, string domain) =>
        source is not null && source.Replace('\\', '/').Contains($"/sites/{domain}.conf:", StringComparison.OrdinalIgnoreCase);

    private static string Canonical(string address)
    {
        var bare = address.Trim('[', ']');
        return Addresses.Canonical(bare) ?? address;
    }

    private static string HostPort(string address, string port) => (address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address) + ":" + port;

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no output)";
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private static string Count(int n, string one, string many) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {(n == 1 ? one : many)}";

    private static string Age(TimeSpan t) => t.TotalSeconds < 120
        ? $"{Math.Max(0, (int)t.TotalSeconds)} s"
        : t.TotalMinutes < 120 ? $"{(int)t.TotalMinutes} min" : $"{t.TotalHours:0.#} h";
}
