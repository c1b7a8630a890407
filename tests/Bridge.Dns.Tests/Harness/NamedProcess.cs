using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bridge.Dns.Tests.Harness;

/// One running `named -g`, with everything it prints kept in memory.
internal sealed class NamedProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly Lock gate = new();
    private volatile bool exited;

    private NamedProcess(Process process) => this.process = process;

    public string Log
    {
        get
        {
            lock (gate)
            {
                return log.ToString();
            }
        }
    }

    public int LogLength
    {
        get
        {
            lock (gate)
            {
                return log.Length;
            }
        }
    }

    // Kept in a field so that it still answers after the Process is disposed.
    public bool HasExited => exited;

    public int? ExitCode => exited ? process.ExitCode : null;

    /// Starts named; debugLevel 1 adds the secondary's "refresh_callback ... serial: new N, old M" lines.
    public static NamedProcess Start(string named, string confPath, string folder, int debugLevel)
    {
        var start = new ProcessStartInfo(named)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // -g: foreground, every log line to stderr; -4: the harness is IPv4 only; -n 1: one worker thread is plenty.
        foreach (var argument in new[] { "-g", "-4", "-n", "1", "-d", debugLevel.ToString(CultureInfo.InvariantCulture), "-c", confPath })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var result = new NamedProcess(process);
        process.Exited += (_, _) => result.exited = true;
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return result;
    }

    public async Task WaitForExitAsync(CancellationToken ct)
    {
        await process.WaitForExitAsync(ct);
        exited = true;
    }

    public void Kill()
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose() => process.Dispose();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            log.Append(line).Append('\n');
        }
    }
}
