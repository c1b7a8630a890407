using System.Data.Common;
using System.Net;
using Bridge.Core.Normalize;
using Bridge.Core.Serials;
using Bridge.Data.Apply;
using Bridge.Data.Read;
using Bridge.Data.State;
using Microsoft.Extensions.Logging;

namespace Bridge.Data.Run;

/// <summary>What <c>blech-bridge promote</c> did.</summary>
public sealed record PromoteResult(RoleState Role, int ZonesRaised, bool PeerSeen, bool RegisteredServiceAddress);

/// <summary>One zone whose serial differs between the machines (null: the zone is missing there).</summary>
public sealed record ZoneSerialDifference(string Zone, long? Local, long? Peer);

/// <summary>What <c>blech-bridge status</c> shows.</summary>
public sealed record StatusReport(RoleState Local, RoleState? Peer, string? PeerError, RunSummary? LastRun, RunSummary? LastSuccess, IReadOnlyList<ZoneSerialDifference> Serials)
{
    public bool BothActive => Local.IsActive && Peer is { IsActive: true };
}

/// <summary>
/// Roles: <c>promote</c> when this machine takes V, <c>demote</c> when it gives V up. The epoch grows at every change and is
/// one more than the larger of both machines' epochs, so the newer claim is always recognizable.
/// </summary>
public sealed class Roles(Side local, Side peer, ILogger logger)
{
    /// <summary>How long promote and demote wait for the peer, which may well be the machine that just died.</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// This machine takes V: every zone's serial becomes the one after the newest of its own, the highest ever seen on the peer
    /// and (when the peer answers) the peer's current one; regeneration is queued; V is registered; the role becomes active.
    /// </summary>
    public async Task<PromoteResult> PromoteAsync(IPAddress serviceAddress, string requestedBy, CancellationToken ct, bool peerKnownDown = false)
    {
        var (peerRole, peerSerials) = peerKnownDown ? (null, null) : await ReadPeerAsync(withSerials: true, ct);
        await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
        await connection.OpenAsync(ct);
        var state = new StateStore(local.Dialect);
        await state.EnsureAsync(connection, ct);
        var started = DateTime.UtcNow;
        await using var tx = await local.Dialect.BeginApplyAsync(connection, ct);
        var role = await RoleStore.ReadRoleAsync(connection, tx, ct);
        var known = await RoleStore.ReadZoneSerialsAsync(connection, tx, ct);
        var zones = await Query.ListAsync(connection, tx, "SELECT id, origin, serial FROM dns_zone", r => (Id: r.GetInt32(0), Origin: r.GetString(1), Serial: r.GetInt64(2)), ct);
        var addresses = await Query.ListAsync(connection, tx, "SELECT address FROM ip_address", r => r.GetString(0), ct);
        var now = DateTime.UtcNow;
        var sql = new Statements(connection, tx, local.Dialect);

        var after = new Dictionary<string, ZoneSerialState>(known, StringComparer.Ordinal);
        var updates = new List<(string, object?[])>();
        foreach (var zone in zones)
        {
            var origin = HostNames.Origin(zone.Origin);
            var z = known.GetValueOrDefault(origin) ?? new ZoneSerialState(null, null);
            if (peerSerials?.TryGetValue(origin, out var current) == true)
            {
                z = z.WithPeer(current);
            }

            var next = Serial.Next(z.Newest(zone.Serial));
            after[origin] = z.WithLocal(next);
            updates.Add(($"UPDATE dns_zone SET serial = {sql.Placeholder(0)}, updated_at = {sql.Placeholder(1)} WHERE id = {sql.Placeholder(2)}", [next, now, zone.Id]));
        }

        if (updates.Count > 0)
        {
            await sql.ExecuteBatchAsync(updates, ct);
            await BlechWrites.QueueRegenerationAsync(sql, zones.Select(z => ("zone", (int?)z.Id, "write")).ToList(), now, ct);
        }

        var v = serviceAddress.ToString();
        var register = !addresses.Any(a => Addresses.Canonical(a) == v);
        if (register)
        {
            await BlechWrites.RegisterAddressAsync(sql, v, ct);
        }

        var newRole = new RoleState(RoleState.Active, Math.Max(role.Epoch, peerRole?.Epoch ?? 0) + 1, now, requestedBy);
        await RoleStore.WriteRoleAsync(connection, tx, local.Dialect, newRole, ct);
        await RoleStore.WriteZoneSerialsAsync(connection, tx, local.Dialect, known, after, now, ct);
        var summary = $"promoted to active (epoch {newRole.Epoch}); {zones.Count} zone serials raised";
        await StateStore.RecordRunAsync(connection, tx, new RunRecord("promote", requestedBy, started, DateTime.UtcNow, "ok", 0, summary, null), ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Promoted to active (epoch {Epoch}): {Zones} zone serials raised{Peer}", newRole.Epoch, zones.Count, peerRole is null ? "; the peer did not answer" : string.Empty);
        return new PromoteResult(newRole, zones.Count, peerRole is not null, register);
    }

    /// <summary>Whether the peer's database answers within <see cref="PeerTimeout"/>.</summary>
    public async Task<bool> PeerAnswersAsync(CancellationToken ct) => (await ReadPeerAsync(withSerials: false, ct)).Role is not null;

    /// <summary>
    /// Before this machine takes V: the sites Bridge had put on V and Blech's push has since moved back to this machine's own
    /// address (<paramref name="ownAddress"/>, or <c>main_ip</c>) go back on V, with a regeneration row each, so that the Apache
    /// step moves their vhosts too and <c>blechd</c> never writes them on the own address again. Sites Bridge never wrote keep
    /// their address: they are this machine's own. Returns the domains put back.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReclaimSitesAsync(IPAddress serviceAddress, IPAddress? ownAddress, CancellationToken ct)
    {
        await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
        await connection.OpenAsync(ct);
        if (!await StateStore.ExistsAsync(connection, null, ct))
        {
            return [];
        }

        await using var tx = await local.Dialect.BeginApplyAsync(connection, ct);
        var written = await StateStore.ReadSiteAddressesAsync(connection, tx, ct);
        var mainIp = (await Query.ListAsync(connection, tx, "SELECT main_ip FROM server ORDER BY id", r => r.GetString(0), ct)).FirstOrDefault();
        var own = ownAddress?.ToString() ?? (mainIp is null ? null : Addresses.Canonical(mainIp));
        var v = serviceAddress.ToString();
        var sites = await Query.ListAsync(connection, tx, "SELECT id, domain, ip_address FROM site", r => (Id: r.GetInt32(0), Domain: r.GetString(1), Address: r.GetString(2)), ct);
        var back = sites
            .Where(s => own is not null && Addresses.Canonical(s.Address) == own
                && written.TryGetValue(HostNames.Domain(s.Domain), out var w) && Addresses.Canonical(w) == v)
            .ToList();
        if (back.Count > 0)
        {
            var now = DateTime.UtcNow;
            var sql = new Statements(connection, tx, local.Dialect);
            await sql.ExecuteBatchAsync(back.Select(s => ($"UPDATE site SET ip_address = {sql.Placeholder(0)}, updated_at = {sql.Placeholder(1)} WHERE id = {sql.Placeholder(2)}", new object?[] { v, now, s.Id })).ToList(), ct);
            await BlechWrites.QueueRegenerationAsync(sql, back.Select(s => ("site", (int?)s.Id, "write")).ToList(), now, ct);
            logger.LogWarning("Put {Sites} sites back on {V}: Blech's push had moved them to {Own} since Bridge's last sync", back.Count, v, own);
        }

        await tx.CommitAsync(ct);
        return back.Select(s => s.Domain).ToList();
    }

    /// <summary>This machine gives V up: the role becomes standby; the next sync pulls from the peer.</summary>
    public async Task<RoleState> DemoteAsync(string requestedBy, CancellationToken ct)
    {
        var (peerRole, _) = await ReadPeerAsync(withSerials: false, ct);
        await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
        await connection.OpenAsync(ct);
        var state = new StateStore(local.Dialect);
        await state.EnsureAsync(connection, ct);
        var started = DateTime.UtcNow;
        await using var tx = await local.Dialect.BeginApplyAsync(connection, ct);
        var role = await RoleStore.ReadRoleAsync(connection, tx, ct);
        var now = DateTime.UtcNow;
        var newRole = new RoleState(RoleState.Standby, Math.Max(role.Epoch, peerRole?.Epoch ?? 0) + 1, now, requestedBy);
        await RoleStore.WriteRoleAsync(connection, tx, local.Dialect, newRole, ct);
        await StateStore.RecordRunAsync(connection, tx, new RunRecord("demote", requestedBy, started, DateTime.UtcNow, "ok", 0, $"demoted to standby (epoch {newRole.Epoch})", null), ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Demoted to standby (epoch {Epoch})", newRole.Epoch);
        return newRole;
    }

    public async Task<StatusReport> StatusAsync(CancellationToken ct)
    {
        await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
        await connection.OpenAsync(ct);
        var role = await RoleStore.ReadRoleAsync(connection, null, ct);
        var last = await StateStore.LastSyncAsync(connection, successful: false, ct);
        var success = await StateStore.LastSyncAsync(connection, successful: true, ct);
        var localSerials = await ZoneSerialsAsync(connection, ct);
        string? peerError = null;
        RoleState? peerRole = null;
        Dictionary<string, long>? peerSerials = null;
        try
        {
            (peerRole, peerSerials) = await ReadPeerAsync(withSerials: true, ct, throwOnError: true);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            peerError = SyncRunner.OneLine(e);
        }

        var differences = new List<ZoneSerialDifference>();
        if (peerSerials is not null)
        {
            foreach (var origin in localSerials.Keys.Union(peerSerials.Keys).Order(StringComparer.Ordinal))
            {
                long? l = localSerials.TryGetValue(origin, out var a) ? a : null;
                long? p = peerSerials.TryGetValue(origin, out var b) ? b : null;
                if (l != p)
                {
                    differences.Add(new ZoneSerialDifference(origin, l, p));
                }
            }
        }

        return new StatusReport(role, peerRole, peerError, last, success, differences);
    }

    private async Task<(RoleState? Role, Dictionary<string, long>? Serials)> ReadPeerAsync(bool withSerials, CancellationToken ct, bool throwOnError = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PeerTimeout);
        try
        {
            await using var connection = peer.Dialect.CreateConnection(peer.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            var role = await RoleStore.ReadRoleAsync(connection, null, timeout.Token);
            return (role, withSerials ? await ZoneSerialsAsync(connection, timeout.Token) : null);
        }
        catch (Exception e) when (!throwOnError && !ct.IsCancellationRequested)
        {
            logger.LogWarning("The {Role} did not answer ({Reason}); going on without it", peer.Role, SyncRunner.OneLine(e));
            return (null, null);
        }
    }

    private static async Task<Dictionary<string, long>> ZoneSerialsAsync(DbConnection connection, CancellationToken ct) =>
        (await Query.ListAsync(connection, null, "SELECT origin, serial FROM dns_zone", r => (Origin: HostNames.Origin(r.GetString(0)), Serial: r.GetInt64(1)), ct))
            .GroupBy(z => z.Origin).ToDictionary(g => g.Key, g => g.First().Serial, StringComparer.Ordinal);
}
