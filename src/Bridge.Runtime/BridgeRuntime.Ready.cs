using System.Collections.Concurrent;
using System.Net;
using Bridge.Apache;
using Bridge.Core;
using Bridge.Core.Model;
using Bridge.Core.Readiness;
using Bridge.Data.Read;
using Bridge.Data.Run;
using Bridge.Data.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Runtime;

/// <summary>The answer of <c>ready</c>: the readiness report, or why there is none (a database that cannot be read at all).</summary>
public sealed record ReadyOutcome(ReadinessReport? Report, Failure? Failure);

public sealed partial class BridgeRuntime
{
    /// <summary>
    /// Would this standby serve what the active machine serves if V moved here now? Gathers what this machine would actually
    /// serve (Apache's vhost map, named's serials, the generated mail maps, the docroots) and lets <see cref="ReadinessEvaluator"/>
    /// compare it with the active machine's database. Changes nothing.
    /// </summary>
    public Task<ReadyOutcome> ReadyAsync(CancellationToken ct) => ReadyAsync(compared: null, ct);

    /// <summary>
    /// <see cref="ReadyAsync(CancellationToken)"/>, reusing <paramref name="compared"/> when the caller has just made the same full
    /// dry-run compare from the active machine to this one (the daily report), instead of making it a second time.
    /// </summary>
    internal async Task<ReadyOutcome> ReadyAsync(SyncOutcome? compared, CancellationToken ct)
    {
        Side local, peer;
        IPAddress v;
        try
        {
            local = Local;
            peer = Peer;
            v = ServiceAddress;
        }
        catch (ConfigException e)
        {
            return new ReadyOutcome(null, ConfigFailure(e));
        }

        BlechSnapshot active, standby;
        try
        {
            active = await ReadSnapshotAsync(peer, ct);
        }
        catch (Exception e) when (IsReadError(e))
        {
            return new ReadyOutcome(null, Failures.OfDatabase(FailureReason.PeerUnreachable, e, peer, Secrets, "cannot read the active machine's database (peer): "));
        }

        try
        {
            standby = await ReadSnapshotAsync(local, ct);
        }
        catch (Exception e) when (IsReadError(e))
        {
            return new ReadyOutcome(null, Failures.OfDatabase(FailureReason.LocalUnreachable, e, local, Secrets, "cannot read this machine's database (local): "));
        }

        return new ReadyOutcome(await EvaluateAsync(Config, local, peer, v, active, standby, compared, Secrets, ct), null);
    }

    private static async Task<ReadinessReport> EvaluateAsync(BridgeConfig config, Side local, Side peer, IPAddress v, BlechSnapshot active, BlechSnapshot standby, SyncOutcome? compared, Secrets secrets, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(config.Ready.CommandTimeoutSeconds);
        var root = config.Ready.ResolvedConfigRoot(config.Apache);
        var database = await DatabaseAsync(config, local, peer, compared, secrets, ct);
        var apache = await ApacheAsync(config, timeout, ct);
        var dns = config.Ready.CheckDns ? await DnsAsync(config.Ready, root, active, timeout, ct) : Observation<DnsFacts>.NotChecked("ready.checkDns is false");
        var mail = config.Ready.CheckMail ? await MailAsync(root, ct) : Observation<MailFacts>.NotChecked("ready.checkMail is false");
        var input = new ReadinessInput(
            active,
            standby,
            standby.Hostname ?? Environment.MachineName,
            v,
            config.BuildAddressPolicy().LocalAddress,
            database,
            apache,
            dns,
            mail,
            Directory.Exists,
            new ReadyThresholds(TimeSpan.FromSeconds(config.Ready.MaxSyncAgeSeconds), TimeSpan.FromSeconds(config.Ready.MaxRegenerationWaitSeconds)),
            DateTime.UtcNow);
        return ReadinessEvaluator.Evaluate(input);
    }

    private static async Task<BlechSnapshot> ReadSnapshotAsync(Side side, CancellationToken ct)
    {
        await using var connection = side.Dialect.CreateConnection(side.ConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await side.Dialect.BeginSnapshotAsync(connection, ct);
        var snapshot = await SnapshotReader.ReadAsync(connection, tx, ct);
        await tx.CommitAsync(ct);
        return snapshot;
    }

    private static async Task<Observation<DatabaseFacts>> DatabaseAsync(BridgeConfig config, Side local, Side peer, SyncOutcome? compared, Secrets secrets, CancellationToken ct)
    {
        try
        {
            await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
            await connection.OpenAsync(ct);
            var role = await RoleStore.ReadRoleAsync(connection, null, ct);
            var lastSuccess = await StateStore.LastSuccessAsync(connection, null, ct);
            var waiting = await Query.ListAsync(connection, null, "SELECT MIN(queued_at) FROM regen_queue WHERE done_at IS NULL",
                r => r.IsDBNull(0) ? (DateTime?)null : DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), ct);

            // Everything compared, no shortcut: the answer must not rest on a fingerprint that could miss an edit.
            var retry = new RetryOptions { MaxRetryAttempts = 0, TotalTimeout = TimeSpan.FromSeconds(config.Retry.TotalTimeoutSeconds) };
            var request = new SyncRequest(config.BuildAddressPolicy(), DryRun: true, Command: "ready") { Full = true };
            var outcome = compared ?? await new SyncRunner(peer, local, retry, secrets, NullLogger.Instance).RunAsync(request, ct);
            return Observation<DatabaseFacts>.Of(new DatabaseFacts(role.IsActive, outcome.Report?.Plan.Pending, outcome.Error, lastSuccess, waiting.FirstOrDefault()));
        }
        catch (Exception e) when (IsReadError(e))
        {
            return Observation<DatabaseFacts>.CannotRun($"this machine's database: {secrets.Redact(SyncRunner.OneLine(e))}");
        }
    }

    private static async Task<Observation<ApacheFacts>> ApacheAsync(BridgeConfig config, TimeSpan timeout, CancellationToken ct)
    {
        if (!config.Apache.Enabled)
        {
            return Observation<ApacheFacts>.NotChecked("apache.enabled is false");
        }

        var options = new ApacheStep(config.Apache, NullLogger.Instance).Options(dryRun: true);
        var test = await ProcessRunner.RunAsync(options.TestCommand, timeout, ct);
        if (CannotStart(test) is { } testProblem)
        {
            return Observation<ApacheFacts>.CannotRun($"{string.Join(' ', options.TestCommand.Arguments)}: {testProblem}");
        }

        var dump = await ProcessRunner.RunAsync(options.DumpCommand, timeout, ct);
        if (CannotStart(dump) is { } dumpProblem)
        {
            return Observation<ApacheFacts>.CannotRun($"{string.Join(' ', options.DumpCommand.Arguments)}: {dumpProblem}");
        }

        if (dump.ExitCode != 0)
        {
            return Observation<ApacheFacts>.CannotRun($"{string.Join(' ', options.DumpCommand.Arguments)} exited {dump.ExitCode}: {(dump.StandardError + dump.StandardOutput).Trim()}");
        }

        var vhosts = ApacheVhostMap.Parse(dump.StandardOutput).Entries
            .Select(e => new ServedVhost(e.Address, e.Port, e.ServerName, e.Aliases, e.Lone, e.Source))
            .ToList();
        return Observation<ApacheFacts>.Of(new ApacheFacts(test.ExitCode == 0, (test.StandardError + test.StandardOutput).Trim(), vhosts));
    }

    private static async Task<Observation<DnsFacts>> DnsAsync(ReadyConfig ready, string root, BlechSnapshot active, TimeSpan timeout, CancellationToken ct)
    {
        var zonesConf = Path.Combine(root, "bind", "zones.conf");
        if (!File.Exists(zonesConf))
        {
            return Observation<DnsFacts>.CannotRun($"{zonesConf} does not exist (set ready.configRoot to Blech's generated tree)");
        }

        var configured = ServedFiles.ZonesConf(await File.ReadAllTextAsync(zonesConf, ct));
        var origins = active.Zones.Where(z => z.Active).Select(z => Core.Normalize.HostNames.Origin(z.Origin)).Distinct(StringComparer.Ordinal).ToList();

        Observation<IReadOnlyDictionary<string, long>> loaded;
        var unanswered = new Dictionary<string, string>(StringComparer.Ordinal);
        var batch = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(batch, origins.Select(o => $"{o} SOA"), ct);
            var argv = ready.ResolvedDnsQueryCommand.Concat(["+noall", "+answer", "+norecurse", "+time=2", "+tries=1", "-f", batch]).ToList();
            var result = await ProcessRunner.RunAsync(new ApacheCommand(argv), timeout, ct);
            if (CannotStart(result) is { } problem)
            {
                loaded = Observation<IReadOnlyDictionary<string, long>>.CannotRun($"{argv[0]}: {problem}");
            }
            else
            {
                var (serials, errors) = ServedFiles.DigSoaAnswers(result.StandardOutput + "\n" + result.StandardError);
                if (serials.Count == 0 && (errors.Count > 0 || result.ExitCode != 0) && origins.Count > 0)
                {
                    loaded = Observation<IReadOnlyDictionary<string, long>>.CannotRun(
                        $"named did not answer ({string.Join(' ', ready.ResolvedDnsQueryCommand)}): {errors.FirstOrDefault() ?? $"exit {result.ExitCode}"}");
                }
                else
                {
                    loaded = Observation<IReadOnlyDictionary<string, long>>.Of(serials);
                    foreach (var origin in origins.Where(o => !serials.ContainsKey(o)))
                    {
                        unanswered[origin] = errors.Count > 0 ? errors[0] : "named gave no SOA record for it";
                    }
                }
            }
        }
        finally
        {
            File.Delete(batch);
        }

        var zoneFileErrors = await CheckZoneFilesAsync(ready, origins.Where(configured.ContainsKey).Select(o => (o, configured[o])).ToList(), timeout, ct);
        return Observation<DnsFacts>.Of(new DnsFacts(configured, loaded, unanswered, zoneFileErrors));
    }

    private static async Task<Observation<IReadOnlyDictionary<string, string>>> CheckZoneFilesAsync(ReadyConfig ready, IReadOnlyList<(string Origin, string File)> zones, TimeSpan timeout, CancellationToken ct)
    {
        var errors = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        string? cannotRun = null;
        await Parallel.ForEachAsync(zones, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (zone, token) =>
        {
            var argv = ready.ResolvedCheckzoneCommand.Concat([zone.Origin, zone.File]).ToList();
            var result = await ProcessRunner.RunAsync(new ApacheCommand(argv), timeout, token);
            if (CannotStart(result) is { } problem)
            {
                cannotRun ??= $"{argv[0]}: {problem}";
            }
            else if (result.ExitCode != 0)
            {
                var text = (result.StandardOutput + "\n" + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                errors[zone.Origin] = text.FirstOrDefault(l => !l.StartsWith("zone ", StringComparison.Ordinal) || l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? $"exit {result.ExitCode}";
            }
        });
        return cannotRun is not null
            ? Observation<IReadOnlyDictionary<string, string>>.CannotRun(cannotRun)
            : Observation<IReadOnlyDictionary<string, string>>.Of(new Dictionary<string, string>(errors, StringComparer.Ordinal));
    }

    private static async Task<Observation<MailFacts>> MailAsync(string root, CancellationToken ct)
    {
        var files = new[] { "passwd", "aliases", "domains" }.Select(f => Path.Combine(root, "mail", f)).ToArray();
        if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            return Observation<MailFacts>.CannotRun($"{missing} does not exist (set ready.configRoot to Blech's generated tree)");
        }

        return Observation<MailFacts>.Of(new MailFacts(
            ServedFiles.Passwd(await File.ReadAllTextAsync(files[0], ct)),
            ServedFiles.Aliases(await File.ReadAllTextAsync(files[1], ct)),
            ServedFiles.Domains(await File.ReadAllTextAsync(files[2], ct))));
    }

    private static string? CannotStart(CommandResult result) =>
        result.TimedOut ? "timed out" : result.ExitCode == -1 && result.StandardError.StartsWith("cannot start", StringComparison.Ordinal) ? result.StandardError : null;

    private static bool IsReadError(Exception e) => IsDatabaseError(e) || e is InvalidDataException or IOException;
}
