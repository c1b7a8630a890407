using Bridge.Core;
using Bridge.Emulator;
using MimeKit;

namespace Bridge.Integration.Tests;

/// <summary><c>bridge report</c> end to end: a dry run against real databases, mailed to a real SMTP server, parsed as MIME.</summary>
[TestFixture]
public sealed class ReportTests
{
    private Pair _pair = null!;
    private TestSmtpServer _smtp = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _pair = await Pair.CreateAsync(() => TestServers.PgChip, () => TestServers.PgDale);
        _smtp = await TestSmtpServer.StartAsync();
        _pair.WriteConfig(c => c["mail"] = new Dictionary<string, object?>
        {
            ["host"] = "127.0.0.1",
            ["port"] = _smtp.Port,
            ["tls"] = "none",
            ["from"] = "bridge@dale.example",
            ["to"] = new[] { "admins@example.org" },
            ["maxAttempts"] = 2,
            ["baseDelaySeconds"] = 0.1,
        });
        await SampleData.FillAsync(_pair.Chip, clients: 2, sitesPerClient: 3);
        await _pair.PushAsync();
        Assert.That((await _pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _smtp.DisposeAsync();
        Directory.Delete(_pair.Folder, recursive: true);
    }

    [Test]
    public async Task TheReportIsMailedWithTheVerdictTheCountsAndTheRevertsAndNoHash()
    {
        await _pair.PushAsync();
        Assert.That((await _pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success), "puts back what the push undid: reverts");
        await _pair.Chip.UpdateSiteAsync(SampleData.SiteDomain(0), s => s with { DocumentRoot = "/srv/new-root" });
        await _pair.Chip.UpdateMailboxAsync("mail00.example", "user0", m => m with { PasswordHash = "$6$rounds=5000$NEW$brandnewsecrethash" });
        await _pair.Chip.AddRecordAsync(new RecordSpec(SampleData.SiteDomain(1) + ".", "extra", "A", "192.0.2.50"));

        var run = await _pair.BridgeAsync("report", "--email");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var (recipients, raw) = await _smtp.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.That(recipients, Is.EqualTo(new[] { "admins@example.org" }));
        var message = await MimeMessage.LoadAsync(new MemoryStream(raw));
        Assert.That(message.Subject, Does.StartWith("[bridge] dale: ").And.Contain("changes pending"));
        Assert.That(message.Body?.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
        var text = message.TextBody ?? string.Empty;
        var html = message.HtmlBody ?? string.Empty;
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("dale: 4 changes pending"), text);
            Assert.That(text, Does.Contain("/srv/new-root"));
            Assert.That(text, Does.Contain("password changed"));
            Assert.That(text, Does.Contain(SampleData.SiteDomain(0)).And.Contain(PairAddresses.D), "the reverts since the last report");
            Assert.That(html, Does.Contain("dale: 4 changes pending"));
            Assert.That(html, Does.Not.Contain("<script"));
        });
        var everything = System.Text.Encoding.UTF8.GetString(raw) + text + html;
        foreach (var secret in new[] { "brandnewsecrethash", "hashofmailbox00", "hashofclient0", "devpass" })
        {
            Assert.That(everything, Does.Not.Contain(secret));
        }

        Assert.That((await _pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));
        var next = await _pair.BridgeAsync("report");
        Assert.That(next.Stdout, Does.Contain("dale is in sync with chip"), next.ToString());
        Assert.That(next.Stdout, Does.Not.Contain(PairAddresses.D), "reverts already reported are not repeated");
    }

    [Test]
    public async Task APreviewPrintedOrWrittenToAFileSaysWhereAndLeavesTheNextMailedReportWhole()
    {
        await _pair.PushAsync();
        Assert.That((await _pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success), "puts back what the push undid: reverts");

        var printed = await _pair.BridgeAsync("report");
        Assert.That(printed.Stdout, Does.Contain(PairAddresses.D), "the preview shows the reverts\n" + printed);
        var file = Path.Combine(_pair.Folder, "preview.html");
        var written = await _pair.BridgeAsync("report", "--out", file);
        Assert.That(written.ExitCode, Is.EqualTo(ExitCodes.Success), written.ToString());
        Assert.That(written.Stdout, Does.StartWith($"report written to {file} (HTML): "));
        Assert.That(File.ReadAllText(file), Does.Contain("<html"));

        var mailed = await _pair.BridgeAsync("report", "--email");
        Assert.That(mailed.ExitCode, Is.EqualTo(ExitCodes.Success), mailed.ToString());
        var (_, raw) = await _smtp.ReceiveAsync(TimeSpan.FromSeconds(10));
        var text = (await MimeMessage.LoadAsync(new MemoryStream(raw))).TextBody ?? string.Empty;
        Assert.That(text, Does.Contain(SampleData.SiteDomain(0)).And.Contain(PairAddresses.D), "previews did not move the mark:\n" + text);

        var next = await _pair.BridgeAsync("report");
        Assert.That(next.Stdout, Does.Not.Contain(PairAddresses.D), "the sent report moved it");
    }

    [Test]
    public async Task ASendThatKeepsFailingIsRetriedAndRecordedAsAFailedRun()
    {
        _pair.WriteConfig(c => c["mail"] = new Dictionary<string, object?>
        {
            ["host"] = "127.0.0.1", ["port"] = 9, ["tls"] = "none", ["password"] = "mailsekrit", ["user"] = "u",
            ["from"] = "bridge@dale.example", ["to"] = new[] { "admins@example.org" }, ["maxAttempts"] = 2, ["baseDelaySeconds"] = 0.1,
        });
        var run = await _pair.BridgeAsync("report", "--email");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.Stderr, Does.Contain("after 2 attempts"));
        Assert.That(run.Stderr + run.Stdout, Does.Not.Contain("mailsekrit"));
        var failed = await _pair.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM bridge.run WHERE command = 'report' AND outcome = 'failed'");
        Assert.That(failed, Is.EqualTo(1));
    }
}
