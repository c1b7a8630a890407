using Bridge.Core.Serials;
using Bridge.Data.Apply;

namespace Bridge.Data.Run;

/// <summary>Something changed on a database between Bridge's read and its write; the run is retried from the start.</summary>
public sealed class ConcurrentChangeException(string message) : Exception(message);

/// <summary>
/// The one write Bridge makes on the active machine: raising a zone's serial there (as a Blech edit would, with updated_at and
/// a regeneration row) when the standby has already served the active's serial with other content.
/// </summary>
public static class SerialRaiser
{
    public static async Task RaiseOnActiveAsync(Side active, IReadOnlyDictionary<string, SerialRaiseNeed> raises, DateTime now, CancellationToken ct)
    {
        await using var connection = active.Dialect.CreateConnection(active.ConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await active.Dialect.BeginApplyAsync(connection, ct);
        var sql = new Statements(connection, tx, active.Dialect);
        foreach (var (origin, raise) in raises)
        {
            var rows = await sql.ExecuteAsync(
                $"UPDATE dns_zone SET serial = {sql.Placeholder(0)}, updated_at = {sql.Placeholder(1)} WHERE id = {sql.Placeholder(2)} AND serial = {sql.Placeholder(3)}",
                [raise.To, now, raise.PeerZoneId, raise.From], ct);
            if (rows != 1)
            {
                throw new ConcurrentChangeException($"zone {origin} changed on the {active.Role} while Bridge was raising its serial");
            }
        }

        await BlechWrites.QueueRegenerationAsync(sql, raises.Values.Select(r => ("zone", (int?)r.PeerZoneId, "write")).ToList(), now, ct);
        await tx.CommitAsync(ct);
    }
}
