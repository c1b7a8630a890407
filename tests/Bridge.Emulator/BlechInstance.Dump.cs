using System.Globalization;
using System.Text;

namespace Bridge.Emulator;

// A canonical text of Blech's content, for comparing two machines after a sync.
public sealed partial class BlechInstance
{
    /// One line per client, site, zone, record, mail domain, mailbox and alias, sorted ordinally, natural keys only:
    /// no ids, no updated_at, no regen_queue, no server or ip_address rows (those describe the machine, not the content).
    /// Values that are empty, "-", or hold spaces, quotes, backslashes or control characters are quoted and escaped; null is "-".
    public Task<string> DumpAsync(CancellationToken ct = default) =>
        RunAsync(async db =>
        {
            var lines = new List<string>();
            foreach (var c in await db.QueryAsync<ClientRow>(ClientRow.Select))
            {
                lines.Add($"client {V(c.Login)} name={V(c.Name)} email={V(c.Email)} hash={V(c.PasswordHash)} active={B(c.Active)}");
            }

            foreach (var s in await db.QueryAsync<SiteRow>(SiteRow.Select))
            {
                lines.Add(
                    $"site {V(s.Domain)} client={V(s.ClientLogin)} ip={V(s.IpAddress)} http={N(s.HttpPort)} https={N(s.HttpsPort)} " +
                    $"docroot={V(s.DocumentRoot)} aliases={V(s.Aliases)} cert={V(s.SslCertPath)} key={V(s.SslKeyPath)} " +
                    $"php={V(s.PhpVersion)} directives={V(s.CustomDirectives)} active={B(s.Active)}");
            }

            foreach (var z in await db.QueryAsync<ZoneRow>(ZoneRow.Select))
            {
                lines.Add(
                    $"zone {V(z.Origin)} client={V(z.ClientLogin)} ns={V(z.PrimaryNs)} hostmaster={V(z.Hostmaster)} " +
                    $"serial={N(z.Serial)} refresh={N(z.Refresh)} retry={N(z.Retry)} expire={N(z.Expire)} " +
                    $"minimum={N(z.Minimum)} ttl={N(z.DefaultTtl)} active={B(z.Active)}");
            }

            foreach (var r in await db.QueryAsync<RecordRow>(RecordRow.Select))
            {
                lines.Add(
                    $"record {V(r.ZoneOrigin)} {V(r.Name)} {V(r.Type)} ttl={N(r.Ttl)} priority={N(r.Priority)} " +
                    $"active={B(r.Active)} data={V(r.Data)}");
            }

            foreach (var d in await db.QueryAsync<MailDomainRow>(MailDomainRow.Select))
            {
                lines.Add($"maildomain {V(d.Domain)} client={V(d.ClientLogin)} active={B(d.Active)}");
            }

            foreach (var m in await db.QueryAsync<MailboxRow>(MailboxRow.Select))
            {
                lines.Add(
                    $"mailbox {V(m.LocalPart + "@" + m.Domain)} hash={V(m.PasswordHash)} quota={N(m.QuotaMb)} " +
                    $"forward={V(m.ForwardTo)} active={B(m.Active)}");
            }

            foreach (var a in await db.QueryAsync<AliasRow>(AliasRow.Select))
            {
                lines.Add($"alias {V(a.Source + "@" + a.Domain)} destination={V(a.Destination)} active={B(a.Active)}");
            }

            lines.Sort(StringComparer.Ordinal);
            return BlechFiles.SortedLines(lines);
        }, ct);

    private static string B(bool value) => value ? "1" : "0";

    private static string N(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string V(string? value)
    {
        if (value is null)
        {
            return "-";
        }

        if (value.Length > 0 && value != "-" && !value.Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch) || ch is '"' or '\\'))
        {
            return value;
        }

        var b = new StringBuilder("\"");
        foreach (var ch in value)
        {
            b.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(ch) => $"\\u{(int)ch:x4}",
                _ => ch.ToString(),
            });
        }

        return b.Append('"').ToString();
    }
}
