namespace Bridge.Benchmarks.Tests;

/// bridge-bench's options: a wrong engine or phase is named before anything is measured.
public sealed class BenchOptionsTests
{
    private static BenchOptions Options(string size = "small") => new(size, 2, "/tmp/w", "/tmp/o", "blech-bridge", "bridge-dataset.dll", "secret");

    [Test]
    public void TheDefaultsAndEveryKnownPhaseAreFine()
    {
        var o = Options() with { Skip = new HashSet<string>(BenchOptions.KnownPhases), Engines = ["mysql"] };

        Assert.That(o.Problems(), Is.Empty);
    }

    [Test]
    public void EveryUnknownValueIsNamedAtOnce()
    {
        // Before, an unknown engine was measured as MariaDB and an unknown phase was silently not left out.
        var o = Options("medium") with { Engines = ["postgres", "mssql"], Skip = new HashSet<string> { "noop", "resyn" } };

        Assert.That(o.Problems(), Is.EqualTo(new[]
        {
            "--size 'medium' is not one of small, large, huge",
            "--engines: 'mssql' is not one of postgres, mysql",
            "--skip: 'resyn' is not one of full, noop, change, resync, pt",
        }));
    }
}
