using System.Net;
using Bridge.Apache;
using Bridge.Core;
using Bridge.Core.Normalize;
using Bridge.Core.Report;
using Bridge.Data.Engine;
using Bridge.Data.Read;
using Bridge.Data.Run;
using Microsoft.Extensions.Logging;

namespace Bridge.Cli;

/// <summary><c>bridge rewrite-apache</c>, <c>bridge watch</c>, and the Apache step of <c>bridge sync</c>.</summary>
public static class ApacheCommands
{
    /// <summary>The Apache step of a sync: D is the standby's own address, V the service address; sites the database binds to D keep it.</summary>
    public static async Task<ApacheSummary> RunForSyncAsync(BridgeConfig config, Side local, bool dryRun, ILogger logger, Secrets secrets, CancellationToken ct)
    {
        try
        {
            var (from, keep) = await FromAddressAsync(config, local, ct);
            return await new ApacheStep(config.Apache, logger).RunAsync(from, config.ParseServiceAddress(), keep, dryRun, ct);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return new ApacheSummary("failed", [], [], [], secrets.Redact(SyncRunner.OneLine(e)), false);
        }
    }

    public static async Task<int> RewriteAsync(string? configPath, string? root, string? from, string? to, bool dryRun, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var secrets = new Secrets();
        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        var logger = loggerFactory.CreateLogger("bridge");
        ApacheConfig apache;
        IPAddress fromAddress, toAddress;
        IReadOnlySet<string> keep = new HashSet<string>();
        try
        {
            var config = configPath is null ? null : BridgeConfig.Load(configPath);
            apache = config?.Apache ?? new ApacheConfig();
            if (root is not null)
            {
                apache.Root = root;
            }
            else if (config is null)
            {
                throw new ConfigException("rewrite-apache needs --root, or --config with apache.root");
            }

            toAddress = Parse(to, "--to") ?? config?.ParseServiceAddress() ?? throw new ConfigException("rewrite-apache needs --to, or --config with serviceAddress");
            var given = Parse(from, "--from");
            if (given is not null)
            {
                fromAddress = given;
            }
            else if (config is not null)
            {
                (fromAddress, keep) = await FromAddressAsync(config, config.BuildSide("local", secrets), ct);
            }
            else
            {
                throw new ConfigException("rewrite-apache needs --from, or --config from which to read the standby's address");
            }
        }
        catch (ConfigException e)
        {
            await stderr.WriteLineAsync($"bridge: {secrets.Redact(e.Message)}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidDataException)
        {
            await stderr.WriteLineAsync($"bridge rewrite-apache: {secrets.Redact(SyncRunner.OneLine(e))}");
            return ExitCodes.Failure;
        }

        var summary = await new ApacheStep(apache, logger).RunAsync(fromAddress, toAddress, keep, dryRun, ct);
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

        if (!summary.Succeeded || summary.Outcome == "skipped")
        {
            await stderr.WriteLineAsync($"bridge rewrite-apache: {summary.Outcome}: {summary.Reason}");
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Watches the Apache tree and rewrites it within seconds of any change (Blech's regeneration), and at least every
    /// <c>apache.watchIntervalSeconds</c> in case an event was missed. Runs until stopped.
    /// </summary>
    public static async Task<int> WatchAsync(string configPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var secrets = new Secrets();
        BridgeConfig config;
        Side local;
        try
        {
            config = BridgeConfig.Load(configPath);
            local = config.BuildSide("local", secrets);
            _ = config.ParseServiceAddress();
        }
        catch (ConfigException e)
        {
            await stderr.WriteLineAsync($"bridge: {secrets.Redact(e.Message)}");
            return ExitCodes.Usage;
        }

        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        var logger = loggerFactory.CreateLogger("bridge");
        var folders = WatchedFolders(config.Apache.Root);
        if (folders.Count == 0)
        {
            await stderr.WriteLineAsync($"bridge watch: {config.Apache.Root} does not exist");
            return ExitCodes.Failure;
        }

        var signal = new SemaphoreSlim(0);
        var watchers = folders.Select(folder =>
        {
            var w = new FileSystemWatcher(folder) { IncludeSubdirectories = true, EnableRaisingEvents = true };
            FileSystemEventHandler poke = (_, e) =>
            {
                if (!e.FullPath.StartsWith(config.Apache.BackupRoot, StringComparison.Ordinal))
                {
                    signal.Release();
                }
            };
            w.Changed += poke;
            w.Created += poke;
            w.Renamed += (s, e) => poke(s, e);
            return w;
        }).ToList();
        logger.LogInformation("Watching {Folders} for Blech's rewrites", string.Join(", ", folders));
        await stdout.FlushAsync(ct);

        try
        {
            while (!ct.IsCancellationRequested)
            {
                var summary = await RunForSyncAsync(config, local, dryRun: false, logger, secrets, ct);
                if (!summary.Succeeded)
                {
                    logger.LogError("Apache rewrite {Outcome}: {Reason}", summary.Outcome, summary.Reason);
                }

                // Wait for an event or the interval, then let a burst of writes (blechd rewrites many files) settle.
                await signal.WaitAsync(TimeSpan.FromSeconds(config.Apache.WatchIntervalSeconds), ct);
                await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
                while (signal.CurrentCount > 0)
                {
                    await signal.WaitAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            logger.LogInformation("Stopped watching");
        }
        finally
        {
            watchers.ForEach(w => w.Dispose());
        }

        return ExitCodes.Success;
    }

    private static List<string> WatchedFolders(string root)
    {
        if (Directory.Exists(root))
        {
            return [root];
        }

        if (!File.Exists(root))
        {
            return [];
        }

        try
        {
            return ApacheTree.Load(root).Files.Select(f => Path.GetDirectoryName(f.TargetPath)!).Append(Path.GetDirectoryName(Path.GetFullPath(root))!)
                .Distinct(StringComparer.Ordinal).Where(Directory.Exists).ToList();
        }
        catch (ApacheConfigException)
        {
            return [Path.GetDirectoryName(Path.GetFullPath(root))!];
        }
    }

    private static async Task<(IPAddress From, IReadOnlySet<string> Keep)> FromAddressAsync(BridgeConfig config, Side local, CancellationToken ct)
    {
        var bindings = await SiteBindings.ReadAsync(local, ct);
        var configured = config.BuildAddressPolicy().LocalAddress;
        var from = configured ?? (Addresses.TryParse(bindings.MainIp, out var mainIp) ? mainIp
            : throw new InvalidDataException($"the standby's main_ip '{bindings.MainIp}' is not an address; set local.address"));
        // A site on D is the standby's own, unless Bridge had put it on V: then Blech's push moved it back since the last sync,
        // and its vhost belongs on V as much as the others'.
        var v = config.ParseServiceAddress().ToString();
        var keep = bindings.Sites
            .Where(s => Addresses.Canonical(s.Address) == from.ToString())
            .Select(s => HostNames.Domain(s.Domain))
            .Where(d => !(bindings.Written.TryGetValue(d, out var w) && Addresses.Canonical(w) == v))
            .ToHashSet(StringComparer.Ordinal);
        return (from, keep);
    }

    private static IPAddress? Parse(string? text, string option) =>
        text is null ? null : Addresses.TryParse(text, out var a) ? a : throw new ConfigException($"{option} '{text}' is not an IP address");
}
