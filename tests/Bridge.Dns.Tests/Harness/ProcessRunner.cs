using System.Diagnostics;

namespace Bridge.Dns.Tests.Harness;

/// What a finished program printed and returned.
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => (StandardOutput + StandardError).TrimEnd();
}

/// Runs a short-lived program to completion, killing it on timeout or cancellation.
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            return new ProcessResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:0.#} s");
        }
    }
}
