using Bridge.Data.Run;

namespace Bridge.Data.Read;

/// <summary>Blech's <c>server</c> row: the machine's own host name, as Blech spells it.</summary>
public static class ServerInfo
{
    /// <summary>The host name, or null when the database does not answer within <paramref name="timeout"/> or has no server row.</summary>
    public static async Task<string?> HostnameAsync(Side side, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            await using var connection = side.Dialect.CreateConnection(side.ConnectionString);
            await connection.OpenAsync(limit.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT hostname FROM server";
            return await command.ExecuteScalarAsync(limit.Token) as string;
        }
        catch (Exception)
        {
            // Only a name for a sentence: whatever went wrong, the caller says "the active machine" instead.
            return null;
        }
    }
}
