using Bridge.Core;
using Bridge.Runtime;

namespace Bridge.Cli;

/// <summary><c>blech-bridge rewrite-apache</c> and <c>blech-bridge watch</c>: the runtime's Apache operations, rendered.</summary>
public static class ApacheCommands
{
    public static async Task<int> RewriteAsync(string? configPath, string? root, string? from, string? to, bool dryRun, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        BridgeRuntime? runtime;
        if (configPath is null)
        {
            runtime = BridgeRuntime.WithoutFile(loggerFactory);
        }
        else if (!BridgeRuntime.TryLoad(configPath, loggerFactory, out runtime, out var invalid))
        {
            return await BridgeApp.FailAsync(stderr, "rewrite-apache", invalid);
        }

        var outcome = await runtime.RewriteApacheAsync(new ApacheRewriteJob(root, from, to, dryRun), ct);
        if (outcome.Summary is not { } summary)
        {
            return await BridgeApp.FailAsync(stderr, "rewrite-apache", outcome.Failure!);
        }

        loggerFactory.Dispose();
        if (dryRun)
        {
            await stdout.WriteAsync(summary.Diff);
        }
        else
        {
            foreach (var file in summary.ChangedFiles)
            {
                await stdout.WriteLineAsync($"rewrote {file}");
            }

            await stdout.WriteLineAsync(summary.ChangedFiles.Count == 0 ? $"apache: {summary.Outcome}" : $"apache: {summary.Outcome}, {summary.ChangedFiles.Count} files{(summary.Reloaded ? ", reloaded" : string.Empty)}");
        }

        return outcome.Failure is { } failure ? await BridgeApp.FailAsync(stderr, "rewrite-apache", failure) : ExitCodes.Success;
    }

    /// <summary>Keeps the Apache files on V until stopped (see <see cref="BridgeRuntime.WatchApacheAsync"/>).</summary>
    public static async Task<int> WatchAsync(string configPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        if (!BridgeRuntime.TryLoad(configPath, loggerFactory, out var runtime, out var invalid))
        {
            return await BridgeApp.FailAsync(stderr, "watch", invalid);
        }

        var failure = await runtime.WatchApacheAsync(() => stdout.FlushAsync(ct), ct);
        return failure is null ? ExitCodes.Success : await BridgeApp.FailAsync(stderr, "watch", failure);
    }
}
