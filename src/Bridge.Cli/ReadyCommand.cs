using Bridge.Core;
using Bridge.Core.Readiness;
using Bridge.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Cli;

/// <summary><c>blech-bridge ready</c>: the runtime's readiness answer, rendered; exit 0 ready, 1 not ready (or no answer), 2 usage.</summary>
public static class ReadyCommand
{
    public static async Task<int> RunAsync(string configPath, string format, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!BridgeRuntime.TryLoad(configPath, NullLoggerFactory.Instance, out var runtime, out var invalid))
        {
            return await BridgeApp.FailAsync(stderr, "ready", invalid);
        }

        var outcome = await runtime.ReadyAsync(ct);
        if (outcome.Report is not { } report)
        {
            return await BridgeApp.FailAsync(stderr, "ready", outcome.Failure!);
        }

        await stdout.WriteAsync(format == "json" ? ReadinessRendering.Json(report) : ReadinessRendering.Text(report));
        return report.Ready ? ExitCodes.Success : ExitCodes.Failure;
    }
}
