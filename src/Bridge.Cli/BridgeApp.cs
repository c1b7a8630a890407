using System.CommandLine;
using Bridge.Core;
using Bridge.Data.Engine;
using Bridge.Data.Run;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Bridge.Cli;

/// <summary>The <c>bridge</c> command line: parsing, configuration, logging to stderr, reports to stdout, exit codes.</summary>
public static class BridgeApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var configOption = new Option<string>("--config", "-c") { Description = "The configuration file (JSON)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan and report, write nothing" };
        var force = new Option<bool>("--force") { Description = "Apply even when the guard would refuse the deletions" };
        var format = new Option<string>("--format") { Description = "Report format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var exitCode = new Option<bool>("--exit-code") { Description = "Exit 1 when changes are pending, like git diff" };

        var wait = new Option<double>("--wait") { Description = "Seconds to wait for another run's lock before giving up with exit code 4", DefaultValueFactory = _ => 0 };
        var requestedBy = new Option<string?>("--requested-by") { Description = "Who asked (for the run log); default: the user" };
        var sync = new Command("sync", "Bring the standby's Blech database (local) in line with the active one (peer)") { configOption, dryRun, force, format, wait, requestedBy };
        sync.SetAction((r, token) => RunSyncAsync(new SyncArgs(r.GetValue(configOption)!, r.GetValue(dryRun), r.GetValue(force), r.GetValue(format)!, false, "sync", r.GetValue(wait), r.GetValue(requestedBy), Full: false), stdout, stderr, token));

        var resync = new Command("resync", "The full job: compare everything, apply, rewrite Apache, queue regeneration of every synced object") { configOption, format, wait, requestedBy };
        resync.SetAction((r, token) => RunSyncAsync(new SyncArgs(r.GetValue(configOption)!, false, false, r.GetValue(format)!, false, "resync", r.GetValue(wait), r.GetValue(requestedBy), Full: true), stdout, stderr, token));

        var diff = new Command("diff", "Show what sync would do, changing nothing") { configOption, format, exitCode };
        diff.SetAction((r, token) => RunSyncAsync(new SyncArgs(r.GetValue(configOption)!, true, false, r.GetValue(format)!, r.GetValue(exitCode), "diff", 0, null, Full: false), stdout, stderr, token));

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

        var spool = new Option<string>("--spool") { Description = "The request spool folder", DefaultValueFactory = _ => "/var/spool/bridge" };
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

        var root = new RootCommand("Bridge keeps a Blech standby ready to take over the service address.") { resyncRequest, serveRequests, lastResync, report, sync, resync, diff, check, rewrite, watch, promote, demote, status, ready };
        // No response files: a Blech login may start with '@', and "@name" must stay a value, never a file to read.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"bridge: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'bridge --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, ct);
    }

    private sealed record SyncArgs(string ConfigPath, bool DryRun, bool Force, string Format, bool ExitCodeOnChanges, string Command, double WaitSeconds, string? RequestedBy, bool Full);

    private static async Task<int> RunSyncAsync(SyncArgs a, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var (configPath, dry, force, format, exitCodeOnChanges, command) = (a.ConfigPath, a.DryRun, a.Force, a.Format, a.ExitCodeOnChanges, a.Command);
        var secrets = new Secrets();
        SyncRunner runner;
        SyncRequest request;
        BridgeConfig config;
        Side local;
        using var loggerFactory = CreateLoggerFactory(stderr);
        try
        {
            config = BridgeConfig.Load(configPath);
            var peer = config.BuildSide("peer", secrets);
            local = config.BuildSide("local", secrets);
            request = new SyncRequest(config.BuildAddressPolicy(), config.MaxDeleteShare, force, dry, command, a.RequestedBy ?? Environment.UserName) { Full = a.Full };
            runner = new SyncRunner(peer, local, config.BuildRetry(), secrets, loggerFactory.CreateLogger("bridge"));
        }
        catch (ConfigException e)
        {
            await stderr.WriteLineAsync($"bridge: {secrets.Redact(e.Message)}");
            return ExitCodes.Usage;
        }

        RunLock? runLock = null;
        if (!dry)
        {
            string? heldBy;
            try
            {
                (runLock, heldBy) = await RunLock.TryAcquireAsync(config.LockFile, local, TimeSpan.FromSeconds(a.WaitSeconds), ct);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                await stderr.WriteLineAsync($"bridge {command}: cannot take the run lock: {secrets.Redact(SyncRunner.OneLine(e))}");
                return ExitCodes.Failure;
            }

            if (runLock is null)
            {
                await stderr.WriteLineAsync($"bridge {command}: {heldBy}; nothing done");
                await SyncRunner.RecordRunAsync(local, new Data.State.RunRecord(command, request.RequestedBy, DateTime.UtcNow, DateTime.UtcNow, "locked", ExitCodes.Locked, null, heldBy), ct);
                return ExitCodes.Locked;
            }
        }

        await using var heldLock = runLock;
        var outcome = await runner.RunAsync(request, ct);
        if (outcome.ExitCode == ExitCodes.Success && outcome.Report is not null && config.Apache.Enabled)
        {
            var apache = await ApacheCommands.RunForSyncAsync(config, local, dry, loggerFactory.CreateLogger("bridge"), secrets, ct);
            outcome = apache.Succeeded
                ? outcome with { Report = outcome.Report with { Apache = apache } }
                : new SyncOutcome(ExitCodes.Failure, outcome.Report with { Apache = apache }, $"apache: {apache.Outcome}: {apache.Reason} (the database changes are committed)");
        }

        loggerFactory.Dispose();
        if (outcome.Report is { } report)
        {
            await stdout.WriteAsync(format == "json" ? report.ToJson() + Environment.NewLine : report.ToText());
        }

        if (outcome.Error is not null)
        {
            await stderr.WriteLineAsync($"bridge {command}: {outcome.Error}");
        }

        return outcome.ExitCode == ExitCodes.Success && exitCodeOnChanges && outcome.Report is { HasChanges: true }
            ? ExitCodes.Failure
            : outcome.ExitCode;
    }

    private static async Task<int> RunCheckAsync(string configPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var secrets = new Secrets();
        BridgeConfig config;
        Side peer, local;
        System.Net.IPAddress v;
        try
        {
            config = BridgeConfig.Load(configPath);
            peer = config.BuildSide("peer", secrets);
            local = config.BuildSide("local", secrets);
            v = config.ParseServiceAddress();
        }
        catch (ConfigException e)
        {
            await stderr.WriteLineAsync($"bridge: {secrets.Redact(e.Message)}");
            return ExitCodes.Usage;
        }

        var results = await Checker.CheckAsync(peer, local, v, ct);
        var ok = true;
        foreach (var r in results)
        {
            ok &= r.Ok;
            await stdout.WriteLineAsync($"{(r.Ok ? "ok  " : "FAIL")} {secrets.Redact(r.Message)}");
        }

        return ok ? ExitCodes.Success : ExitCodes.Failure;
    }

    internal static ILoggerFactory CreateLoggerFactory(TextWriter stderr) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(LogLevel.Information);
        if (ReferenceEquals(stderr, Console.Error))
        {
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z' ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
            builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        else
        {
            builder.AddProvider(new TextWriterLoggerProvider(stderr));
        }
    });
}
