using Bridge.Core.Serials;
using Bridge.Core.Incremental;
using Bridge.Core.Model;
using Bridge.Data.Apply;
using Bridge.Data.Read;
using Bridge.Data.Schema;

namespace Bridge.Data.Run;

/// <summary>Something changed on a database between Bridge's read and its write; the run is retried from the start.</summary>
public sealed class ConcurrentChangeException(string message) : Exception(message);

/// <summary>
/// The one write Bridge makes on the active machine: raising a zone's serial there (as a Blech edit would, with updated_at and
/// a regeneration row) when the standby has already served the active's serial with other content.
/// </summary>
public static class SerialRaiser
{
    /// <summary>
    /// Raises the serials on the active machine, each only if its zone row still hashes as <paramref name="listed"/> says (so
    /// that nothing written there since the run read it is paired unseen), and puts the raised rows' new hashes in it.
    /// </summary>
    public static async Task RaiseOnActiveAsync(Side active, IReadOnlyDictionary<string, SerialRaiseNeed> raises, Listing listed, DateTime now, CancellationToken ct)
    {
        var zones = listed[ObjectKind.Zone];
        var hash = active.Dialect.RowHash(BlechTables.Of(ObjectKind.Zone).Columns);
        await using var connection = active.Dialect.CreateConnection(active.ConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await active.Dialect.BeginApplyAsync(connection, ct);
        var sql = new Statements(connection, tx, active.Dialect);
        foreach (var (origin, raise) in raises)
        {
            var rows = await sql.ExecuteAsync(
                $"UPDATE dns_zone SET serial = {sql.Placeholder(0)}, updated_at = {sql.Placeholder(1)} WHERE id = {sql.Placeholder(2)} AND serial = {sql.Placeholder(3)} AND {hash} = {sql.Placeholder(4)}",
                [raise.To, now, raise.PeerZoneId, raise.From, zones.TryGetValue(raise.PeerZoneId, out var mark) ? mark.Hash : 0L], ct);
            if (rows != 1)
            {
                throw new ConcurrentChangeException($"zone {origin} changed on the {active.Role} while Bridge was raising its serial");
            }
        }

        await BlechWrites.QueueRegenerationAsync(sql, raises.Values.Select(r => ("zone", (int?)r.PeerZoneId, "write")).ToList(), now, ct);
        var raised = raises.Values.Select(r => r.PeerZoneId).ToHashSet();
        var after = await RowListing.ReadAsync(connection, tx, active.Dialect, ct, ObjectKinds.All.ToDictionary(k => k, k => (HashSet<int>?)(k == ObjectKind.Zone ? raised : [])));
        foreach (var (id, newMark) in after[ObjectKind.Zone])
        {
            zones[id] = newMark;
        }

        await tx.CommitAsync(ct);
    }
}
