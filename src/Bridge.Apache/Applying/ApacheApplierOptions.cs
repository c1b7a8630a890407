namespace Bridge.Apache;

/// <summary>How <see cref="ApacheApplier"/> backs up, tests and reloads.</summary>
public sealed record ApacheApplierOptions
{
    /// <summary>Folder holding one backup folder per run, e.g. <c>&lt;stateDir&gt;/apache-backups</c>.</summary>
    public required string BackupRoot { get; init; }

    /// <summary>How many run folders to keep, this run's included.</summary>
    public int KeepBackups { get; init; } = 5;

    /// <summary>Checks the configuration's syntax; must exit 0 for the rewrite to stay.</summary>
    public ApacheCommand TestCommand { get; init; } = new(["apache2ctl", "-t"]);

    /// <summary>Prints the vhost map, compared before and after the rewrite.</summary>
    public ApacheCommand DumpCommand { get; init; } = new(["apache2ctl", "-S"]);

    /// <summary>Makes Apache load the new configuration.</summary>
    public ApacheCommand ReloadCommand { get; init; } = new(["apache2ctl", "graceful"]);

    /// <summary>How long any one command may run before it is killed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Only compute the diff: write nothing, run nothing.</summary>
    public bool DryRun { get; init; }
}
