namespace Bridge.Emulator;

// Behaviour 3: Blech's own hourly standby push, run on the active machine.
public sealed partial class BlechInstance
{
    /// Copies clients, sites, mail domains, mailboxes and aliases to <paramref name="standby"/>, matching by natural key,
    /// giving every pushed site the standby's main_ip and queueing regeneration there. Copies no DNS, deletes nothing.
    /// The standby's rows get this (the pushing) instance's clock in updated_at.
    public async Task PushToAsync(BlechInstance standby, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(standby);
        var source = await RunAsync(async db => new PushSource(
            await db.QueryAsync<ClientRow>(ClientRow.Select + " ORDER BY id"),
            await db.QueryAsync<SiteRow>(SiteRow.Select + " ORDER BY s.id"),
            await db.QueryAsync<MailDomainRow>(MailDomainRow.Select + " ORDER BY d.id"),
            await db.QueryAsync<MailboxRow>(MailboxRow.Select + " ORDER BY m.id"),
            await db.QueryAsync<AliasRow>(AliasRow.Select + " ORDER BY a.id")), ct);
        var now = Now();
        await standby.RunAsync(db => standby.ReceivePushAsync(db, source, now), ct);
    }

    private async Task<int> ReceivePushAsync(Db db, PushSource source, DateTime now)
    {
        var mainIp = await MainIpAsync(db);

        foreach (var c in source.Clients)
        {
            var existing = await FindClientAsync(db, c.Login);
            if (existing is null)
            {
                await InsertClientAsync(db, c.ToSpec(), now);
            }
            else
            {
                await UpdateClientRowAsync(db, existing.Id, c.ToSpec(), now);
            }
        }

        foreach (var s in source.Sites)
        {
            var clientId = (await ClientAsync(db, s.ClientLogin)).Id;
            var existing = await FindSiteAsync(db, s.Domain);
            int id;
            if (existing is null)
            {
                id = await InsertSiteAsync(db, s.ToSpec(), clientId, mainIp, now);
            }
            else
            {
                id = existing.Id;
                await UpdateSiteRowAsync(db, id, s.ToSpec(), clientId, mainIp, now);
            }

            await QueueAsync(db, "site", id, "write", now);
        }

        var domainIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in source.MailDomains)
        {
            var clientId = (await ClientAsync(db, d.ClientLogin)).Id;
            var existing = await FindMailDomainAsync(db, d.Domain);
            int id;
            if (existing is null)
            {
                id = await InsertMailDomainAsync(db, d.ToSpec(), clientId, now);
            }
            else
            {
                id = existing.Id;
                await UpdateMailDomainRowAsync(db, id, d.ToSpec(), clientId, now);
            }

            domainIds[d.Domain] = id;
        }

        foreach (var m in source.Mailboxes)
        {
            var existing = await FindMailboxAsync(db, m.Domain, m.LocalPart);
            if (existing is null)
            {
                await InsertMailboxAsync(db, m.ToSpec(), domainIds[m.Domain], now);
            }
            else
            {
                await UpdateMailboxRowAsync(db, existing.Id, m.ToSpec(), domainIds[m.Domain], now);
            }
        }

        foreach (var a in source.Aliases)
        {
            var existing = await FindAliasAsync(db, a.Domain, a.Source);
            if (existing is null)
            {
                await InsertAliasAsync(db, a.ToSpec(), domainIds[a.Domain], now);
            }
            else
            {
                await UpdateAliasRowAsync(db, existing.Id, a.ToSpec(), domainIds[a.Domain], now);
            }
        }

        foreach (var id in domainIds.Values)
        {
            await QueueAsync(db, "mail", id, "write", now);
        }

        return 0;
    }

    private sealed record PushSource(
        List<ClientRow> Clients,
        List<SiteRow> Sites,
        List<MailDomainRow> MailDomains,
        List<MailboxRow> Mailboxes,
        List<AliasRow> Aliases);
}
