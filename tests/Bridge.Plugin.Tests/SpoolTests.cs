using Bridge.Runtime.Requests;

namespace Bridge.Plugin.Tests;

/// <summary>
/// What the service does with what user blech can put in <c>requests/</c> besides requests: no database, the spool's own
/// <see cref="Spool.Take"/>. Entries are made from bytes with /bin/sh, since .NET cannot name a file that is not UTF-8.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SpoolTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";
    private string _folder = null!;
    private Spool _spool = null!;
    private List<string> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("bridge-spool-").FullName;
        _spool = new Spool(Path.Combine(_folder, "spool"));
        Directory.CreateDirectory(_spool.Root);
        _spool.EnsureLayout();
        _log = [];
    }

    [TearDown]
    public void TearDown() => Sh.Remove(_folder);

    private IReadOnlyList<SpoolRequest> Take(DateTime now) => _spool.Take(now, _log.Add);

    private async Task<int> EntriesAsync(string folder) => int.Parse(await Sh.RunAsync("ls -A \"$1\" | wc -l", folder), System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public async Task ANameThatIsNotUtf8IsRemovedAndLoggedOnce()
    {
        await Sh.RunAsync("touch \"$1/$(printf 'x\\377y')\"", _spool.Requests);
        var now = DateTime.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            Assert.That(Take(now.AddSeconds(i)), Is.Empty);
        }

        Assert.That(_log, Has.Count.EqualTo(1), string.Join("\n", _log));
        Assert.That(_log[0], Does.Contain("'x\\xffy'").And.Contain("not UTF-8").And.Contain("removed"));
        Assert.That(await EntriesAsync(_spool.Requests), Is.Zero);
    }

    [Test]
    public async Task ADirectoryWithARequestNameThatHoldsSomethingIsLoggedOnceAndLeftAlone()
    {
        var dir = Path.Combine(_spool.Requests, $"{Id}.k.req");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "inside"), "x");
        await Sh.RunAsync("mkdir \"$1/$(printf 'd\\377')\" && touch \"$1/$(printf 'd\\377')/inside\"", _spool.Requests);
        var now = DateTime.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            Assert.That(Take(now.AddSeconds(i * 70)), Is.Empty, "a new minute each time: the line limit is not what keeps them quiet");
        }

        Assert.That(_log, Has.Count.EqualTo(2), string.Join("\n", _log));
        Assert.That(_log, Has.One.Contains($"'{Id}.k.req'").And.Contain("a directory").And.Contain("left alone"));
        Assert.That(_log, Has.One.Contains("'d\\xff'"));
        Assert.That(File.Exists(Path.Combine(dir, "inside")), Is.True);
        Assert.That(await EntriesAsync(_spool.Taken), Is.Zero);
    }

    [Test]
    public async Task ALinkWithARequestNameIsRemovedAndWhatItPointsToIsUntouched()
    {
        var canary = Path.Combine(_folder, "canary");
        await File.WriteAllTextAsync(canary, "canary");
        File.SetUnixFileMode(canary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var before = File.GetLastWriteTimeUtc(canary);
        File.CreateSymbolicLink(Path.Combine(_spool.Requests, $"{Id}.k.req"), canary);
        File.CreateSymbolicLink(Path.Combine(_spool.Requests, $"{Id}.j.req"), _folder);

        Assert.That(Take(DateTime.UtcNow), Is.Empty);

        Assert.That(_log, Has.Count.EqualTo(2), string.Join("\n", _log));
        Assert.That(_log, Has.All.Contains("a symbolic link; removed"));
        Assert.That(await File.ReadAllTextAsync(canary), Is.EqualTo("canary"));
        Assert.That(File.GetUnixFileMode(canary), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetLastWriteTimeUtc(canary), Is.EqualTo(before));
        Assert.That(Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "canary", "spool" }));
        Assert.That(await EntriesAsync(_spool.Requests), Is.Zero);
        Assert.That(await EntriesAsync(_spool.Taken), Is.Zero);
    }

    [TestCase("mkfifo \"$1/$2\"", "a FIFO")]
    [TestCase("echo x >\"$1/../../own\" && ln \"$1/../../own\" \"$1/$2\"", "a file with 2 hard links")]
    [TestCase("truncate -s 1G \"$1/$2\"", "a file of 1073741824 bytes")]
    public async Task AnEntryWithARequestNameThatTheHookCannotHaveMadeIsNotTaken(string make, string problem)
    {
        await Sh.RunAsync(make, _spool.Requests, $"{Id}.k.req");

        Assert.That(Take(DateTime.UtcNow), Is.Empty);

        Assert.That(_log, Has.Count.EqualTo(1), string.Join("\n", _log));
        Assert.That(_log[0], Does.Contain(problem).And.Contain("removed"));
        Assert.That(await EntriesAsync(_spool.Requests), Is.Zero);
        Assert.That(await EntriesAsync(_spool.Taken), Is.Zero);
    }

    [Test]
    public async Task ARequestIsTakenAndEverythingElseAroundItDoesNotStopThat()
    {
        await Sh.RunAsync("mkdir \"$1/a.req\" && touch \"$1/a.req/x\" \"$1/$(printf '\\377')\" && printf 'admin=k\\n' >\"$1/$2\"", _spool.Requests, $"{Id}.k.req");

        var taken = Take(DateTime.UtcNow);

        Assert.That(taken.Select(r => (r.Id, r.Admin)), Is.EqualTo(new[] { (Id, "k") }));
        Assert.That(File.Exists(Path.Combine(_spool.Taken, $"{Id}.k.req")), Is.True);
        Assert.That(_log, Has.Count.EqualTo(2), string.Join("\n", _log));
    }

    [Test]
    public async Task BadEntriesTakeAtMostTwentyLinesAMinuteThenOneLineCountsTheRest()
    {
        await Sh.RunAsync("i=0; while [ $i -lt 50 ]; do touch \"$1/junk$i\"; i=$((i + 1)); done", _spool.Requests);
        var now = DateTime.UtcNow;

        Take(now);
        Take(now.AddSeconds(30));
        Assert.That(_log, Has.Count.EqualTo(BadEntryLog.LinesPerMinute), string.Join("\n", _log));

        Take(now.AddSeconds(61));
        Assert.That(_log, Has.Count.EqualTo(BadEntryLog.LinesPerMinute + 1), string.Join("\n", _log));
        Assert.That(_log[^1], Does.StartWith("30 more bad entries"));
        Assert.That(await EntriesAsync(_spool.Requests), Is.Zero, "the ones not named are removed all the same");
    }
}
