using System.Diagnostics;
using System.Text.RegularExpressions;
using Bridge.Emulator;

namespace Bridge.Plugin.Tests;

/// <summary>
/// User nobody (Blech's user in these tests) throws everything it can at the spool's <c>requests/</c> folder for some
/// seconds, while the real request service serves real clicks against real PostgreSQL databases.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SpoolFuzzTests
{
    private const int FuzzSeconds = 15;

    // Runs as nobody in requests/ (which nobody may write, as group blech may in production); Perl (Debian's perl-base is
    // essential) makes thousands of entries a second without a process each. Arguments: the requests folder, a root file
    // outside the spool, a file of nobody's own outside it, a folder outside it, the seconds to run.
    private const string Fuzzer = """
        use strict; use warnings; use POSIX qw(mkfifo);
        my ($req, $canary, $mine, $outside, $secs) = @ARGV;
        chdir $req or die "cd $req: $!";
        sub touch { my $h; open($h, '>', $_[0]) and close $h }
        # Lasting bad entries, made once: each is reported at most once however often the service looks.
        mkdir 'ffffffffffffffffffffffffffffffff.keep.req'; touch('ffffffffffffffffffffffffffffffff.keep.req/inside');
        mkdir "stay\xffdir"; touch("stay\xffdir/inside"); touch("keep\xfffile");
        my $end = time + $secs; my $i = 0; my $swaps = 0;
        # All along, in a second process: one request name swapped between a file and a directory (issue 12: ended the service).
        my $child = fork();
        die "fork: $!" unless defined $child;
        if ($child == 0) {
          my $n = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.swap.req'; my $k = 0;
          while (time < $end) { touch($n); unlink $n; mkdir $n; rmdir $n; $k++ }
          print "$k swaps of one name, ";
          exit 0;
        }
        while (time < $end && $i < 300) {
          $i++;
          my $id = sprintf '%032x', $i;
          my $n = "$id.swap.req";
          # A request swapped for a directory and back, over and over (issue 12: this ended the service).
          for (1 .. 200) {
            touch($n); unlink $n; mkdir $n; rmdir $n; touch($n); rename $n, "$n.x"; mkdir $n;
            rename "$n.x", "$n.y"; rmdir $n; rename "$n.y", $n; unlink $n; mkdir $n; rmdir $n; $swaps++;
          }
          symlink $canary, "$id.link.req"; symlink '/etc/shadow', "$id.shadow.req"; symlink '/root', "$id.root.req";
          symlink $outside, "$id.dirlink.req"; symlink '../../../..', "$id.up.req";
          mkfifo "$id.fifo.req", 0600;
          if (open(my $h, '>', "$id.huge.req")) { truncate $h, 2**31; close $h }
          link $mine, "$id.hard.req"; link '/etc/shadow', "$id.shadowhard.req";
          touch("bad\xff$i"); touch("nl\n$i.req"); touch("$id.k\x01.req"); touch('x' x 255);
          mkdir "$id.dir.req" and symlink('/', "$id.dir.req/root") and touch("$id.dir.req/x");
          mkdir ".hidden$i";
          mkdir "$id.tmp" and rename "$id.tmp", "$id.late.req";
          symlink $canary, "$id.s"; touch("$id.r.req"); rename "$id.s", "$id.r.req";
          mkfifo "$id.f", 0600; touch("$id.q.req"); rename "$id.f", "$id.q.req";
          link $mine, "$id.h"; touch("$id.t.req"); rename "$id.h", "$id.t.req";
        }
        waitpid $child, 0;
        print "$i rounds, $swaps swaps\n";
        """;

    // What must not change: the folder outside the spool and its files (the links' targets), /etc/shadow, /root's mode and owner.
    private const string Outside = "cd \"$1\" && ls -A && stat -c '%n %a %U %s %Y %h' . canary mine /etc/shadow && stat -c '%n %a %U' /root";

    private BlechInstance _chip = null!;
    private BlechInstance _dale = null!;
    private Installation _install = null!;
    private string _outside = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        (_chip, _dale) = await PluginPair.CreateAsync();
        _install = await Installation.CreateAsync();
        _install.WriteConfig(TestServers.PgChip.ConnectionStringFor(PluginPair.Database), TestServers.PgDale.ConnectionStringFor(PluginPair.Database));
        _outside = Directory.CreateTempSubdirectory("bridge-outside-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        _install.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    [Test]
    public async Task NothingUserNobodyPutsInTheSpoolStopsTheServiceOrReachesOutsideIt()
    {
        // Outside the spool: a root file and a folder the links point to, and a file of nobody's own that it may hard-link.
        var canary = Path.Combine(_outside, "canary");
        await File.WriteAllTextAsync(canary, "canary\n");
        File.SetUnixFileMode(canary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var mine = Path.Combine(_outside, "mine");
        await File.WriteAllTextAsync(mine, "mine\n");
        File.SetUnixFileMode(mine, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await Sh.RunAsync("chown nobody \"$1\"", mine);
        File.SetUnixFileMode(_outside, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var outsideBefore = await Sh.RunAsync(Outside, _outside);
        var installBefore = InstallFolder();

        string log;
        HookResult during, after;
        string rounds;
        await using (var service = new Service(_install))
        {
            var fuzz = Sh.RunAsync("exec setpriv --reuid=nobody --regid=nogroup --clear-groups perl -e \"$1\" \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"",
                Fuzzer, Path.Combine(_install.Spool, "requests"), canary, mine, _outside, FuzzSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Task.Delay(TimeSpan.FromSeconds(2));
            during = await Hook.RunAsync(_install.ResyncHook, "k");
            rounds = await fuzz.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.That(service.Running, Is.True, "the service still serves after the fuzzing\n" + service.Log);

            await _chip.UpdateSiteAsync("site001.example", s => s with { DocumentRoot = "/srv/www/after-the-fuzz" });
            after = await Hook.RunAsync(_install.ResyncHook, "j");
            Assert.That(service.Running, Is.True, "the service still serves after the last click\n" + service.Log);
            log = service.Log;
        }

        TestContext.Out.WriteLine($"fuzzer: {rounds}");
        foreach (var click in new[] { during, after })
        {
            Assert.That(click.ExitCode, Is.Zero, click.ToString());
            Assert.That(click.Stdout, Does.Contain("Resync finished in").And.Contain("dale is in sync with chip."), click.ToString());
        }

        Assert.That((await _dale.GetSiteAsync("site001.example"))?.DocumentRoot, Is.EqualTo("/srv/www/after-the-fuzz"));

        // Nothing outside the spool changed: the files links pointed to, the folder they pointed into, /etc/shadow, /root.
        Assert.That(await Sh.RunAsync(Outside, _outside), Is.EqualTo(outsideBefore));
        Assert.That(await File.ReadAllTextAsync(canary), Is.EqualTo("canary\n"));
        Assert.That(await File.ReadAllTextAsync(mine), Is.EqualTo("mine\n"));
        Assert.That(InstallFolder(), Is.EqualTo(installBefore));
        Assert.That(Directory.GetFileSystemEntries(Path.Combine(_install.Spool, "taken")), Is.Empty, "every request taken was answered");

        // The log stays bounded, and the entries that stayed all along were each reported at most once.
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var requests = Path.Combine(_install.Spool, "requests");
        var bad = lines.Where(l => l.Contains(requests, StringComparison.Ordinal) || l.Contains("more bad entries", StringComparison.Ordinal)).ToList();
        TestContext.Out.WriteLine($"{bad.Count} log lines about the spool's entries, {lines.Length} in all");
        Assert.That(bad, Has.Count.LessThanOrEqualTo(2 * (Bridge.Runtime.Requests.BadEntryLog.LinesPerMinute + 1)), log);
        foreach (var lasting in new[] { "ffffffffffffffffffffffffffffffff.keep.req'", "stay.{1,12}dir'", "keep.{1,12}file'" })
        {
            Assert.That(bad.Count(l => Regex.IsMatch(l, "'" + lasting)), Is.LessThanOrEqualTo(1), $"{lasting} is reported once at most\n{log}");
        }

        Assert.That(bad.GroupBy(l => l).Where(g => g.Count() > 1 && g.Key.Contains("left alone", StringComparison.Ordinal)).Select(g => g.Key), Is.Empty, "an entry that stays is reported once");
        Assert.That(log, Does.Not.Contain("Exception").And.Not.Contain("canary\n"));
        Assert.That(log.Length, Is.LessThan(200_000));
    }

    // The installation's folder holds the spool; the run lock file appears with the first run.
    private List<string> InstallFolder() =>
        [.. Directory.GetFileSystemEntries(_install.Folder).Where(p => p != _install.LockFile).Order(StringComparer.Ordinal)];
}
