using System.Net;
using Bridge.Apache;
using Bridge.Core;
using Bridge.Core.Normalize;
using Bridge.Core.Report;
using Bridge.Data.Read;
using Bridge.Data.Run;
using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary><c>rewrite-apache</c> as asked: every value not given comes from the configuration.</summary>
public sealed record ApacheRewriteJob(string? Root, string? From, string? To, bool DryRun);

/// <summary>What a rewrite did (its summary), or why it did not start.</summary>
public sealed record ApacheOutcome(ApacheSummary? Summary, Failure? Failure);

public sealed partial class BridgeRuntime
{
    /// <summary>The Apache step of a sync, promote or watch: D is the standby's own address, V the service address; sites the database binds to D keep it.</summary>
    internal async Task<ApacheSummary> ApacheForSyncAsync(Side local, bool dryRun, CancellationToken ct)
    {
        try
        {
            var (from, keep) = await FromAddressAsync(local, ct);
            return await new ApacheStep(Config.Apache, Log("apache")).RunAsync(from, ServiceAddress, keep, dryRun, ct);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return new ApacheSummary("failed", [], [], [], Secrets.Redact(SyncRunner.OneLine(e)), false);
        }
    }

    /// <summary>
    /// D to V in the Apache files under the root: the command line's values first, else the configuration's (D from the standby's
    /// database when neither names it).
    /// </summary>
    public async Task<ApacheOutcome> RewriteApacheAsync(ApacheRewriteJob job, CancellationToken ct)
    {
        var apache = Config.Apache;
        IPAddress fromAddress, toAddress;
        IReadOnlySet<string> keep = new HashSet<string>();
        try
        {
            if (job.Root is not null)
            {
                apache.Root = job.Root;
            }
            else if (!FromFile)
            {
                throw new ConfigException("rewrite-apache needs --root, or --config with apache.root");
            }

            toAddress = ParseOption(job.To, "--to") ?? (FromFile ? ServiceAddress : throw new ConfigException("rewrite-apache needs --to, or --config with serviceAddress"));
            var given = ParseOption(job.From, "--from");
            if (given is not null)
            {
                fromAddress = given;
            }
            else if (FromFile)
            {
                (fromAddress, keep) = await FromAddressAsync(Local, ct);
            }
            else
            {
                throw new ConfigException("rewrite-apache needs --from, or --config from which to read the standby's address");
            }
        }
        catch (ConfigException e)
        {
            return new ApacheOutcome(null, ConfigFailure(e));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidDataException)
        {
            return new ApacheOutcome(null, new Failure(FailureReason.LocalFailed, Secrets.Redact(SyncRunner.OneLine(e))) { Side = "local" });
        }

        var summary = await new ApacheStep(apache, Log("apache")).RunAsync(fromAddress, toAddress, keep, job.DryRun, ct);
        return new ApacheOutcome(summary, summary.Succeeded && summary.Outcome != "skipped" ? null : new Failure(FailureReason.Apache, $"{summary.Outcome}: {summary.Reason}"));
    }

    /// <summary>
    /// Watches the Apache tree and rewrites it within seconds of any change (Blech's regeneration), and at least every
    /// <c>apache.watchIntervalSeconds</c> in case an event was missed. Runs until <paramref name="ct"/> is cancelled.
    /// </summary>
    /// <param name="started">Called once the watchers are in place.</param>
    public async Task<Failure?> WatchApacheAsync(Func<Task> started, CancellationToken ct)
    {
        Side local;
        try
        {
            local = Local;
            _ = ServiceAddress;
        }
        catch (ConfigException e)
        {
            return ConfigFailure(e);
        }

        var folders = WatchedFolders(Config.Apache.Root);
        if (folders.Count == 0)
        {
            return new Failure(FailureReason.Apache, $"{Config.Apache.Root} does not exist");
        }

        var signal = new SemaphoreSlim(0);
        var watchers = folders.Select(folder =>
        {
            var w = new FileSystemWatcher(folder) { IncludeSubdirectories = true, EnableRaisingEvents = true };
            FileSystemEventHandler poke = (_, e) =>
            {
                if (!e.FullPath.StartsWith(Config.Apache.BackupRoot, StringComparison.Ordinal))
                {
                    signal.Release();
                }
            };
            w.Changed += poke;
            w.Created += poke;
            w.Renamed += (s, e) => poke(s, e);
            return w;
        }).ToList();
        Log("apache").LogInformation("Watching {Folders} for Blech's rewrites", string.Join(", ", folders));
        await started();

        try
        {
            while (!ct.IsCancellationRequested)
            {
                var summary = await ApacheForSyncAsync(local, dryRun: false, ct);
                if (!summary.Succeeded)
                {
                    Log("apache").LogError("Apache rewrite {Outcome}: {Reason}", summary.Outcome, summary.Reason);
                }

                // Wait for an event or the interval, then let a burst of writes (blechd rewrites many files) settle.
                await signal.WaitAsync(TimeSpan.FromSeconds(Config.Apache.WatchIntervalSeconds), ct);
                await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
                while (signal.CurrentCount > 0)
                {
                    await signal.WaitAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Log("apache").LogInformation("Stopped watching");
        }
        finally
        {
            watchers.ForEach(w => w.Dispose());
        }

        return null;
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

    private async Task<(IPAddress From, IReadOnlySet<string> Keep)> FromAddressAsync(Side local, CancellationToken ct)
    {
        var bindings = await SiteBindings.ReadAsync(local, ct);
        var configured = Config.BuildAddressPolicy().LocalAddress;
        var from = configured ?? (Addresses.TryParse(bindings.MainIp, out var mainIp) ? mainIp
            : throw new InvalidDataException($"the standby's main_ip '{bindings.MainIp}' is not an address; set local.address"));
        // A site on D is the standby's own, unless Bridge had put it on V: then Blech's push moved it back since the last sync,
        // and its vhost belongs on V as much as the others'.
        var v = ServiceAddress.ToString();
        var keep = bindings.Sites
            .Where(s => Addresses.Canonical(s.Address) == from.ToString())
            .Select(s => HostNames.Domain(s.Domain))
            .Where(d => !(bindings.Written.TryGetValue(d, out var w) && Addresses.Canonical(w) == v))
            .ToHashSet(StringComparer.Ordinal);
        return (from, keep);
    }

    private static IPAddress? ParseOption(string? text, string option) =>
        text is null ? null : Addresses.TryParse(text, out var a) ? a : throw new ConfigException($"{option} '{text}' is not an IP address");
}
