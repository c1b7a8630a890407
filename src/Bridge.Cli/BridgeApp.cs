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

        var sync = new Command("sync", "Bring the standby's Blech database (local) in line with the active one (peer)") { configOption, dryRun, force, format };
        sync.SetAction((r, token) => RunSyncAsync(r.GetValue(configOption)!, r.GetValue(dryRun), r.GetValue(force), r.GetValue(format)!, false, "sync", stdout, stderr, token));

        var diff = new Command("diff", "Show what sync would do, changing nothing") { configOption, format, exitCode };
        diff.SetAction((r, token) => RunSyncAsync(r.GetValue(configOption)!, true, false, r.GetValue(format)!, r.GetValue(exitCode), "diff", stdout, stderr, token));

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

        var requestedBy = new Option<string?>("--requested-by") { Description = "Who asked (for the run log); default: the user" };
        var promote = new Command("promote", "This machine takes V: vhosts on V, every zone serial past anything served, role active") { configOption, requestedBy };
        promote.SetAction((r, token) => RoleCommands.PromoteAsync(r.GetValue(configOption)!, r.GetValue(requestedBy) ?? Environment.UserName, stdout, stderr, token));
        var demote = new Command("demote", "This machine gives V up: role standby; the next sync pulls from the peer") { configOption, requestedBy };
        demote.SetAction((r, token) => RoleCommands.DemoteAsync(r.GetValue(configOption)!, r.GetValue(requestedBy) ?? Environment.UserName, stdout, stderr, token));
        var status = new Command("status", "Roles, last sync, zones whose serials differ, pending changes; exit 1 when both machines claim to be active") { configOption, format };
        status.SetAction((r, token) => RoleCommands.StatusAsync(r.GetValue(configOption)!, r.GetValue(format)!, stdout, stderr, token));

        var root = new RootCommand("Bridge keeps a Blech standby ready to take over the service address.") { sync, diff, check, rewrite, watch, promote, demote, status };
        var parsed = root.Parse(args);
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

    private static async Task<int> RunSyncAsync(string configPath, bool dry, bool force, string format, bool exitCodeOnChanges, string command, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
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
            request = new SyncRequest(config.BuildAddressPolicy(), config.MaxDeleteShare, force, dry, command, Environment.GetEnvironmentVariable("BLECH_ADMIN") ?? Environment.UserName);
            runner = new SyncRunner(peer, local, config.BuildRetry(), secrets, loggerFactory.CreateLogger("bridge"));
        }
        catch (ConfigException e)
        {
            await stderr.WriteLineAsync($"bridge: {secrets.Redact(e.Message)}");
            return ExitCodes.Usage;
        }

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
