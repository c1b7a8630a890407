using System.ComponentModel;
using System.Diagnostics;

namespace Bridge.Apache;

/// <summary>Runs a command without a shell, with a timeout, capturing stdout and stderr.</summary>
public static class ProcessRunner
{
    public static async Task<CommandResult> RunAsync(ApacheCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (command.Arguments.Count == 0)
        {
            throw new ArgumentException("A command needs at least the program to run.", nameof(command));
        }

        var start = new ProcessStartInfo(command.Arguments[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in command.Environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new CommandResult(-1, "", $"cannot start {command.Arguments[0]}: {e.Message}", false);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Kill the whole tree: apache2ctl is a shell script whose children would keep the pipes open.
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited on its own in the meantime.
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new CommandResult(-1, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), true);
        }

        return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), false);
    }
}
