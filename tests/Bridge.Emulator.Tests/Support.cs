using System.Diagnostics;
using Bridge.Emulator;

namespace Bridge.Emulator.Tests;

/// Names and helpers shared by the emulator's suites.
internal static class Support
{
    // Not "blech"/"bridge": other test projects may use the same servers at the same time.
    public const string Database = "emu_blech";
    public const string StateDatabase = "emu_state";

    public const string ChipIp = "192.0.2.10";
    public const string DaleIp = "198.51.100.20";

    public static readonly DateTime Morning = new(2025, 3, 14, 9, 30, 0, DateTimeKind.Utc);

    public static async Task<BlechInstance> CreateAsync(BlechServer server, string hostname, string mainIp)
    {
        var blech = await server.CreateAsync(hostname, mainIp, Database, StateDatabase);
        blech.UtcNow = () => Morning;
        return blech;
    }

    public static string NewFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "bridge-emulator-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// Runs the real named-checkzone; a missing binary fails the test rather than skipping it.
    public static (int ExitCode, string Output) NamedCheckZone(string origin, string file)
    {
        var start = new ProcessStartInfo("named-checkzone")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(origin);
        start.ArgumentList.Add(file);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("named-checkzone did not start");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    /// The same content, added the same way, for comparing two instances.
    public static async Task FillAsync(BlechInstance blech)
    {
        await blech.AddClientAsync(new ClientSpec("acme", "Acme Ltd", "ops@acme.example"));
        await blech.AddClientAsync(new ClientSpec("bob", "Bob \"B\" Smith", Active: false));
        await blech.AddSiteAsync(new SiteSpec("acme", "www.acme.example", ChipIp, Aliases: "acme.example shop.acme.example"));
        await blech.AddSiteAsync(new SiteSpec(
            "acme", "secure.acme.example", ChipIp, HttpsPort: 443, SslCertPath: "/etc/ssl/acme.crt", SslKeyPath: "/etc/ssl/acme.key",
            PhpVersion: "8.2", CustomDirectives: "<Directory \"/srv\">\n    Require all granted\n</Directory>"));
        await blech.AddSiteAsync(new SiteSpec("bob", "bob.example", ChipIp, Active: false));
        await blech.AddZoneAsync(new ZoneSpec("acme", "acme.example."));
        await blech.AddRecordAsync(new RecordSpec("acme.example.", "@", "A", ChipIp));
        await blech.AddRecordAsync(new RecordSpec("acme.example.", "@", "MX", "mail", Priority: 10));
        await blech.AddRecordAsync(new RecordSpec("acme.example.", "mail", "A", ChipIp, Ttl: 300));
        await blech.AddRecordAsync(new RecordSpec("acme.example.", "@", "TXT", "v=spf1 mx -all"));
        await blech.AddMailDomainAsync(new MailDomainSpec("acme", "acme.example"));
        await blech.AddMailboxAsync(new MailboxSpec("acme.example", "info", QuotaMb: 500));
        await blech.AddMailboxAsync(new MailboxSpec("acme.example", "old", ForwardTo: "a@b.example,c@d.example", Active: false));
        await blech.AddAliasAsync(new AliasSpec("acme.example", "*", "info@acme.example"));
    }
}
