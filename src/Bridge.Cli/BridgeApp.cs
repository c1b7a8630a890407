using System.CommandLine;
using Bridge.Core;
using Bridge.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Cli;

/// <summary>The <c>blech-bridge</c> command line: parsing, logging to stderr, one runtime operation per command, its outcome rendered to stdout, exit codes.</summary>
public static class BridgeApp
{
    /// <summary>The installed command's name (Debian's iproute2 already ships a <c>bridge</c>).</summary>
    public const string CommandName = "blech-bridge";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var root = BuildCommand(stdout, stderr);
        // No response files: a Blech login may start with '@', and "@name" must stay a value, never a file to read.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"{CommandName}: {error.Message}");
            }

            await stderr.WriteLineAsync($"Run '{CommandName} --help' for usage.");
            return ExitCodes.Usage;
        }

        // SIGTERM and Ctrl+C cancel ct (Program.cs); System.CommandLine must not also force an exit two seconds later.
        var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null }, ct);

        // A command the signal cut short ends with 1 and nothing more said: say why (a sync stopped before its commit has
        // applied nothing; `status` shows the last run that did).
        if (code == ExitCodes.Failure && ct.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"{CommandName}: stopped by a signal (SIGTERM or Ctrl+C) before it finished");
        }

        return code;
    }

    /// <summary>The whole command tree, every command and option (the man page is checked against it).</summary>
    public static RootCommand BuildCommand(TextWriter stdout, TextWriter stderr)
    {
        var configOption = new Option<string>("--config", "-c") { Description = "The configuration file (JSON)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan and report, write nothing" };
        var force = new Option<bool>("--force") { Description = "Apply even when the guard would refuse the deletions" };
        var format = new Option<string>("--format") { Description = "Report format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var exitCode = new Option<bool>("--exit-code") { Description = "Exit 1 when changes are pending, like git diff" };
        var all = new Option<bool>("--all") { Description = $"List every change in the text report (default: the verdict, then the first {Bridge.Core.Report.SyncReport.TextListed})" };

        var wait = new Option<double>("--wait") { Description = "Seconds to wait for another run's lock before giving up with exit code 4", DefaultValueFactory = _ => 0 };
        var requestedBy = new Option<string?>("--requested-by") { Description = "Who asked (for the run log); default: the user" };
        var sync = new Command("sync", "Bring the standby's Blech database (local) in line with the active one (peer)") { configOption, dryRun, force, format, all, wait, requestedBy };
        sync.SetAction((r, token) => RunSyncAsync(new SyncArgs(r.GetValue(configOption)!, r.GetValue(format)!, r.GetValue(all), false,
            SyncJob.Sync(r.GetValue(requestedBy) ?? Environment.UserName, r.GetValue(dryRun), r.GetValue(force), TimeSpan.FromSeconds(r.GetValue(wait)))), stdout, stderr, token));

        var resync = new Command("resync", "The full job: compare everything, apply, rewrite Apache, queue regeneration of every synced object") { configOption, format, all, wait, requestedBy };
        resync.SetAction((r, token) => RunSyncAsync(new SyncArgs(r.GetValue(configOption)!, r.GetValue(format)!, r.GetValue(all), false,
            SyncJob.Resync(r.GetValue(requestedBy) ?? Environment.UserName, TimeSpan.FromSeconds(r.GetValue(wait)))), stdout, stderr, token));

        var diff = new Command("diff", "Show what sync would do, changing nothing") { configOption, format, all, exitCode };
        diff.SetAction((r, token) => RunSyncAsync(new SyncArgs(r.GetValue(configOption)!, r.GetValue(format)!, r.GetValue(all), r.GetValue(exitCode), SyncJob.Diff(Environment.UserName)), stdout, stderr, token));

        var interval = new Option<double>("--interval") { Description = "Seconds between syncs", DefaultValueFactory = _ => FollowJob.DefaultIntervalSeconds };
        interval.Validators.Add(v =>
        {
            if (v.GetValueOrDefault<double>() is var s && (s < 1 || s > 86_400))
            {
                v.AddError("--interval must be between 1 and 86400 seconds");
            }
        });
        var follow = new Command("follow", "Keep the standby seconds behind: sync every few seconds until stopped (SIGTERM)") { configOption, interval, requestedBy };
        follow.SetAction((r, token) => FollowAsync(r.GetValue(configOption)!, new FollowJob(TimeSpan.FromSeconds(r.GetValue(interval)), r.GetValue(requestedBy) ?? "follow"), stdout, stderr, token));

        var check = new Command("check", "Check that both databases are reachable, their schemas as expected and V registered") { configOption };
        check.SetAction((r, token) => RunCheckAsync(r.GetValue(configOption)!, stdout, stderr, token));

        var rootOption = new Option<string?>("--root") { Description = "Blech's generated tree (a folder) or an apache2.conf; default: the configuration's apache.root" };
        var fromOption = new Option<string?>("--from") { Description = "The address to replace (D); default: the standby's own address" };
        var toOption = new Option<string?>("--to") { Description = "The address to put in its place (V); default: serviceAddress" };
        var optionalConfig = new Option<string?>("--config", "-c") { Description = "The configuration file (JSON)" };
        var rewrite = new Command("rewrite-apache", "Rewrite D to V in Apache vhost, NameVirtualHost and Listen lines, checked by apache2ctl") { optionalConfig, rootOption, fromOption, toOption, dryRun };
        rewrite.SetAction((r, token) => ApacheCommands.RewriteAsync(r.GetValue(optionalConfig), r.GetValue(rootOption), r.GetValue(fromOption), r.GetValue(toOption), r.GetValue(dryRun), stdout, stderr, token));

        var watch = new Command("watch", "Keep the standby's Apache files on V: rewrite within seconds of Blech regenerating them") { configOption };
        watch.SetAction((r, token) => ApacheCommands.WatchAsync(r.GetValue(configOption)!, stdout, stderr, token));

        var promote = new Command("promote", "This machine takes V: vhosts on V, every zone serial past anything served, role active") { configOption, requestedBy };
        promote.SetAction((r, token) => RoleCommands.PromoteAsync(r.GetValue(configOption)!, r.GetValue(requestedBy) ?? Environment.UserName, stdout, stderr, token));
        var demote = new Command("demote", "This machine gives V up: role standby; the next sync pulls from the peer") { configOption, requestedBy };
        demote.SetAction((r, token) => RoleCommands.DemoteAsync(r.GetValue(configOption)!, r.GetValue(requestedBy) ?? Environment.UserName, stdout, stderr, token));
        var status = new Command("status", "Roles, last sync, zones whose serials differ, pending changes; exit 1 when both machines claim to be active") { configOption, format };
        status.SetAction((r, token) => RoleCommands.StatusAsync(r.GetValue(configOption)!, r.GetValue(format)!, stdout, stderr, token));

        var ready = new Command("ready", "Would this standby serve what the active machine serves if V moved here now? Changes nothing; exit 1 when not ready") { configOption, format };
        ready.SetAction((r, token) => ReadyCommand.RunAsync(r.GetValue(configOption)!, r.GetValue(format)!, stdout, stderr, token));

        var spool = new Option<string>("--spool") { Description = "The request spool folder", DefaultValueFactory = _ => "/var/spool/blech-bridge" };
        var admin = new Option<string>("--admin") { Description = "The Blech admin who clicked (BLECH_ADMIN)", Required = true };
        var waitResult = new Option<double>("--wait") { Description = "Seconds to wait for the result before answering that the resync goes on in the background", DefaultValueFactory = _ => 280 };
        var once = new Option<bool>("--once") { Description = "Take the pending requests, then exit" };
        var resyncRequest = new Command("resync-request", "Ask the Bridge service for a resync and wait for its result (the Blech button's hook)") { spool, admin, waitResult };
        resyncRequest.SetAction((r, token) => Requests.RequestCommands.RequestAsync(r.GetValue(spool)!, r.GetValue(admin)!, r.GetValue(waitResult), stdout, stderr, token));
        var serveRequests = new Command("serve-requests", "Take resync requests from the spool and run them (the privileged service)") { configOption, spool, once };
        serveRequests.SetAction((r, token) => Requests.RequestCommands.ServeAsync(r.GetValue(configOption)!, r.GetValue(spool)!, r.GetValue(once), stdout, stderr, token));
        var lastResync = new Command("last-resync", "Print the result of the last resync in plain words") { spool };
        lastResync.SetAction((r, token) => Requests.RequestCommands.LastAsync(r.GetValue(spool)!, stdout, stderr, token));

        var email = new Option<bool>("--email") { Description = "Send the report by email (the configuration's mail section)" };
        var outFile = new Option<string?>("--out") { Description = "Write the report to this file (HTML when it ends in .html, else text)" };
        var report = new Command("report", "The daily dry-run report: pending changes, reverts, skipped rows, serials, runs since the last report") { configOption, email, outFile };
        report.SetAction((r, token) => ReportCommand.RunAsync(r.GetValue(configOption)!, r.GetValue(email), r.GetValue(outFile), stdout, stderr, token));

        return new RootCommand("Bridge keeps a Blech standby ready to take over the service address.")
        {
            resyncRequest, serveRequests, lastResync, report, sync, resync, diff, follow, check, rewrite, watch, promote, demote, status, ready,
        }.Named(CommandName);
    }

    private static RootCommand Named(this RootCommand root, string name)
    {
        root.HelpName = name;
        return root;
    }

    private sealed record SyncArgs(string ConfigPath, string Format, bool All, bool ExitCodeOnChanges, SyncJob Job);

    private static async Task<int> RunSyncAsync(SyncArgs a, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var loggerFactory = CreateLoggerFactory(stderr);
        if (!BridgeRuntime.TryLoad(a.ConfigPath, loggerFactory, out var runtime, out var invalid))
        {
            return await FailAsync(stderr, a.Job.Command, invalid);
        }

        // The command ends with this run: a run reading many rows keeps the collector off to the end (see QuietHeap).
        var outcome = await runtime.SyncAsync(a.Job with { LastInProcess = true }, ct);
        if (outcome.Failure is { Reason: FailureReason.Configuration } config)
        {
            return await FailAsync(stderr, a.Job.Command, config);
        }

        loggerFactory.Dispose();
        if (outcome.Report is { } report)
        {
            if (a.Format == "json")
            {
                report.WriteJson(stdout);
                await stdout.WriteLineAsync();
            }
            else
            {
                await stdout.WriteAsync(report.ToText(a.All ? int.MaxValue : Bridge.Core.Report.SyncReport.TextListed));
            }
        }

        if (outcome.Failure is { } failure)
        {
            await stderr.WriteLineAsync($"{CommandName} {a.Job.Command}: {failure.Message}");
        }

        return outcome.ExitCode == ExitCodes.Success && a.ExitCodeOnChanges && outcome.Report is { HasChanges: true }
            ? ExitCodes.Failure
            : outcome.ExitCode;
    }

    private static async Task<int> FollowAsync(string configPath, FollowJob job, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var loggerFactory = CreateLoggerFactory(stderr);
        if (!BridgeRuntime.TryLoad(configPath, loggerFactory, out var runtime, out var invalid))
        {
            return await FailAsync(stderr, "follow", invalid);
        }

        // A run that changed something, or failed, is written as a sync's would be; runs with nothing to do say nothing.
        var failure = await runtime.FollowAsync(job, async outcome =>
        {
            if (outcome.Report is { } report && (report.HasChanges || report.Apache is { ChangedFiles.Count: > 0 }))
            {
                await stdout.WriteAsync(report.ToText());
            }

            // Another run holding the lock (a Resync click, cron) is no news: this one comes round again.
            if (outcome.Failure is { Reason: not FailureReason.LockHeld } f)
            {
                await stderr.WriteLineAsync($"{CommandName} follow: {f.Message}");
            }

            await stdout.FlushAsync(ct);
        }, ct);
        return failure is null ? ExitCodes.Success : await FailAsync(stderr, "follow", failure);
    }

    private static async Task<int> RunCheckAsync(string configPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!BridgeRuntime.TryLoad(configPath, NullLoggerFactory.Instance, out var runtime, out var invalid))
        {
            return await FailAsync(stderr, "check", invalid);
        }

        var outcome = await runtime.CheckAsync(ct);
        if (outcome.Failure is { } failure)
        {
            return await FailAsync(stderr, "check", failure);
        }

        foreach (var r in outcome.Results)
        {
            await stdout.WriteLineAsync($"{(r.Ok ? "ok  " : "FAIL")} {r.Message}");
        }

        return outcome.Ok ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>
    /// Prints a failure the way every command does: a configuration error as <c>blech-bridge: ...</c> (exit 2), anything else as
    /// <c>blech-bridge COMMAND: ...</c> with the failure's exit code.
    /// </summary>
    internal static async Task<int> FailAsync(TextWriter stderr, string command, Failure failure)
    {
        await stderr.WriteLineAsync(failure.Reason == FailureReason.Configuration ? $"{CommandName}: {failure.Message}" : $"{CommandName} {command}: {failure.Message}");
        return failure.ExitCode;
    }

    /// <summary>Log lines to standard error (<see cref="LogLine"/>'s form), written as they come.</summary>
    internal static ILoggerFactory CreateLoggerFactory(TextWriter stderr) => new TextWriterLoggerProvider(stderr);
}
