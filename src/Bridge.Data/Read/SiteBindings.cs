using Bridge.Data.Run;

namespace Bridge.Data.Read;

/// <summary>
/// The standby's <c>main_ip</c> and the address each site is bound to, as Blech's database says, and the address Bridge last
/// wrote for each site (by normalized domain; empty before Bridge's first sync).
/// </summary>
public sealed record SiteBindings(string MainIp, IReadOnlyList<(string Domain, string Address)> Sites, IReadOnlyDictionary<string, string> Written)
{
    public static async Task<SiteBindings> ReadAsync(Side side, CancellationToken ct)
    {
        await using var connection = side.Dialect.CreateConnection(side.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT main_ip FROM server ORDER BY id";
        var mainIp = (string?)await command.ExecuteScalarAsync(ct)
            ?? throw new InvalidDataException("Blech's server table is empty: this does not look like a Blech database");
        // A parameter, not a literal: the engines spell true differently, and shared statements carry no engine's spelling.
        command.CommandText = "SELECT domain, ip_address FROM site WHERE active = " + side.Dialect.Placeholder(0);
        command.Parameters.Add(side.Dialect.CreateParameter(0, true));
        var sites = new List<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                sites.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return new SiteBindings(mainIp, sites, await State.StateStore.ReadSiteAddressesAsync(connection, null, ct));
    }
}
