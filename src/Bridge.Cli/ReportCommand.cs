using Bridge.Core;
using Bridge.Runtime;

namespace Bridge.Cli;

/// <summary>
/// <c>blech-bridge report</c>: the runtime's daily report (a dry run of the standby's next sync, with what Blech reverted, rows skipped,
/// zones whose serials differ and the runs since the last report), printed, written or mailed.
/// </summary>
public static class ReportCommand
{
    public static async Task<int> RunAsync(string configPath, bool email, string? outPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        if (!BridgeRuntime.TryLoad(configPath, loggerFactory, out var runtime, out var invalid))
        {
            return await BridgeApp.FailAsync(stderr, "report", invalid);
        }

        var job = new ReportJob(email, outPath, Environment.UserName);
        var outcome = await runtime.ReportAsync(job, ct);
        if (outcome.Rendered is { } rendered)
        {
            if (outPath is null && !email)
            {
                await stdout.WriteAsync(rendered.Text);
            }

            if (outPath is not null)
            {
                await stdout.WriteLineAsync($"report written to {Path.GetFullPath(outPath)} ({(job.Html ? "HTML" : "text")}): {rendered.Subject}");
            }

            if (outcome.SentTo.Count > 0)
            {
                await stdout.WriteLineAsync($"report sent to {string.Join(", ", outcome.SentTo)}: {rendered.Subject}");
            }
        }

        return outcome.Failure is { } failure ? await BridgeApp.FailAsync(stderr, "report", failure) : ExitCodes.Success;
    }
}
