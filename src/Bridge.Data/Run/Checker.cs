using System.Data.Common;
using System.Net;
using Bridge.Core.Normalize;
using Bridge.Data.Engine;
using Bridge.Data.Read;
using Bridge.Data.State;

namespace Bridge.Data.Run;

/// <summary>One line of <c>blech-bridge check</c>.</summary>
public sealed record CheckResult(bool Ok, string Message);

/// <summary>Checks what a sync needs: both databases reachable, Blech's tables as BLECH.md lists them, V registered on the standby.</summary>
public static class Checker
{
    /// <summary>Blech's tables and columns, as BLECH.md documents them.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> BlechColumns =
        Schema.BlechTables.All.ToDictionary(t => t.Name, t => t.Columns, StringComparer.Ordinal);

    public static async Task<IReadOnlyList<CheckResult>> CheckAsync(Side peer, Side local, IPAddress serviceAddress, CancellationToken ct)
    {
        var results = new List<CheckResult>();
        foreach (var side in new[] { peer, local })
        {
            var name = $"{side.Role} ({side.Dialect.Describe(side.ConnectionString)})";
            try
            {
                await using var connection = side.Dialect.CreateConnection(side.ConnectionString);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                await connection.OpenAsync(timeout.Token);
                results.Add(new CheckResult(true, $"{name}: reachable"));
                results.Add(await CheckSchemaAsync(connection, side, name, timeout.Token));
                if (side == local)
                {
                    var addresses = await Query.ListAsync(connection, null, "SELECT address FROM ip_address", r => r.GetString(0), timeout.Token);
                    var registered = addresses.Any(a => Addresses.Canonical(a) == serviceAddress.ToString());
                    var version = await StateStore.VersionAsync(connection, null, timeout.Token);
                    var latest = side.Dialect.StateMigrations.Count;

                    // Every sync registers V, so an address not there yet is work the next sync does, not a failure.
                    results.Add(new CheckResult(true, registered
                        ? $"{name}: service address {serviceAddress} is registered in ip_address"
                        : version == 0
                            ? $"{name}: service address {serviceAddress} is not in ip_address yet: the first sync registers it"
                            : $"{name}: service address {serviceAddress} is not in ip_address (removed since the last sync?): the next sync registers it again"));
                    results.Add(new CheckResult(version <= latest, version == 0
                        ? $"{name}: Bridge's state does not exist yet (the first sync creates it)"
                        : version <= latest ? $"{name}: Bridge's state is version {version} (this Bridge: {latest})"
                        : $"{name}: Bridge's state is version {version}, newer than this Bridge ({latest}): upgrade Bridge"));
                }
            }
            catch (Exception e) when (e is DbException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
            {
                results.Add(new CheckResult(false, $"{name}: {SyncRunner.OneLine(e)}"));
            }
        }

        return results;
    }

    private static async Task<CheckResult> CheckSchemaAsync(DbConnection connection, Side side, string name, CancellationToken ct)
    {
        var missing = await MissingColumnsAsync(connection, side.Dialect, ct);
        return missing.Count == 0
            ? new CheckResult(true, $"{name}: Blech's schema has every table and column Bridge uses")
            : new CheckResult(false, $"{name}: Blech's schema lacks {Listed(missing)}");
    }

    /// <summary>The tables and columns of Blech's schema (<see cref="BlechColumns"/>) this database lacks, as <c>table.column</c>.</summary>
    public static async Task<List<string>> MissingColumnsAsync(DbConnection connection, IEngineDialect dialect, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = dialect.ColumnsSql;
        var found = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                found.Add((reader.GetString(0).ToLowerInvariant(), reader.GetString(1).ToLowerInvariant()));
            }
        }

        return BlechColumns.SelectMany(t => t.Value.Select(c => (t.Key, c))).Where(x => !found.Contains(x)).Select(x => $"{x.Key}.{x.c}").ToList();
    }

    /// <summary>At most ten names, then how many more.</summary>
    public static string Listed(IReadOnlyList<string> names) =>
        $"{string.Join(", ", names.Take(10))}{(names.Count > 10 ? $" and {names.Count - 10} more" : string.Empty)}";
}
