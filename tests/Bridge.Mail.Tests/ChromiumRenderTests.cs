using System.Buffers.Binary;
using System.Diagnostics;

namespace Bridge.Mail.Tests;

/// <summary>
/// The HTML body drawn by a real browser engine (Debian's chromium, headless) to a PNG kept as a test artifact,
/// under $BRIDGE_TEST_ARTIFACTS or a temporary folder. A missing chromium fails the test: it is never skipped.
/// </summary>
public sealed class ChromiumRenderTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly TimeSpan ChromiumTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task TheHtmlReportRendersToANonEmptyScreenshot()
    {
        var chromium = FindChromium();
        var folder = ArtifactFolder();
        var rendered = ReportRenderer.Render(Samples.Mixed());
        var html = Path.Combine(folder, "daily-report.html");
        var png = Path.Combine(folder, "daily-report.png");
        await File.WriteAllTextAsync(html, rendered.Html);
        await File.WriteAllTextAsync(Path.Combine(folder, "daily-report.txt"), rendered.Text);
        File.Delete(png);

        var (exitCode, output) = await RunAsync(chromium, png, html);

        Assert.That(File.Exists(png), Is.True, $"chromium wrote no screenshot (exit code {exitCode}):\n{output}");
        var bytes = await File.ReadAllBytesAsync(png);
        Assert.That(bytes.AsSpan(0, Math.Min(8, bytes.Length)).ToArray(), Is.EqualTo(PngSignature), "PNG signature");
        Assert.That(bytes.Length, Is.GreaterThan(10_000), "a drawn report is more than a few KB; a blank page compresses to almost nothing");
        // IHDR follows the signature: length, "IHDR", width, height (big-endian).
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)), Is.EqualTo(1000), "width");
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)), Is.EqualTo(1400), "height");
        TestContext.Out.WriteLine($"screenshot: {png} ({bytes.Length} bytes)");
    }

    private static string FindChromium()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var name in new[] { "chromium", "chromium-browser" })
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        Assert.Fail("chromium is not installed, so the HTML report cannot be rendered: install Debian's package (apt-get install -y chromium, or scripts/install-deps.sh).");
        throw new UnreachableException();
    }

    private static string ArtifactFolder()
    {
        var root = Environment.GetEnvironmentVariable("BRIDGE_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "bridge-test-artifacts");
        var folder = Path.Combine(root, "mail");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string chromium, string png, string html)
    {
        var profile = Directory.CreateTempSubdirectory("bridge-chromium-");
        try
        {
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}", $"--screenshot={png}", "--window-size=1000,1400",
                new Uri(html).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {chromium}");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(ChromiumTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chromium took longer than {ChromiumTimeout.TotalSeconds} s to take the screenshot");
            }
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // chromium's helpers may still hold the profile a moment; it is only a temporary folder.
            }
        }
    }
}
