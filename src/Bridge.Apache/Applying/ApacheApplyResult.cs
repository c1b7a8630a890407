namespace Bridge.Apache;

/// <summary>How an apply ended.</summary>
public enum ApacheApplyOutcome
{
    /// <summary>Nothing to change; no file written, nothing run.</summary>
    Unchanged,

    /// <summary>Dry run: the diff was computed, nothing written or run.</summary>
    DryRun,

    /// <summary>Files rewritten, configuration tested, vhost map checked, Apache reloaded.</summary>
    Applied,

    /// <summary>The files were written but the test or the vhost map failed; every file was restored, no reload.</summary>
    RolledBack,

    /// <summary>Stopped before writing anything (a file changed since it was read, the first vhost dump failed).</summary>
    Aborted,

    /// <summary>Files rewritten and checked, but the reload command failed; the new files stay.</summary>
    ReloadFailed,

    /// <summary>The check failed and putting a file back failed too: the tree needs a hand, the backup folder has the originals.</summary>
    RestoreFailed,
}

/// <summary>What <see cref="ApacheApplier.ApplyAsync(ApacheTree, ApacheRewriter, CancellationToken)"/> did.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Reason">Why it did not apply, for the report; null when it applied or had nothing to do.</param>
/// <param name="ChangedFiles">The files the rewrite changes (their symlink targets), whether or not they stayed changed.</param>
/// <param name="Changes">Every token changed and line removed.</param>
/// <param name="Warnings">Mentions of the from-address left alone, and other things to review.</param>
/// <param name="Reloaded">Whether the reload command ran and succeeded.</param>
/// <param name="BackupFolder">This run's backup folder; null when nothing was written.</param>
/// <param name="Diff">The unified diff of the rewrite (also filled outside dry runs).</param>
public sealed record ApacheApplyResult(
    ApacheApplyOutcome Outcome,
    string? Reason,
    IReadOnlyList<string> ChangedFiles,
    IReadOnlyList<ApacheChange> Changes,
    IReadOnlyList<ApacheWarning> Warnings,
    bool Reloaded,
    string? BackupFolder,
    string Diff)
{
    /// <summary>Whether the configuration is where it should be: applied, unchanged, or a dry run.</summary>
    public bool Succeeded => Outcome is ApacheApplyOutcome.Applied or ApacheApplyOutcome.Unchanged or ApacheApplyOutcome.DryRun;
}
