using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Bridge.Benchmarks;

/// One line a child wrote on stderr, with the time it arrived, in ms from the child's start.
public sealed record LogLine(double AtMs, string Text);

/// How one child process went: wall time as the orchestrator saw it, and what <c>/usr/bin/time -v</c> measured.
public sealed record ChildResult(int ExitCode, double WallMs, long? MaxRssKb, double? UserSeconds, double? SystemSeconds, IReadOnlyList<LogLine> Stderr)
{
    public string StderrText => string.Join('\n', Stderr.Select(l => l.Text));
}

/// Runs a child process under <c>/usr/bin/time -v</c>, timing it and keeping its stderr lines with their arrival times.
public sealed partial class Child(string workFolder, IReadOnlyDictionary<string, string> environment)
{
    public const string TimeBinary = "/usr/bin/time";

    private int _serial;

    /// Runs <paramref name="file"/>; its stdout goes to <paramref name="stdoutPath"/>, or is read and dropped when null.
    public async Task<ChildResult> RunAsync(string file, IReadOnlyList<string> args, string? stdoutPath, CancellationToken ct, bool measure = true)
    {
        var timeFile = Path.Combine(workFolder, $"time-{Interlocked.Increment(ref _serial)}.txt");
        var start = new ProcessStartInfo(measure ? TimeBinary : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (measure)
        {
            start.ArgumentList.Add("-v");
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(timeFile);
            start.ArgumentList.Add(file);
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }

        var lines = new List<LogLine>();
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add(new LogLine(clock.Elapsed.TotalMilliseconds, e.Data));
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        await using (var sink = stdoutPath is null ? Stream.Null : new FileStream(stdoutPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true))
        {
            await process.StandardOutput.BaseStream.CopyToAsync(sink, ct);
        }

        await process.WaitForExitAsync(ct);
        var wall = clock.Elapsed.TotalMilliseconds;
        long? rss = null;
        double? user = null, system = null;
        var exitCode = process.ExitCode;
        if (measure && File.Exists(timeFile))
        {
            var text = await File.ReadAllTextAsync(timeFile, ct);
            rss = Match(MaxRss(), text) is { } r ? long.Parse(r, CultureInfo.InvariantCulture) : null;
            user = Match(UserTime(), text) is { } u ? double.Parse(u, CultureInfo.InvariantCulture) : null;
            system = Match(SystemTime(), text) is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : null;
            // time -v exits with the child's status, but says so in its file when the child died of a signal.
            if (text.Contains("Command terminated by signal", StringComparison.Ordinal))
            {
                exitCode = exitCode == 0 ? 128 : exitCode;
            }

            File.Delete(timeFile);
        }

        List<LogLine> copy;
        lock (lines)
        {
            copy = [.. lines];
        }

        return new ChildResult(exitCode, wall, rss, user, system, copy);
    }

    /// Runs a shell command line (for output redirected to /dev/null), measured like any other child.
    public Task<ChildResult> ShellAsync(string commandLine, CancellationToken ct) =>
        RunAsync("/bin/sh", ["-c", commandLine], null, ct);

    private static string? Match(Regex regex, string text) => regex.Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): (\d+)")]
    private static partial Regex MaxRss();

    [GeneratedRegex(@"User time \(seconds\): ([\d.]+)")]
    private static partial Regex UserTime();

    [GeneratedRegex(@"System time \(seconds\): ([\d.]+)")]
    private static partial Regex SystemTime();
}
