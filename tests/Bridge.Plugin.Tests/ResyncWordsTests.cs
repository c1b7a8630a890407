using Bridge.Cli.Requests;

namespace Bridge.Plugin.Tests;

/// <summary>What K reads for each way a resync can end: plain words, a few lines, no JSON, no connection details.</summary>
[TestFixture]
public sealed class ResyncWordsTests
{
    private static readonly MachineNames Names = new("chip", "dale");

    private static string Report(string summary, string extra = "") =>
        "{ \"dryRun\": false, \"applied\": true, \"machines\": { \"peer\": \"chip\", \"local\": \"dale\" }, \"summary\": { " + summary + " }" + extra + " }";

    private static string Kind(string name, int insert = 0, int update = 0, int delete = 0) =>
        $"\"{name}\": {{ \"insert\": {insert}, \"update\": {update}, \"delete\": {delete} }}";

    [Test]
    public void A_resync_that_changed_things_says_what_in_words()
    {
        var json = Report(string.Join(", ", Kind("client"), Kind("site", update: 3), Kind("zone", insert: 1), Kind("record", insert: 12, delete: 1),
            Kind("mail_domain"), Kind("mailbox", update: 1), Kind("alias", insert: 2), "\"reverted\": 2, \"revertedFiles\": 0, \"skipped\": 0"),
            ", \"reverted\": [ { \"kind\": \"site\", \"key\": \"a.example\" }, { \"kind\": \"site\", \"key\": \"b.example\" } ]");
        Assert.That(ResyncWords.Describe(0, json, "", TimeSpan.FromSeconds(14.2), Names), Is.EqualTo(
            "Resync finished in 14 s: 3 sites updated, 1 zone added, 12 DNS records added, 1 DNS record removed, 1 mailbox updated, 2 mail aliases added. "
            + "dale is in sync with chip.\n"
            + "2 sites that Blech had moved back to dale's own address were put back."));
    }

    [Test]
    public void A_resync_with_nothing_to_do_says_so()
    {
        var json = Report(string.Join(", ", Kind("client"), Kind("site"), Kind("zone"), "\"reverted\": 0, \"skipped\": 0"));
        Assert.That(ResyncWords.Describe(0, json, "", TimeSpan.FromSeconds(3), Names),
            Is.EqualTo("Resync finished in 3 s: nothing needed changing. dale is in sync with chip."));
    }

    [Test]
    public void Skipped_rows_are_counted_and_pointed_at_the_daily_report()
    {
        var json = Report(string.Join(", ", Kind("site", update: 1), "\"skipped\": 2"),
            ", \"skipped\": [ { \"kind\": \"record\", \"key\": \"x\", \"reason\": \"bad\" }, { \"kind\": \"site\", \"key\": \"y\", \"reason\": \"bad\" } ]");
        var text = ResyncWords.Describe(0, json, "", TimeSpan.FromSeconds(2), Names);
        Assert.That(text, Does.StartWith("Resync finished in 2 s: 1 site updated. dale is in sync with chip, except for 2 items that could not be copied.\n"));
        Assert.That(text, Does.Contain("1 DNS record, 1 site").And.Contain("daily report"));
    }

    [Test]
    public void A_resync_on_the_active_machine_says_there_is_nothing_to_copy()
    {
        var json = "{ \"note\": \"this machine is the active one: nothing to pull from the peer\", \"machines\": { \"peer\": null, \"local\": null }, \"summary\": { \"skipped\": 0 } }";
        Assert.That(ResyncWords.Describe(0, json, "", TimeSpan.FromSeconds(1), Names),
            Is.EqualTo("Resync not needed: dale is the active machine now, so there is nothing to copy to it."));
    }

    [TestCase("peer database: Failed to connect to 127.0.0.1:9: Connection refused", "Resync failed: cannot reach chip's database (connection refused). Nothing on dale was changed.")]
    [TestCase("local database: Failed to connect to 127.0.0.1:5432: Connection refused", "Resync failed: cannot reach dale's own database (connection refused). Nothing on dale was changed.")]
    [TestCase("peer database: 28P01: password authentication failed for user \"bridge\"", "Resync failed: chip's database refused Bridge's login. Nothing on dale was changed.")]
    [TestCase("peer database: Exception while reading from stream: Timeout during reading attempt", "Resync failed: cannot reach chip's database (no answer in time). Nothing on dale was changed.")]
    [TestCase("cannot take the run lock: Failed to connect to 127.0.0.1:5432: Connection refused", "Resync failed: cannot reach dale's own database (connection refused). Nothing on dale was changed.")]
    [TestCase("gave up after the total time limit of 300 s", "Resync failed: it did not finish within its time limit of 300 s. Nothing on dale was changed.")]
    public void A_database_failure_says_why_and_that_nothing_was_changed(string error, string expected)
    {
        var stderr = "info: Read 10 objects\nerror: resync failed: whatever\nbridge resync: " + error + "\n";
        Assert.That(ResyncWords.Describe(1, "", stderr, TimeSpan.FromSeconds(1), Names), Is.EqualTo(expected));
    }

    [Test]
    public void An_unrecognised_error_never_shows_its_raw_text()
    {
        var stderr = "bridge resync: peer database: 42P01: relation \"site\" does not exist at Host=chip;Password=hunter2\n";
        var text = ResyncWords.Describe(1, "", stderr, TimeSpan.FromSeconds(1), Names);
        Assert.That(text, Does.StartWith("Resync failed: chip's database answered with an error. Nothing on dale was changed.\n"));
        Assert.That(text, Does.EndWith("An administrator can find the details in the Bridge service log (journalctl -u bridge-requests)."));
        Assert.That(text, Does.Not.Contain("hunter2").And.Not.Contain("Host=").And.Not.Contain("42P01"));
    }

    [Test]
    public void A_guard_refusal_explains_what_it_would_have_removed_and_asks_for_an_administrator()
    {
        var json = Report(string.Join(", ", Kind("site", delete: 40), "\"skipped\": 0"),
            ", \"refused\": [ \"would delete 40 of the standby's 44 site objects (91%, limit 10%); run with --force if this is intended\" ]");
        var stderr = "bridge resync: refused by the guard: would delete 40 of the standby's 44 site objects (91%, limit 10%); run with --force if this is intended\n";
        var text = ResyncWords.Describe(3, json, stderr, TimeSpan.FromSeconds(2), Names);
        Assert.That(text, Does.StartWith("Resync stopped for safety: it would have removed 40 of dale's 44 sites"));
        Assert.That(text, Does.Contain("Nothing on dale was changed.").And.Contain("An administrator must look at it"));
        Assert.That(text, Does.Not.Contain("--force"));
    }

    [Test]
    public void An_empty_active_machine_is_refused_in_words()
    {
        var json = Report("\"skipped\": 0", ", \"refused\": [ \"the peer has no objects at all while the standby has 80: refusing to empty the standby (--force does not override this)\" ]");
        Assert.That(ResyncWords.Describe(3, json, "", TimeSpan.FromSeconds(2), Names),
            Does.StartWith("Resync stopped for safety: chip's database looks empty, and copying it would empty dale.").And.Contain("Nothing on dale was changed."));
    }

    [Test]
    public void An_Apache_failure_after_the_commit_says_the_database_is_in_sync_but_the_web_server_is_not()
    {
        var json = Report(string.Join(", ", Kind("site", update: 3), "\"skipped\": 0"), ", \"apache\": { \"outcome\": \"failed\", \"reason\": \"configtest failed\" }");
        var stderr = "bridge resync: apache: failed: configtest failed (the database changes are committed)\n";
        var text = ResyncWords.Describe(1, json, stderr, TimeSpan.FromSeconds(5), Names);
        Assert.That(text, Does.StartWith("Resync finished with a problem after 5 s: dale's database is in sync with chip (3 sites updated), but the web server files on dale could not be updated."));
        Assert.That(text, Does.Contain("An administrator must look at it").And.Not.Contain("Nothing on dale was changed"));
    }

    [Test]
    public void Another_run_holding_the_lock_means_this_click_changed_nothing()
    {
        var text = ResyncWords.Describe(4, "", "bridge resync: another Bridge run holds the lock on the local database; nothing done\n", TimeSpan.FromMinutes(3), Names);
        Assert.That(text, Does.StartWith("Resync not started: another Bridge run on dale was still busy").And.Contain("Nothing was changed by this click"));
    }

    [Test]
    public void Unknown_machines_get_plain_stand_in_names()
    {
        var text = ResyncWords.Describe(1, "", "bridge resync: peer database: Failed to connect to 10.0.0.1:5432: Connection refused\n", TimeSpan.FromSeconds(1), new MachineNames(null, null));
        Assert.That(text, Is.EqualTo("Resync failed: cannot reach the active machine's database (connection refused). Nothing on the standby was changed."));
    }

    [TestCase(0, "[]")]
    [TestCase(0, "{ \"summary\": 7, \"reverted\": {}, \"machines\": [] }")]
    [TestCase(0, "{ \"summary\": { \"site\": { \"update\": 1e40 } }, \"skipped\": [ 1, { \"kind\": 2 } ] }")]
    [TestCase(3, "{ \"refused\": [ 1, null ] }")]
    [TestCase(1, "not json")]
    public void A_malformed_report_still_gives_an_answer(int exitCode, string stdout)
    {
        var text = ResyncWords.Describe(exitCode, stdout, "", TimeSpan.FromSeconds(1), Names);
        Assert.That(text, Does.StartWith("Resync "));
    }
}
