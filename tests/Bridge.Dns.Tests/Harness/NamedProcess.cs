using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bridge.Dns.Tests.Harness;

/// One running `named -g`, with everything it prints kept in memory.
internal sealed class NamedProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Lock _gate = new();
    private volatile bool _exited;

    private NamedProcess(Process process) => _process = process;

    public string Log
    {
        get
        {
            lock (_gate)
            {
                return _log.ToString();
            }
        }
    }

    public int LogLength
    {
        get
        {
            lock (_gate)
            {
                return _log.Length;
            }
        }
    }

    // Kept in a field so that it still answers after the Process is disposed.
    public bool HasExited => _exited;

    public int? ExitCode => _exited ? _process.ExitCode : null;

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
        // -g: foreground, every _log line to stderr; -4: the harness is IPv4 only; -n 1: one worker thread is plenty.
        foreach (var argument in new[] { "-g", "-4", "-n", "1", "-d", debugLevel.ToString(CultureInfo.InvariantCulture), "-c", confPath })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var result = new NamedProcess(process);
        process.Exited += (_, _) => result._exited = true;
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
        await _process.WaitForExitAsync(ct);
        _exited = true;
    }

    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose() => _process.Dispose();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _log.Append(line).Append('\n');
        }
    }
}
