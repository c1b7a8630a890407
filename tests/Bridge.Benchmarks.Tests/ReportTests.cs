namespace Bridge.Benchmarks.Tests;

/// The benchmark's arithmetic and verdicts, from hand-made samples: no server, no child process.
public sealed class ReportTests
{
    private static readonly MachineInfo Machine = new("test CPU", 2, "1 GiB", "Linux", []);

    [Test]
    public void RatioIsTheMedianOfThePerIterationRatiosNotTheRatioOfTheMedians()
    {
        // Per iteration 1.0, 3.0 and 0.5: the median is 1.0; the medians' ratio would be 200 / 100 = 2.0.
        var r = Results("large",
            ("change.sync", 1, 100), ("change.floor", 1, 100),
            ("change.sync", 2, 300), ("change.floor", 2, 100),
            ("change.sync", 3, 200), ("change.floor", 3, 400));

        var ratio = Report.Ratio(r, "postgres", Case("change.sync"));

        Assert.That(ratio, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ratio!.Median, Is.EqualTo(1.0).Within(1e-9));
            Assert.That(ratio.Min, Is.EqualTo(0.5).Within(1e-9));
            Assert.That(ratio.Max, Is.EqualTo(3.0).Within(1e-9));
            Assert.That(ratio.Count, Is.EqualTo(3));
        }
    }

    [Test]
    public void WarmUpAndFailedRunsAreLeftOutOfTheRatio()
    {
        var r = Results("large",
            ("noop.sync", 0, 5000), ("noop.floor", 0, 100),
            ("noop.sync", 1, 20), ("noop.floor", 1, 100),
            ("noop.sync", 2, 30), ("noop.floor", 2, 100));
        r.Samples.Add(new Sample { Engine = "postgres", Scenario = "noop.sync", Run = 3, WallMs = 9000, ExitCode = 5 });
        r.Samples.Add(new Sample { Engine = "postgres", Scenario = "noop.floor", Run = 3, WallMs = 100, ExitCode = 0 });

        var ratio = Report.Ratio(r, "postgres", Case("noop.sync"));

        Assert.That(ratio, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ratio!.Count, Is.EqualTo(2));
            Assert.That(ratio.Median, Is.EqualTo(0.25).Within(1e-9));
        }
    }

    [Test]
    public void PtTableSyncIsComparedByItsMediansBecauseItRunsInAnotherPhase()
    {
        var r = Results("large",
            ("change.sync", 1, 100), ("change.sync", 2, 300),
            ("pt.print", 1, 1000), ("pt.print", 2, 1000), ("pt.print", 3, 2000));
        var pt = Cases.All.Single(c => c.Scenario == "change.sync" && c.Baseline == "pt.print");

        var ratio = Report.Ratio(r, "postgres", pt);

        Assert.That(ratio!.Median, Is.EqualTo(0.2).Within(1e-9));
    }

    [Test]
    public void HeadlineOnLargeSaysWhichGoalsAreMetAndWhatWasMeasuredForTheMissedOnes()
    {
        var r = Results("large",
            ("noop.sync", 1, 200), ("noop.floor", 1, 1000), ("startup", 1, 90),
            ("change.sync", 1, 900), ("change.floor", 1, 1000),
            ("change.diff", 1, 700),
            ("full.sync", 1, 1400), ("full.copy", 1, 1000));
        r.Samples[3] = r.Samples[3] with { MaxRssKb = 310 * 1024, Phases = new() { ["read peer"] = 500, ["apply"] = 100 } };

        var md = Report.Render([r], null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(md, Does.Contain("| no-op sync | PostgreSQL | 200 ms | read floor | 1,000 ms | **0.20×** | ≤ 0.25× the read floor | met |"));
            Assert.That(md, Does.Contain("| 1% sync | PostgreSQL | 900 ms | read floor | 1,000 ms | **0.90×** | ≤ 0.75× the read floor | **missed** by 1.20× |"));
            Assert.That(md, Does.Contain("| full sync into an empty standby | PostgreSQL | 1,400 ms | copy floor | 1,000 ms | **1.40×** | ≤ 1.5× the copy floor | met |"));
            Assert.That(md, Does.Contain("| peak RSS of a 1% sync (largest of its runs) | PostgreSQL | 310 MB | | | | ≤ 300 MB | **missed** by 10 MB |"));
            Assert.That(md, Does.Contain("Goals on large: 2 of 4 met."));
            Assert.That(md, Does.Not.Contain("- no-op sync, PostgreSQL"));
            Assert.That(md, Does.Contain("- 1% sync, PostgreSQL: 900 ms against read floor 1,000 ms, ratio 0.90× where the goal is ≤ 0.75× the read floor. Bridge's time went to: read peer 500 ms, apply 100 ms."));
        }
    }

    [Test]
    public void AMissedNoOpNamesTheStartUpAlone()
    {
        var r = Results("large", ("noop.sync", 1, 600), ("noop.floor", 1, 1000), ("startup", 1, 90));

        var md = Report.Render([r], null);

        Assert.That(md, Does.Contain("- no-op sync, PostgreSQL: 600 ms against read floor 1,000 ms, ratio 0.60× where the goal is ≤ 0.25× the read floor. Start-up alone (`blech-bridge --version`): 90.0 ms."));
    }

    [Test]
    public void GoalsAreJudgedOnLargeOnly()
    {
        var r = Results("small", ("noop.sync", 1, 2000), ("noop.floor", 1, 1000));

        var md = Report.Render([r], null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(md, Does.Contain("on small the verdicts are for reference only"));
            Assert.That(md, Does.Not.Contain("Goals on small"));
        }
    }

    [Test]
    public void EachSizeNamesTheBridgeBuildItsRunMeasured()
    {
        MachineInfo Built(string build) => Machine with { Versions = new Dictionary<string, string>(Machine.Versions) { ["bridge build"] = build } };
        var large = Results("large", ("noop.sync", 1, 600), ("noop.floor", 1, 1000)) with { Machine = Built("built in the afternoon") };
        var huge = Results("huge", ("noop.sync", 1, 6000), ("noop.floor", 1, 10000)) with { Machine = Built("built in the morning") };

        var md = Report.Render([large, huge], null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(md, Does.Contain("| bridge build (large) | built in the afternoon |"));
            Assert.That(md, Does.Contain("| bridge build (huge) | built in the morning |"));
        }
    }

    [Test]
    public void ASettingNotTheSameForEverySizeIsGivenPerSizeAndOneThatIsOnce()
    {
        MachineInfo With(params (string Key, string Value)[] lines)
        {
            var versions = new Dictionary<string, string>(Machine.Versions);
            foreach (var (key, value) in lines)
            {
                versions[key] = value;
            }

            return Machine with { Versions = versions };
        }

        var large = Results("large", ("noop.sync", 1, 600), ("noop.floor", 1, 1000)) with { Machine = With(("PostgreSQL huge_pages", "off"), ("psql", "15")) };
        var huge = Results("huge", ("noop.sync", 1, 6000), ("noop.floor", 1, 10000)) with { Machine = With(("psql", "15")) };

        var md = Report.Render([large, huge], null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(md, Does.Contain("| PostgreSQL huge_pages (large) | off |"));
            Assert.That(md, Does.Contain("| PostgreSQL huge_pages (huge) | not recorded |"));
            Assert.That(md, Does.Contain("| psql | 15 |"));
            Assert.That(md, Does.Not.Contain("| psql (large)"));
        }
    }

    [Test]
    public void ResultsOfTheOlderMethodAreNamedButNotShown()
    {
        var old = Results("large", ("change.sync", 1, 900), ("change.floor", 1, 1000)) with { Method = 0 };

        var md = Report.Render([old], null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(md, Does.Contain("`results-large.json` was measured on 2026-11-25 with the older method"));
            Assert.That(md, Does.Not.Contain("## Headline"));
        }
    }

    [Test]
    public void ReadFloorReadsEveryTableBridgeReadsWholeWithoutJoins()
    {
        var pg = new PostgresPair(1, 2, "secret").ReadFloorScript();
        var my = new MariaDbPair(1, 2, "secret").ReadFloorScript();

        using (Assert.EnterMultipleScope())
        {
            foreach (var table in new[] { "server", "ip_address", "client", "site", "dns_zone", "dns_record", "mail_domain", "mailbox", "mail_alias" })
            {
                Assert.That(pg, Does.Contain($"COPY {table} TO STDOUT;"));
                Assert.That(my, Does.Contain($"SELECT * FROM {table};"));
            }

            Assert.That(pg + my, Does.Not.Contain("JOIN"));
        }
    }

    [Test]
    public void CopyFloorCopiesTheContentTablesOnlyFromChipToDale()
    {
        var pg = new PostgresPair(5001, 5002, "secret").CopyFloorCommand();
        var my = new MariaDbPair(5003, 5004, "secret").CopyFloorCommand();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pg, Does.StartWith("pg_dump --data-only ").And.Contain("-p 5001 ").And.Contain("| psql ").And.Contain("-p 5002 "));
            Assert.That(pg, Does.Contain("-t client -t site -t dns_zone -t dns_record -t mail_domain -t mailbox -t mail_alias "));
            Assert.That(pg, Does.Not.Contain("-t server").And.Not.Contain("-t ip_address"));
            Assert.That(my, Does.StartWith("mariadb-dump --no-defaults --no-create-info ").And.Contain("-P 5003 ").And.Contain("| mariadb ").And.Contain("-P 5004 "));
            Assert.That(my, Does.Contain(" blech client site dns_zone dns_record mail_domain mailbox mail_alias "));
            // The password travels in PGPASSWORD and MYSQL_PWD, never on a command line.
            Assert.That(pg + my, Does.Not.Contain("secret"));
        }
    }

    private static Case Case(string scenario) => Cases.All.First(c => c.Scenario == scenario && c.Interleaved);

    private static BenchResults Results(string size, params (string Scenario, int Run, double Ms)[] samples)
    {
        var r = new BenchResults
        {
            Method = BenchResults.CurrentMethod,
            Size = size,
            Runs = 3,
            StartedAt = new DateTime(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc),
            Machine = Machine,
        };
        r.Samples.AddRange(samples.Select(s => new Sample { Engine = "postgres", Scenario = s.Scenario, Run = s.Run, WallMs = s.Ms, ExitCode = 0 }));
        return r;
    }
}
