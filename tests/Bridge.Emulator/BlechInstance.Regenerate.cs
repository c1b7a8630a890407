namespace Bridge.Emulator;

// Behaviour 2: one blechd run. It trusts the queue, not the tables: an object without a pending row is not rewritten.
public sealed partial class BlechInstance
{
    /// Handles every pending regen_queue row in id order, rewriting the files BLECH.md lists under
    /// <paramref name="configRoot"/>, then marks the rows done. Runs neither apache2ctl nor rndc.
    public Task<RegenResult> RegenerateAsync(string configRoot, CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var root = Path.GetFullPath(configRoot).TrimEnd('/');
            var now = Now();
            var pending = await db.QueryAsync<QueueRowData>(QueueRowData.Select + " WHERE done_at IS NULL ORDER BY id");
            var run = new RegenRun(root);

            if (pending.Any(r => r.ObjectType is "site" or "server"))
            {
                await RegenerateApacheAsync(db, run, pending, now);
            }

            if (pending.Any(r => r.ObjectType == "zone"))
            {
                await RegenerateBindAsync(db, run, pending);
            }

            if (pending.Any(r => r.ObjectType == "mail"))
            {
                await RegenerateMailAsync(db, run);
            }

            if (pending.Count > 0)
            {
                await db.ExecuteAsync(
                    "UPDATE regen_queue SET done_at = @now WHERE " + _dialect.AnyOf("id", "@ids"),
                    new { now, ids = pending.Select(r => r.Id).ToArray() });
            }

            return new RegenResult(run.Written, run.Removed, run.Repaired, pending.Count);
        }, ct);

    private static async Task RegenerateApacheAsync(Db db, RegenRun run, List<QueueRowData> pending, DateTime now)
    {
        var mainIp = await MainIpAsync(db);
        var known = (await db.QueryAsync<string>("SELECT address FROM ip_address"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sweep = false;
        foreach (var group in SitesOrZones(pending, "site"))
        {
            sweep |= group.AnyRemove;
            var site = await db.FirstOrDefaultAsync<SiteRow>(SiteRow.Select + " WHERE s.id = @id", new { id = group.Id });
            if (site is null)
            {
                // A deleted site's domain is gone with its row; the sweep below finds its file instead.
                sweep = true;
                continue;
            }

            var path = "apache/sites/" + BlechFiles.SiteFileName(site.Domain);
            if (!site.Active)
            {
                run.Remove(path);
                continue;
            }

            var ip = site.IpAddress;
            if (!known.Contains(ip))
            {
                await db.ExecuteAsync(
                    "UPDATE site SET ip_address = @mainIp, updated_at = @now WHERE id = @id",
                    new { mainIp, now, id = site.Id });
                run.Repaired.Add(site.Domain);
                ip = mainIp;
            }

            run.Write(path, BlechFiles.VirtualHost(site.ToSpec(), ip));
        }

        var activeSites = await db.QueryAsync<SiteRow>(SiteRow.Select + " WHERE s.active = @active", new { active = true });
        if (sweep)
        {
            var live = activeSites.Select(s => BlechFiles.SiteFileName(s.Domain)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            run.Sweep("apache/sites", "*.conf", live);
        }

        run.Write("apache/ports.conf", BlechFiles.PortsConf(mainIp, activeSites.Any(s => s.HttpsPort is not null)));
    }

    private static async Task RegenerateBindAsync(Db db, RegenRun run, List<QueueRowData> pending)
    {
        var sweep = false;
        foreach (var group in SitesOrZones(pending, "zone"))
        {
            sweep |= group.AnyRemove;
            var zone = await db.FirstOrDefaultAsync<ZoneRow>(ZoneRow.Select + " WHERE z.id = @id", new { id = group.Id });
            if (zone is null)
            {
                sweep = true;
                continue;
            }

            var path = "bind/zones/" + BlechFiles.ZoneFileName(zone.Origin);
            if (!zone.Active)
            {
                run.Remove(path);
                continue;
            }

            var records = await db.QueryAsync<RecordRow>(
                RecordRow.Select + " WHERE r.zone_id = @id AND r.active = @active ORDER BY r.id", new { id = zone.Id, active = true });
            run.Write(path, BlechFiles.ZoneFile(zone.ToSpec(), records.Select(r => r.ToSpec())));
        }

        var activeOrigins = await db.QueryAsync<string>("SELECT origin FROM dns_zone WHERE active = @active", new { active = true });
        if (sweep)
        {
            run.Sweep("bind/zones", "*.zone", activeOrigins.Select(BlechFiles.ZoneFileName).ToHashSet(StringComparer.OrdinalIgnoreCase));
        }

        run.Write("bind/zones.conf", BlechFiles.ZonesConf(run.Root, activeOrigins));
    }

    private static async Task RegenerateMailAsync(Db db, RegenRun run)
    {
        var domains = await db.QueryAsync<string>("SELECT domain FROM mail_domain WHERE active = @active", new { active = true });
        var mailboxes = await db.QueryAsync<MailboxRow>(MailboxRow.Select);
        var aliases = await db.QueryAsync<AliasRow>(AliasRow.Select);
        run.Write("mail/domains", BlechFiles.SortedLines(domains));
        run.Write("mail/passwd", BlechFiles.SortedLines(
            mailboxes.Where(m => m.Active && m.DomainActive).Select(m => BlechFiles.PasswdLine(m.ToSpec()))));
        run.Write("mail/aliases", BlechFiles.SortedLines(
            aliases.Where(a => a.Active && a.DomainActive).Select(a => BlechFiles.AliasLine(a.ToSpec()))));
    }

    /// Queue rows of one type grouped by object id, in order of first appearance; a null id never names a site or zone.
    private static IEnumerable<(int Id, bool AnyRemove)> SitesOrZones(List<QueueRowData> pending, string objectType) =>
        pending
            .Where(r => r.ObjectType == objectType && r.ObjectId is not null)
            .GroupBy(r => r.ObjectId!.Value)
            .Select(g => (g.Key, g.Any(r => r.Action == "remove")));

    /// The files one run wrote and removed, relative to the config root.
    private sealed class RegenRun(string root)
    {
        public string Root { get; } = root;

        public List<string> Written { get; } = [];

        public List<string> Removed { get; } = [];

        public List<string> Repaired { get; } = [];

        public void Write(string relative, string content)
        {
            BlechFiles.WriteAtomically(Full(relative), content);
            if (!Written.Contains(relative))
            {
                Written.Add(relative);
            }
        }

        public void Remove(string relative)
        {
            var full = Full(relative);
            if (File.Exists(full))
            {
                File.Delete(full);
                Removed.Add(relative);
            }
        }

        /// Removes the folder's matching files whose names are not in <paramref name="keep"/>.
        public void Sweep(string folder, string pattern, IReadOnlySet<string> keep)
        {
            var full = Full(folder);
            if (!Directory.Exists(full))
            {
                return;
            }

            foreach (var file in Directory.GetFiles(full, pattern).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (!keep.Contains(name))
                {
                    Remove(folder + "/" + name);
                }
            }
        }

        private string Full(string relative) => Path.Combine(Root, relative);
    }
}
