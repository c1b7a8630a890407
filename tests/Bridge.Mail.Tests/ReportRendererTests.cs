namespace Bridge.Mail.Tests;

public sealed class ReportRendererTests
{
    private static string[] Lines(string text) => text.Split('\n');

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public void InSyncSaysSoFirstEverywhere()
    {
        var r = ReportRenderer.Render(Samples.InSync());

        Assert.That(r.Subject, Is.EqualTo("[bridge] dale is in sync with chip"));
        Assert.That(Lines(r.Text)[0], Is.EqualTo("dale is in sync with chip."));
        Assert.That(HtmlText.BodyText(r.Html), Does.StartWith("dale is in sync with chip."));
        Assert.That(r.Text, Does.Contain("No changes pending."));
        Assert.That(HtmlText.BodyText(r.Html), Does.Contain("No changes pending."));
    }

    [Test]
    public void EmptySectionsAreLeftOut()
    {
        var r = ReportRenderer.Render(Samples.InSync());

        foreach (var heading in new[] { "Reverted by Blech", "Rows skipped", "Zones whose serials differ", "Runs since the last report" })
        {
            Assert.That(r.Text, Does.Not.Contain(heading));
            Assert.That(r.Html, Does.Not.Contain(heading));
        }
        Assert.That(r.Html, Does.Not.Contain("<table cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse"));
    }

    [TestCase(12, 1, "dale: 12 changes pending, 1 failed run")]
    [TestCase(1, 0, "dale: 1 change pending")]
    [TestCase(2, 2, "dale: 2 changes pending, 2 failed runs")]
    [TestCase(0, 1, "dale is in sync with chip, 1 failed run")]
    [TestCase(0, 3, "dale is in sync with chip, 3 failed runs")]
    public void VerdictCountsChangesAndFailedRuns(int pending, int failed, string verdict)
    {
        var r = ReportRenderer.Render(Samples.WithCounts(pending, failed));

        Assert.That(r.Subject, Is.EqualTo("[bridge] " + verdict));
        Assert.That(Lines(r.Text)[0], Is.EqualTo(verdict + "."));
        Assert.That(HtmlText.BodyText(r.Html), Does.StartWith(verdict + "."));
    }

    [Test]
    public void FailedDryRunSaysSoInsteadOfInSync()
    {
        var report = Samples.InSync() with { Error = "cannot reach chip's database" };

        var r = ReportRenderer.Render(report);

        Assert.That(r.Subject, Is.EqualTo("[bridge] dale: report failed: cannot reach chip's database"));
        Assert.That(Lines(r.Text)[0], Is.EqualTo("dale: report failed: cannot reach chip's database."));
        Assert.That(HtmlText.BodyText(r.Html), Does.StartWith("dale: report failed: cannot reach chip&#39;s database.".Replace("&#39;", "'", StringComparison.Ordinal)));
        Assert.That(r.Text, Does.Not.Contain("in sync"));
        Assert.That(r.Text, Does.Not.Contain("No changes pending"));
        Assert.That(r.Html, Does.Not.Contain("No changes pending"));
    }

    [Test]
    public void SubjectOfAMultiLineErrorStaysOneShortLine()
    {
        var report = Samples.InSync() with { Error = "connection failed\nat line 1\n" + new string('x', 500) };

        var r = ReportRenderer.Render(report);

        Assert.That(r.Subject, Does.StartWith("[bridge] dale: report failed: connection failed"));
        Assert.That(r.Subject, Does.Not.Contain('\n'));
        Assert.That(r.Subject.Length, Is.LessThan(160));
    }

    [Test]
    public void MixedReportVerdict()
    {
        var r = ReportRenderer.Render(Samples.Mixed());

        Assert.That(r.Subject, Is.EqualTo("[bridge] dale: 7 changes pending, 1 failed run"));
        Assert.That(Lines(r.Text)[0], Is.EqualTo("dale: 7 changes pending, 1 failed run."));
    }

    [Test]
    public void TextCountTableHasOneRowPerKindAndATotal()
    {
        var lines = Lines(ReportRenderer.Render(Samples.Mixed()).Text);

        Assert.That(Words(lines.First(l => l.StartsWith("kind ", StringComparison.Ordinal))), Is.EqualTo(new[] { "kind", "insert", "update", "delete", "total" }));
        Assert.That(Words(lines.First(l => l.StartsWith("client ", StringComparison.Ordinal))), Is.EqualTo(new[] { "client", "1", "1", "0", "2" }));
        Assert.That(Words(lines.First(l => l.StartsWith("site ", StringComparison.Ordinal))), Is.EqualTo(new[] { "site", "1", "1", "0", "2" }));
        Assert.That(Words(lines.First(l => l.StartsWith("record ", StringComparison.Ordinal))), Is.EqualTo(new[] { "record", "0", "0", "1", "1" }));
        Assert.That(Words(lines.First(l => l.StartsWith("total ", StringComparison.Ordinal))), Is.EqualTo(new[] { "total", "2", "4", "1", "7" }));
        var table = lines.SkipWhile(l => !l.StartsWith("kind ", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0).ToList();
        Assert.That(table.Select(l => Words(l)[0]), Is.EqualTo(new[] { "kind", "-------", "client", "site", "record", "mailbox", "alias", "total" }), "kinds in a fixed order, those without changes left out");
    }

    [Test]
    public void TextCountTableIsAligned()
    {
        var lines = Lines(ReportRenderer.Render(Samples.Mixed()).Text);
        var header = Array.FindIndex(lines, l => l.StartsWith("kind ", StringComparison.Ordinal));
        var table = lines.Skip(header).TakeWhile(l => l.Length > 0).ToList();

        Assert.That(table, Has.Count.EqualTo(2 + 5 + 1), "header, rule, five kinds, total");
        Assert.That(table.Select(l => l.Length).Distinct().Count(), Is.EqualTo(1), "numbers are right-aligned to one width:\n" + string.Join('\n', table));
    }

    [Test]
    public void HtmlCountTableHasOneRowPerKindAndATotal()
    {
        var rows = HtmlText.Rows(ReportRenderer.Render(Samples.Mixed()).Html);

        Assert.That(rows, Has.Some.EqualTo(new[] { "Kind", "Insert", "Update", "Delete", "Total" }));
        Assert.That(rows, Has.Some.EqualTo(new[] { "client", "1", "1", "0", "2" }));
        Assert.That(rows, Has.Some.EqualTo(new[] { "mailbox", "0", "1", "0", "1" }));
        Assert.That(rows, Has.Some.EqualTo(new[] { "Total", "2", "4", "1", "7" }));
    }

    [Test]
    public void EachObjectListsWhatDiffers()
    {
        var r = ReportRenderer.Render(Samples.Mixed());

        Assert.That(r.Text, Does.Contain("  update www.example.com\n      document_root: /srv/old -> /srv/new\n      aliases: \"\" -> example.com\n"));
        Assert.That(r.Text, Does.Contain("  insert bob\n      name: (none) -> Bob Builder\n      password changed\n"));
        Assert.That(r.Text, Does.Contain("  delete example.com. old A 192.0.2.99\n"));
        var rows = HtmlText.Rows(r.Html);
        Assert.That(rows, Has.Some.EqualTo(new[] { "update", "www.example.com", "document_root: /srv/old → /srv/new aliases: \"\" → example.com" }));
        Assert.That(rows, Has.Some.EqualTo(new[] { "insert", "bob", "name: (none) → Bob Builder password changed" }));
    }

    [Test]
    public void SecretsAreNeverShown()
    {
        var r = ReportRenderer.Render(Samples.Mixed());

        foreach (var secret in Samples.Secrets.Concat([Samples.ClientHashOld, Samples.ClientHashNew, Samples.MailboxHashNew, "$6$rounds", "{SHA512-CRYPT}"]))
        {
            Assert.That(r.Text, Does.Not.Contain(secret), "text");
            Assert.That(r.Html, Does.Not.Contain(secret), "html");
        }
        Assert.That(r.Text, Does.Contain("      password changed\n"));
        Assert.That(r.Text, Does.Contain("      dkim_private_key changed\n"), "a secret that is not a password is named");
        Assert.That(r.Text, Does.Contain("      hash changed\n"), "a hash not marked secret is still hidden");
        Assert.That(r.Text, Does.Contain("password hash [hash] has a colon"), "a hash inside free text is scrubbed");
        Assert.That(HtmlText.Rows(r.Html), Has.Some.EqualTo(new[] { "2025-06-01 15:00", "mailbox", "info@example.com", "password_hash", "password changed" }));
    }

    [Test]
    public void SecretsNeverShownEvenAtTheCap()
    {
        var report = Samples.InSync() with
        {
            Pending = [.. Enumerable.Range(0, 5).Select(i => new PendingChange("mailbox", "update", $"m{i}@example.com", [new FieldDifference("password_hash", "$6$a$SECRETHASHA" + i, "$6$b$SECRETHASHB" + i, true)]))],
            Error = "login failed for hash $6$zz$SECRETHASHERROR",
        };

        var r = ReportRenderer.Render(report, new RenderLimits { MaxObjectsPerKind = 2 });

        Assert.That(r.Subject + r.Text + r.Html, Does.Not.Contain("SECRETHASH"));
    }

    [Test]
    public void HtmlEncodesEveryValue()
    {
        var r = ReportRenderer.Render(Samples.Mixed() with { Standby = "dale<i>", Active = "chip & co" });

        Assert.That(r.Html, Does.Not.Contain("<script").IgnoreCase);
        Assert.That(r.Html, Does.Not.Contain("<i>"));
        Assert.That(r.Html, Does.Contain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
        Assert.That(r.Html, Does.Contain("/srv/&lt;b&gt;&amp;"));
        Assert.That(r.Html, Does.Contain("chip &amp; co"));
        Assert.That(HtmlText.Rows(r.Html), Has.Some.EqualTo(new[] { "insert", Samples.NastyKey, "document_root: (none) → /srv/<b>&" }));
        Assert.That(r.Text, Does.Contain("  insert " + Samples.NastyKey + "\n"), "the text body keeps the key as it is");
    }

    [Test]
    public void HtmlIsASelfContainedDocumentForMailClients()
    {
        var html = ReportRenderer.Render(Samples.Mixed()).Html;

        Assert.That(html, Does.StartWith("<!DOCTYPE html>"));
        Assert.That(html.TrimEnd(), Does.EndWith("</html>"));
        Assert.That(html, Does.Contain("<meta charset=\"utf-8\">"));
        foreach (var banned in new[] { "<script", "<style", "<link", "<img", "<iframe", "src=", "href=", "url(", "http:", "https:", "class=", "@import", "javascript:" })
        {
            Assert.That(html, Does.Not.Contain(banned).IgnoreCase, banned);
        }
        Assert.That(html, Does.Contain("<table"));
        var cells = System.Text.RegularExpressions.Regex.Matches(html, "<t[dh](\\s[^>]*)?>");
        Assert.That(cells, Is.Not.Empty);
        Assert.That(cells.Select(m => m.Value), Has.All.Contain("style=\""), "every cell is styled inline");
    }

    [Test]
    public void FailedRunsComeFirstThenNewestFirst()
    {
        var t0 = Samples.Since;
        var report = Samples.InSync() with
        {
            Runs =
            [
                new(t0.AddHours(1), t0.AddHours(1).AddMinutes(1), "sync", "cron", "ok", "run-A", null),
                new(t0.AddHours(2), t0.AddHours(2).AddMinutes(1), "sync", "cron", "failed", null, "run-B"),
                new(t0.AddHours(3), t0.AddHours(3).AddMinutes(1), "sync", "cron", "refused", "run-C", null),
                new(t0.AddHours(4), null, "sync", "cron", "FAILED", null, "run-D"),
                new(t0.AddHours(5), t0.AddHours(5).AddMinutes(1), "report", "cron", "ok", "run-E", null),
            ],
        };
        string[] expected = ["run-D", "run-B", "run-E", "run-C", "run-A"];

        var r = ReportRenderer.Render(report);

        Assert.That(OrderOf(r.Text, expected), Is.EqualTo(expected), "text");
        Assert.That(OrderOf(r.Html, expected), Is.EqualTo(expected), "html");
        Assert.That(r.Subject, Is.EqualTo("[bridge] dale is in sync with chip, 2 failed runs"));
        Assert.That(HtmlText.Rows(r.Html), Has.Some.EqualTo(new[] { "2025-06-01 07:00", "1m 00s", "sync", "cron", "ok", "run-A" }));
    }

    private static string[] OrderOf(string text, string[] markers) =>
        [.. markers.OrderBy(m => text.IndexOf(m, StringComparison.Ordinal) is var i and >= 0 ? i : throw new AssertionException($"{m} missing"))];

    [Test]
    public void SerialsShowZoneThenActiveThenStandby()
    {
        var r = ReportRenderer.Render(Samples.Mixed());
        var lines = Lines(r.Text);

        Assert.That(Words(lines.First(l => l.StartsWith("zone ", StringComparison.Ordinal))), Is.EqualTo(new[] { "zone", "chip", "(active)", "dale", "(standby)" }));
        Assert.That(Words(lines.First(l => l.StartsWith("example.com.", StringComparison.Ordinal))), Is.EqualTo(new[] { "example.com.", "2025060101", "2025053102" }));
        Assert.That(Words(lines.First(l => l.StartsWith("example.net.", StringComparison.Ordinal))), Is.EqualTo(new[] { "example.net.", "2025060201", "(missing)" }));
        Assert.That(HtmlText.Rows(r.Html), Has.Some.EqualTo(new[] { "example.net.", "2025060201", "(missing)" }));
    }

    [Test]
    public void RevertedAndSkippedAreListed()
    {
        var r = ReportRenderer.Render(Samples.Mixed());

        Assert.That(r.Text, Does.Contain("Reverted by Blech since the last report"));
        var lines = Lines(r.Text);
        var at = Array.FindIndex(lines, l => l.StartsWith("2025-06-01 14:00", StringComparison.Ordinal));
        Assert.That(Words(lines[at]), Is.EqualTo(new[] { "2025-06-01", "14:00", "site", "www.example.com", "ip_address", "192.0.2.10", "->" }));
        Assert.That(Words(lines[at + 1]), Is.EqualTo(new[] { "198.51.100.4" }), "a cell too wide for 78 columns wraps in its column");
        Assert.That(lines[at + 1].IndexOf('1', StringComparison.Ordinal), Is.EqualTo(lines[at].IndexOf("192.", StringComparison.Ordinal)));
        Assert.That(r.Text, Does.Contain("local part has a space"));
        var rows = HtmlText.Rows(r.Html);
        Assert.That(rows, Has.Some.EqualTo(new[] { "2025-06-01 14:00", "site", "www.example.com", "ip_address", "192.0.2.10 → 198.51.100.4" }));
        Assert.That(rows, Has.Some.EqualTo(new[] { "mailbox", "bad box@example.com", "local part has a space" }));
    }

    [Test]
    public void LongListsAreCappedButCountedInFull()
    {
        var report = Samples.WithCounts(250, 0);

        var r = ReportRenderer.Render(report);

        Assert.That(r.Subject, Is.EqualTo("[bridge] dale: 250 changes pending"));
        var listed = Lines(r.Text).Count(l => l.StartsWith("  update s", StringComparison.Ordinal));
        Assert.That(listed, Is.EqualTo(200));
        Assert.That(r.Text, Does.Contain("  … and 50 more site changes\n"));
        Assert.That(Words(Lines(r.Text).First(l => l.StartsWith("site ", StringComparison.Ordinal))), Is.EqualTo(new[] { "site", "0", "250", "0", "250" }));
        Assert.That(HtmlText.Rows(r.Html).Count(row => row[0] == "update"), Is.EqualTo(200));
        Assert.That(HtmlText.BodyText(r.Html), Does.Contain("… and 50 more site changes"));
        Assert.That(r.Text, Does.Contain("s199.example.com"));
        Assert.That(r.Text, Does.Not.Contain("s200.example.com"));
    }

    [Test]
    public void OtherSectionsAreCappedToo()
    {
        var report = Samples.InSync() with
        {
            Skipped = [.. Enumerable.Range(0, 7).Select(i => new SkippedEntry("site", $"bad{i}.example.com", "no such client"))],
            Runs = [.. Enumerable.Range(0, 6).Select(i => new RunEntry(Samples.Since.AddHours(i), null, "sync", "cron", "ok", null, null))],
        };

        var r = ReportRenderer.Render(report, new RenderLimits { MaxRows = 5 });

        Assert.That(r.Text, Does.Contain("… and 2 more skipped rows\n"));
        Assert.That(r.Text, Does.Contain("… and 1 more run\n"));
        Assert.That(HtmlText.BodyText(r.Html), Does.Contain("… and 2 more skipped rows"));
    }

    [Test]
    public void LongValuesAreCutAndTextLinesStayWithin78Columns()
    {
        var dkim = "v=DKIM1; k=rsa; p=" + string.Concat(Enumerable.Repeat("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 25));
        var report = Samples.Mixed() with
        {
            Pending =
            [
                .. Samples.Mixed().Pending,
                new("record", "update", "default._domainkey.example.com. TXT", [new("data", "v=DKIM1; p=old", dkim, false)]),
                new("site", "update", "x.example.com", [new("custom_directives", "Header set A 1\nHeader set B 2", null, false)]),
            ],
            Skipped = [new("site", new string('k', 120) + ".example.com", "a reason that is long enough to need wrapping across more than one line of the table, surely")],
        };

        var r = ReportRenderer.Render(report);

        Assert.That(r.Text, Does.Contain($"({dkim.Length - 300} more characters)"));
        Assert.That(r.Text, Does.Contain("custom_directives: Header set A 1\\nHeader set B 2 -> (none)"));
        var tooLong = Lines(r.Text).Where(l => l.Length > 78).ToList();
        Assert.That(tooLong, Is.Empty);
        Assert.That(r.Text, Does.Contain("a reason that is long enough"));
    }

    [Test]
    public void HeaderSaysWhenAndSince()
    {
        var r = ReportRenderer.Render(Samples.Mixed());

        Assert.That(Lines(r.Text)[2], Is.EqualTo("Generated 2025-06-02 06:00 UTC; last report 2025-06-01 06:00 UTC."));
        var first = ReportRenderer.Render(Samples.InSync() with { Since = null });
        Assert.That(first.Text, Does.Contain("no earlier report"));
    }

    [Test]
    public void ReadinessIsTheFirstSectionAndANotReadyStandbySaysSoInTheSubject()
    {
        var ready = ReportRenderer.Render(Samples.InSync() with { ReadyVerdict = "dale is ready to take over: 3 sites on 192.0.2.100, 1 zone, 2 mailboxes", Ready = true });
        Assert.That(ready.Text.IndexOf("Ready to take over?", StringComparison.Ordinal), Is.GreaterThan(0).And.LessThan(ready.Text.IndexOf("Changes pending", StringComparison.Ordinal)));
        Assert.That(ready.Subject, Does.Not.Contain("NOT ready"));

        var notReady = ReportRenderer.Render(Samples.InSync() with
        {
            ReadyVerdict = "dale is NOT ready: 1 site has no vhost on V",
            Ready = false,
            ReadyProblems = ["site shop.example: no vhost on 192.0.2.100:80 in apache2ctl -S"],
        });
        Assert.That(notReady.Subject, Does.Contain("NOT ready to take over"));
        Assert.That(notReady.Text, Does.Contain("dale is NOT ready: 1 site has no vhost on V").And.Contain("- site shop.example: no vhost on 192.0.2.100:80"));
        Assert.That(notReady.Html.IndexOf("Ready to take over?", StringComparison.Ordinal), Is.LessThan(notReady.Html.IndexOf("Changes pending", StringComparison.Ordinal)));
        Assert.That(notReady.Html, Does.Contain("site shop.example: no vhost on 192.0.2.100:80"));
    }
}
