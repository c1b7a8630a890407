using System.Net;
using Bridge.Apache;
using Bridge.Core.Normalize;
using Bridge.Core.Report;
using Bridge.Data.State;
using Microsoft.Extensions.Logging;
using Bridge.Core.Files;

namespace Bridge.Runtime;

/// <summary>
/// The Apache part of a run: D becomes V in the standby's vhost files, checked by Apache itself, except for sites the standby's
/// database really binds to D. A file Bridge had already rewritten once and finds on D again was rewritten by Blech: a revert.
/// </summary>
public sealed class ApacheStep(ApacheConfig config, ILogger logger)
{
    public ApacheApplierOptions Options(bool dryRun)
    {
        static ApacheCommand? Command(List<string> argv, Dictionary<string, string> env) =>
            argv.Count == 0 ? null : new ApacheCommand(argv, env.ToDictionary(e => e.Key, e => (string?)e.Value));

        var defaults = new ApacheApplierOptions { BackupRoot = config.BackupRoot };
        return defaults with
        {
            KeepBackups = config.KeepBackups,
            TestCommand = Command(config.TestCommand, config.Environment) ?? defaults.TestCommand with { Environment = Env(config.Environment) },
            DumpCommand = Command(config.DumpCommand, config.Environment) ?? defaults.DumpCommand with { Environment = Env(config.Environment) },
            ReloadCommand = Command(config.ReloadCommand, config.Environment) ?? defaults.ReloadCommand with { Environment = Env(config.Environment) },
            CommandTimeout = TimeSpan.FromSeconds(config.CommandTimeoutSeconds),
            DryRun = dryRun,
        };
    }

    /// <summary>Rewrites <paramref name="from"/> to <paramref name="to"/> under the configured root; a missing root is skipped, not an error.</summary>
    public async Task<ApacheSummary> RunAsync(IPAddress from, IPAddress to, IReadOnlySet<string> keepOnFrom, bool dryRun, CancellationToken ct)
    {
        if (!File.Exists(config.Root) && !Directory.Exists(config.Root))
        {
            logger.LogDebug("Apache step skipped: {Root} does not exist (set apache.root, or apache.enabled false)", config.Root);
            return new ApacheSummary("skipped", [], [], [], $"{config.Root} does not exist", false);
        }

        if (from.Equals(to))
        {
            return new ApacheSummary("unchanged", [], [], [], null, false);
        }

        var rewriter = new ApacheRewriter(from, to, vhost => vhost.ServerName is { } name && keepOnFrom.Contains(HostNames.Domain(name)));
        using var fileLock = await AcquireLockAsync(ct);
        ApacheApplyResult result;
        try
        {
            result = await new ApacheApplier(Options(dryRun)).ApplyAsync(config.Root, rewriter, ct);
        }
        catch (ApacheConfigException e)
        {
            logger.LogError("Apache configuration under {Root} cannot be read: {Reason}", config.Root, e.Message);
            return new ApacheSummary("failed", [], [], [], e.Message, false);
        }

        var state = new RewrittenFiles(config.BackupRoot);
        var rewritten = state.Read();
        var reverted = result.ChangedFiles.Where(rewritten.Contains).ToList();
        if (result.Outcome == ApacheApplyOutcome.Applied || result.Outcome == ApacheApplyOutcome.ReloadFailed)
        {
            rewritten.UnionWith(result.ChangedFiles);
            state.Write(rewritten);
        }

        var outcome = result.Outcome switch
        {
            ApacheApplyOutcome.Unchanged => "unchanged",
            ApacheApplyOutcome.DryRun => "dry-run",
            ApacheApplyOutcome.Applied => "applied",
            ApacheApplyOutcome.RolledBack => "rolled-back",
            ApacheApplyOutcome.Aborted => "aborted",
            ApacheApplyOutcome.ReloadFailed => "reload-failed",
            _ => "restore-failed",
        };
        foreach (var w in result.Warnings)
        {
            logger.LogWarning("Apache {File}:{Line}: {Message}", w.FilePath, w.Line, w.Message);
        }

        if (result.Succeeded)
        {
            if (result.ChangedFiles.Count > 0)
            {
                logger.LogInformation("Apache: {Outcome} {Files} files ({Reverted} reverted by Blech){Reload}", outcome, result.ChangedFiles.Count, reverted.Count, result.Reloaded ? ", reloaded" : string.Empty);
            }
        }
        else
        {
            logger.LogError("Apache: {Outcome}: {Reason}", outcome, result.Reason);
        }

        return new ApacheSummary(outcome, result.ChangedFiles, reverted,
            result.Warnings.Select(w => $"{w.FilePath}:{w.Line}: {w.Message}").ToList(), result.Reason, result.Reloaded) { Diff = result.Diff };
    }

    private static IReadOnlyDictionary<string, string?> Env(Dictionary<string, string> env) => env.ToDictionary(e => e.Key, e => (string?)e.Value);

    // One Apache rewrite at a time on this machine: sync, watch and the administrator's command may meet.
    private Task<FileStream> AcquireLockAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(config.BackupRoot);
        return FileLock.TakeAsync(Path.Combine(config.BackupRoot, ".lock"), TimeSpan.FromSeconds(60), ct);
    }
}
