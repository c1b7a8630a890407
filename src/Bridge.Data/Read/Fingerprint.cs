using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Bridge.Data.Read;

/// <summary>
/// A cheap summary of a Blech database: per table the row count, the largest and the sum of the ids and the latest
/// <c>updated_at</c>, plus the server's <c>main_ip</c>. Blech sets <c>updated_at</c> on every edit and never reuses an id, so
/// any change made through Blech changes the fingerprint; one aggregate query costs a fraction of reading the rows.
/// </summary>
public static class Fingerprint
{
    private static readonly string[] Tables = ["client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias"];

    private static readonly string Sql = string.Join("\nUNION ALL ",
        Tables.Select(t => $"SELECT '{t}', COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0), MAX(updated_at) FROM {t}")
            .Append("SELECT 'ip_address', COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0), NULL FROM ip_address"));

    public static async Task<string> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        // UNION ALL promises no order (PostgreSQL's parallel append mixes it): one line per table, sorted here.
        var lines = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = Sql;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var text = new StringBuilder();
                text.Append(reader.GetString(0)).Append(':')
                    .Append(Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture)).Append(':')
                    .Append(Convert.ToString(reader.GetValue(2), CultureInfo.InvariantCulture)).Append(':')
                    .Append(Convert.ToString(reader.GetValue(3), CultureInfo.InvariantCulture)).Append(':')
                    .Append(reader.IsDBNull(4) ? "-" : reader.GetDateTime(4).ToString("yyyyMMddHHmmss.ffffff", CultureInfo.InvariantCulture)).Append(';');
                lines.Add(text.ToString());
            }
        }

        lines.Sort(StringComparer.Ordinal);
        var result = new StringBuilder(string.Concat(lines));

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT main_ip FROM server ORDER BY id";
            result.Append("main_ip:").Append(await command.ExecuteScalarAsync(ct));
        }

        return result.ToString();
    }
}
