using Bridge.Core.Files;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Apache;

/// <summary>
/// Applies a rewrite safely: back up, write atomically, test, compare the vhost map, and either reload
/// or put every byte back.
/// </summary>
public sealed partial class ApacheApplier
{
    // Notices httpd prints before any real error; naming them as the reason would hide the error.
    private static readonly string[] HarmlessNotices = ["AH00548:", "AH00558:"];

    private readonly ApacheApplierOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates an applier.</summary>
    public ApacheApplier(ApacheApplierOptions options, ILogger<ApacheApplier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.BackupRoot);
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Loads the tree at <paramref name="root"/> (see <see cref="ApacheTree.Load"/>) and applies the rewrite to it.</summary>
    public Task<ApacheApplyResult> ApplyAsync(string root, ApacheRewriter rewriter, CancellationToken ct = default) =>
        ApplyAsync(ApacheTree.Load(root), rewriter, ct);

    /// <summary>Rewrites <paramref name="tree"/> with <paramref name="rewriter"/> and applies the result.</summary>
    public async Task<ApacheApplyResult> ApplyAsync(ApacheTree tree, ApacheRewriter rewriter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(rewriter);
        ct.ThrowIfCancellationRequested();

        var rewrite = rewriter.Rewrite(tree);
        var changed = rewrite.ChangedFiles;
        var diff = string.Concat(changed.Select(f => UnifiedDiff.Create(f.File.TargetPath, f.Result.OriginalText, f.Result.NewText)));
        var result = new ApacheApplyResult(
            ApacheApplyOutcome.Unchanged,
            null,
            [.. changed.Select(f => f.File.TargetPath)],
            rewrite.Changes,
            rewrite.Warnings,
            Reloaded: false,
            BackupFolder: null,
            diff);
        foreach (var warning in rewrite.Warnings)
        {
            LogWarning(_logger, warning.FilePath, warning.Line, warning.Message);
        }

        if (changed.Count == 0)
        {
            LogNothingToDo(_logger, tree.Root);
            return result;
        }

        if (_options.DryRun)
        {
            LogDryRun(_logger, changed.Count, rewrite.Changes.Count);
            return result with { Outcome = ApacheApplyOutcome.DryRun };
        }

        var originals = changed
            .Select(f => (f.File.TargetPath, Old: Encode(f.Result.OriginalText), New: Encode(f.Result.NewText)))
            .ToList();
        foreach (var (path, old, _) in originals)
        {
            // Blech may have regenerated the file since it was read; writing now would undo its work.
            var current = await File.ReadAllBytesAsync(path, ct);
            if (!current.AsSpan().SequenceEqual(old))
            {
                return Abort(result, $"{path} changed since it was read; run again");
            }
        }

        var dumpBefore = await RunAsync(_options.DumpCommand, ct);
        if (!dumpBefore.Succeeded)
        {
            return Abort(result, $"vhost dump before the rewrite failed ({_options.DumpCommand}): {Describe(dumpBefore)}");
        }

        var backup = await BackupStore.CreateAsync(
            _options.BackupRoot,
            _options.KeepBackups,
            [.. originals.Select(o => (o.TargetPath, o.Old))],
            ct);
        result = result with { BackupFolder = backup };
        LogBackup(_logger, backup, originals.Count);

        var touched = new List<(string Path, byte[] Old)>();
        string? failure;
        try
        {
            foreach (var (path, old, content) in originals)
            {
                touched.Add((path, old));
                await AtomicFile.WriteAsync(path, content, ct);
                LogWritten(_logger, path);
            }

            failure = await CheckAsync(ApacheVhostMap.Parse(dumpBefore.StandardOutput), rewriter, ct);
        }
        catch (Exception e)
        {
            LogRestoringAfterError(_logger, e.Message);
            await RestoreAsync(touched);
            throw;
        }

        if (failure is not null)
        {
            var restoreFailure = await RestoreAsync(touched);
            LogRolledBack(_logger, failure);
            return restoreFailure is null
                ? result with { Outcome = ApacheApplyOutcome.RolledBack, Reason = failure }
                : result with { Outcome = ApacheApplyOutcome.RestoreFailed, Reason = $"{failure}; {restoreFailure}" };
        }

        var reload = await RunAsync(_options.ReloadCommand, ct);
        if (!reload.Succeeded)
        {
            var reason = $"reload failed ({_options.ReloadCommand}): {Describe(reload)}";
            LogReloadFailed(_logger, reason);
            return result with { Outcome = ApacheApplyOutcome.ReloadFailed, Reason = reason };
        }

        LogApplied(_logger, originals.Count, rewrite.Changes.Count);
        return result with { Outcome = ApacheApplyOutcome.Applied, Reloaded = true };
    }

    // Runs the configtest, then compares the vhost map; returns why the rewrite must be undone, or null.
    private async Task<string?> CheckAsync(ApacheVhostMap before, ApacheRewriter rewriter, CancellationToken ct)
    {
        var test = await RunAsync(_options.TestCommand, ct);
        if (!test.Succeeded)
        {
            return $"configtest failed ({_options.TestCommand}): {Describe(test)}";
        }

        var dumpAfter = await RunAsync(_options.DumpCommand, ct);
        if (!dumpAfter.Succeeded)
        {
            return $"vhost dump after the rewrite failed ({_options.DumpCommand}): {Describe(dumpAfter)}";
        }

        var difference = ApacheVhostMap.Difference(before, ApacheVhostMap.Parse(dumpAfter.StandardOutput), rewriter.From, rewriter.To);
        return difference is null ? null : $"vhost map changed beyond {rewriter.From} becoming {rewriter.To}: {difference}";
    }

    // Puts the original bytes back; never cancelled, since stopping half way would leave a mixed tree.
    private async Task<string?> RestoreAsync(List<(string Path, byte[] Old)> touched)
    {
        var failed = new List<string>();
        foreach (var (path, old) in touched)
        {
            try
            {
                await AtomicFile.WriteAsync(path, old, CancellationToken.None);
                var now = await File.ReadAllBytesAsync(path, CancellationToken.None);
                if (!now.AsSpan().SequenceEqual(old))
                {
                    failed.Add(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogRestoreFailed(_logger, path, e.Message);
                failed.Add(path);
            }
        }

        return failed.Count == 0 ? null : $"RESTORE FAILED for {string.Join(", ", failed)}; copies are in the backup folder";
    }

    private async Task<CommandResult> RunAsync(ApacheCommand command, CancellationToken ct)
    {
        LogRunning(_logger, command.ToString());
        var result = await ProcessRunner.RunAsync(command, _options.CommandTimeout, ct);
        LogRan(_logger, command.ToString(), result.ExitCode);
        return result;
    }

    private ApacheApplyResult Abort(ApacheApplyResult result, string reason)
    {
        LogAborted(_logger, reason);
        return result with { Outcome = ApacheApplyOutcome.Aborted, Reason = reason };
    }

    private static byte[] Encode(string text) => ApacheDocument.FileEncoding.GetBytes(text);

    // The first line of stderr that says something, joined with the next one when httpd puts the message there.
    internal static string Describe(CommandResult result)
    {
        if (result.TimedOut)
        {
            return "timed out";
        }

        var lines = result.StandardError.Split('\n').Select(l => l.TrimEnd('\r').Trim()).Where(l => l.Length > 0).ToList();
        var index = lines.FindIndex(l => !HarmlessNotices.Any(n => l.StartsWith(n, StringComparison.Ordinal)));
        if (index < 0)
        {
            var firstOut = result.StandardOutput.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
            return $"exit {result.ExitCode}: {lines.FirstOrDefault() ?? firstOut ?? "no output"}";
        }

        var line = lines[index];
        if (line.EndsWith(':') && index + 1 < lines.Count)
        {
            line = $"{line} {lines[index + 1]}";
        }

        return $"exit {result.ExitCode}: {line}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}:{Line}: {Message}")]
    private static partial void LogWarning(ILogger logger, string? file, int line, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Apache configuration under {Root} needs no change")]
    private static partial void LogNothingToDo(ILogger logger, string root);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dry run: {Files} file(s) would change, {Changes} change(s)")]
    private static partial void LogDryRun(ILogger logger, int files, int changes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backed up {Count} file(s) to {Folder}")]
    private static partial void LogBackup(ILogger logger, string folder, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Path}")]
    private static partial void LogWritten(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restoring the original files after an error: {Error}")]
    private static partial void LogRestoringAfterError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rewrite undone: {Reason}")]
    private static partial void LogRolledBack(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not restore {Path}: {Error}")]
    private static partial void LogRestoreFailed(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nothing written: {Reason}")]
    private static partial void LogAborted(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Changes} change(s) to {Files} file(s) and reloaded Apache")]
    private static partial void LogApplied(ILogger logger, int files, int changes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Running {Command}")]
    private static partial void LogRunning(ILogger logger, string command);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Command} exited with {ExitCode}")]
    private static partial void LogRan(ILogger logger, string command, int exitCode);
}
