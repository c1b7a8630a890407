using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using Bridge.Emulator;

namespace Bridge.Drill;

/// <summary>Blech's part in the failover drill: its content, its edits, its daemon and its hourly push, on one machine.</summary>
public static class DrillCommands
{
    private const int Clients = 5;

    /// <summary>Creates Blech on both machines and fills this one (the active, chip) through Blech's own edit path.</summary>
    public static async Task<int> SetupAsync(Options o, CancellationToken ct)
    {
        var (localName, localServer) = Options.Machine("LOCAL");
        var (peerName, peerServer) = Options.Machine("PEER");
        var sites = o.Int("sites");
        var v = o.Get("main-ip");
        var docroots = o.Get("docroots");
        var www = new[] { (localName, o.Get("www-local")), (peerName, o.Get("www-peer")) };
        var output = o.Get("out");

        var blech = await localServer.CreateAsync(localName, v, ct: ct);
        await peerServer.CreateAsync(peerName, o.Get("peer-main-ip"), ct: ct);

        var siteLines = new List<string>();
        var mailboxes = new List<string>();
        for (var c = 0; c < Clients; c++)
        {
            await blech.AddClientAsync(new ClientSpec($"client{c}", $"Customer {c}", $"owner{c}@example.org"), ct);
        }

        for (var n = 0; n < sites; n++)
        {
            var login = $"client{n % Clients}";
            var domain = string.Create(CultureInfo.InvariantCulture, $"site{n:00}.example");
            var https = n % 4 == 0;
            var aliases = n % 3 == 0 ? $"www.{domain}" + (n % 6 == 0 ? $" shop.{domain}" : string.Empty) : string.Empty;
            var root = $"{docroots}/{domain}/web";
            await blech.AddSiteAsync(new SiteSpec(login, domain, v, DocumentRoot: root, Aliases: aliases,
                HttpsPort: https ? 443 : null, SslCertPath: https ? o.Get("cert") : null, SslKeyPath: https ? o.Get("key") : null), ct);
            WritePage(www, docroots, root, domain);

            var origin = domain + ".";
            await blech.AddZoneAsync(new ZoneSpec(login, origin, PrimaryNs: "ns1.example.net.", Hostmaster: $"hostmaster.{origin}"), ct);
            await blech.AddRecordAsync(new RecordSpec(origin, "@", "NS", "ns1.example.net."), ct);
            await blech.AddRecordAsync(new RecordSpec(origin, "@", "A", v), ct);
            await blech.AddRecordAsync(new RecordSpec(origin, "www", "A", v, Ttl: 300), ct);
            await blech.AddRecordAsync(new RecordSpec(origin, "@", "MX", "mail", Priority: 10), ct);
            await blech.AddRecordAsync(new RecordSpec(origin, "mail", "A", v), ct);
            await blech.AddRecordAsync(new RecordSpec(origin, "@", "TXT", "v=spf1 a mx -all"), ct);

            await blech.AddMailDomainAsync(new MailDomainSpec(login, domain), ct);
            foreach (var local in new[] { "info", "admin" })
            {
                await blech.AddMailboxAsync(new MailboxSpec(domain, local, $"$6$rounds=5000${local}{n}$hashof{local}{n}", QuotaMb: 1024), ct);
                mailboxes.Add($"{local}@{domain}");
            }

            siteLines.Add(string.Join('\t', domain, https ? "https" : "http", aliases.Length == 0 ? "-" : aliases.Replace(' ', ',')));
        }

        Directory.CreateDirectory(output);
        await File.WriteAllLinesAsync(Path.Combine(output, "sites.tsv"), siteLines, ct);
        await File.WriteAllLinesAsync(Path.Combine(output, "mailboxes.txt"), mailboxes, ct);
        Console.WriteLine($"{localName}: Blech filled with {sites} sites ({siteLines.Count(l => l.Contains("\thttps\t", StringComparison.Ordinal))} with https, "
            + $"{siteLines.Count(l => !l.EndsWith("\t-", StringComparison.Ordinal))} with aliases), {sites} zones, {mailboxes.Count} mailboxes; main_ip {v}");
        Console.WriteLine($"{peerName}: empty Blech, main_ip {o.Get("peer-main-ip")}");
        return 0;
    }

    /// <summary>K's edits through this machine's Blech, each with what the client must see once it is served.</summary>
    public static async Task<int> EditAsync(Options o, CancellationToken ct)
    {
        var (localName, localServer) = Options.Machine("LOCAL");
        var (peerName, _) = Options.Machine("PEER");
        var blech = localServer.Open(localName);
        var count = o.Int("count");
        var docroots = o.Get("docroots");
        var www = new[] { (localName, o.Get("www-local")), (peerName, o.Get("www-peer")) };
        var sites = (await blech.GetSitesAsync(ct)).Select(s => s.Domain).ToList();
        var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var expected = new List<string>();
        for (var j = 0; j < count; j++)
        {
            var domain = sites[(j * 7 + 3) % sites.Count];
            switch (j % 3)
            {
                case 0:
                    var root = $"{docroots}/{domain}/edit-{stamp}-{j}";
                    var marker = $"{domain} edit {stamp}-{j}";
                    // The site's new files are deployed on both machines, as the hosting company's file sync would; Bridge moves
                    // only what Blech's database says, here the document root.
                    WritePage(www, docroots, root, marker);
                    await blech.UpdateSiteAsync(domain, s => s with { DocumentRoot = root }, ct);
                    expected.Add($"site\t{domain}\t{marker}");
                    break;
                case 1:
                    var name = $"k{stamp}-{j}";
                    await blech.AddRecordAsync(new RecordSpec(domain + ".", name, "TXT", $"edit {stamp}-{j}"), ct);
                    expected.Add($"record\t{domain}.\t{name}.{domain}.\tedit {stamp}-{j}");
                    break;
                default:
                    var mailbox = $"k{stamp}-{j}";
                    await blech.AddMailboxAsync(new MailboxSpec(domain, mailbox, $"$6$rounds=5000$k{j}$hashofk{j}"), ct);
                    expected.Add($"mailbox\t{mailbox}@{domain}");
                    break;
            }
        }

        await File.AppendAllLinesAsync(o.Get("out"), expected, ct);
        Console.WriteLine($"{localName}: {count} edits through Blech ({expected.Count(e => e.StartsWith("site", StringComparison.Ordinal))} document roots, "
            + $"{expected.Count(e => e.StartsWith("record", StringComparison.Ordinal))} records, {expected.Count(e => e.StartsWith("mailbox", StringComparison.Ordinal))} mailboxes)");
        return 0;
    }

    /// <summary>blechd: regeneration, then Apache's graceful and named's reload when their files changed, as Blech does.</summary>
    public static async Task<int> BlechdAsync(Options o, CancellationToken ct)
    {
        var (localName, localServer) = Options.Machine("LOCAL");
        var blech = localServer.Open(localName);
        var root = o.Get("root");
        var interval = o.Seconds("interval");
        var graceful = o.Get("graceful");
        var rndc = o.Get("rndc");
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var result = await blech.RegenerateAsync(root, ct);
                if (result.QueueRowsDone > 0)
                {
                    var files = result.Written.Concat(result.Removed).ToList();
                    Log($"blechd on {localName}: {result.QueueRowsDone} queue rows, {result.Written.Count} files written, {result.Removed.Count} removed, {result.RepairedSites.Count} sites repaired");
                    if (files.Any(f => f.StartsWith("apache/", StringComparison.Ordinal)))
                    {
                        await ShellAsync(graceful, ct);
                    }

                    if (files.Any(f => f.StartsWith("bind/", StringComparison.Ordinal)))
                    {
                        await ShellAsync(rndc, ct);
                    }
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                Log($"blechd on {localName}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            }

            await Task.Delay(interval, ct);
        }

        return 0;
    }

    /// <summary>Blech's hourly standby push, sped up: only the machine holding V pushes, to the other one.</summary>
    public static async Task<int> PushAsync(Options o, CancellationToken ct)
    {
        var (localName, localServer) = Options.Machine("LOCAL");
        var (peerName, peerServer) = Options.Machine("PEER");
        var v = IPAddress.Parse(o.Get("service-address"));
        var interval = o.Seconds("interval");
        // The first push as soon as this machine holds V, then one every interval while it does.
        while (!ct.IsCancellationRequested)
        {
            if (!HoldsAddress(v))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }

            try
            {
                await localServer.Open(localName).PushToAsync(peerServer.Open(peerName), ct);
                Log($"Blech's push from {localName} to {peerName} done");
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                Log($"Blech's push from {localName} to {peerName} failed: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            }

            await Task.Delay(interval, ct);
        }

        return 0;
    }

    private static bool HoldsAddress(IPAddress address) =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(a => a.Address.Equals(address));

    // Each machine serves its own copy of the site's files; the page names the site and the machine that served it.
    private static void WritePage((string Machine, string Tree)[] www, string docroots, string root, string text)
    {
        foreach (var (machine, tree) in www)
        {
            var folder = Path.Combine(tree, Path.GetRelativePath(docroots, root));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "index.html"), $"<p>{text}</p><p>served by {machine}</p>\n");
        }
    }

    private static async Task ShellAsync(string command, CancellationToken ct)
    {
        var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
        {
            Log($"`{command}` exited {p.ExitCode}: {(await stdout + await stderr).Trim().ReplaceLineEndings(" ")}");
        }
    }

    private static void Log(string message) =>
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fff}Z {message}");
}
