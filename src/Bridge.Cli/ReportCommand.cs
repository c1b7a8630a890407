using System.Data.Common;
using Bridge.Core;
using Bridge.Core.Model;
using Bridge.Core.Plan;
using Bridge.Core.Report;
using Bridge.Data.Engine;
using Bridge.Data.Read;
using Bridge.Data.Run;
using Bridge.Data.State;
using Bridge.Mail;
using Microsoft.Extensions.Logging;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge report</c>: a dry run of the standby's next sync, with what Blech reverted, rows skipped, zones whose serials
/// differ and the runs since the last report, as plain text and HTML, printed, written or mailed.
/// </summary>
public static class ReportCommand
{
    public static async Task<int> RunAsync(string configPath, bool email, string? outPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var secrets = new Secrets();
        BridgeConfig config;
        Side local, peer;
        try
        {
            config = BridgeConfig.Load(configPath);
            local = config.BuildSide("local", secrets);
            peer = config.BuildSide("peer", secrets);
            if (config.Mail.Password is { Length: > 0 } pw)
            {
                secrets.Add(pw);
            }

            if (email && (string.IsNullOrWhiteSpace(config.Mail.From) || config.Mail.To.Count == 0))
            {
                throw new ConfigException("config: mail.from and mail.to are needed for --email");
            }
        }
        catch (ConfigException e)
        {
            await stderr.WriteLineAsync($"bridge: {secrets.Redact(e.Message)}");
            return ExitCodes.Usage;
        }

        using var loggerFactory = BridgeApp.CreateLoggerFactory(stderr);
        var logger = loggerFactory.CreateLogger("bridge");
        var started = DateTime.UtcNow;
        var (report, standby) = await BuildAsync(config, local, peer, secrets, logger, ct);
        var rendered = ReportRenderer.Render(report);

        if (outPath is not null)
        {
            await File.WriteAllTextAsync(outPath, outPath.EndsWith(".html", StringComparison.OrdinalIgnoreCase) ? rendered.Html : rendered.Text, ct);
        }
        else if (!email)
        {
            await stdout.WriteAsync(rendered.Text);
        }

        string? error = null;
        if (email)
        {
            try
            {
                await new ReportMailer(Smtp(config.Mail), logger).SendAsync(rendered, ct);
                await stdout.WriteLineAsync($"report sent to {string.Join(", ", config.Mail.To)}: {rendered.Subject}");
            }
            catch (ReportSendException e)
            {
                error = secrets.Redact(e.Message);
                await stderr.WriteLineAsync($"bridge report: {error}");
            }
        }

        // The report's own run, in the standby's log: the next report starts where this one ended.
        await SyncRunner.RecordRunAsync(standby, new RunRecord("report", Environment.UserName, started, DateTime.UtcNow, error is null ? "ok" : "failed",
            error is null ? ExitCodes.Success : ExitCodes.Failure, rendered.Subject, error), ct);
        return error is null ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static SmtpOptions Smtp(MailConfig mail) => new()
    {
        Host = mail.Host,
        Port = mail.Port,
        Tls = mail.Tls,
        User = mail.User,
        Password = mail.Password,
        From = mail.From!,
        To = mail.To,
        MaxAttempts = mail.MaxAttempts,
        BaseDelay = TimeSpan.FromSeconds(mail.BaseDelaySeconds),
    };

    private static async Task<(DailyReport Report, Side Standby)> BuildAsync(BridgeConfig config, Side local, Side peer, Secrets secrets, ILogger logger, CancellationToken ct)
    {
        // The report is about the standby, whichever machine runs it.
        var localIsActive = false;
        try
        {
            await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
            await connection.OpenAsync(ct);
            localIsActive = (await RoleStore.ReadRoleAsync(connection, null, ct)).IsActive;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
        {
            logger.LogWarning("Cannot read this machine's role ({Reason}); reporting it as the standby", secrets.Redact(e.Message));
        }

        var (from, to) = localIsActive ? (local with { Role = "peer" }, peer with { Role = "local" }) : (peer, local);
        var retry = config.BuildRetry() with { MaxRetryAttempts = Math.Min(config.Retry.MaxAttempts, 2) };
        var outcome = await new SyncRunner(from, to, retry, secrets, logger).RunAsync(
            new SyncRequest(config.BuildAddressPolicy(), config.MaxDeleteShare, DryRun: true, Command: "report") { Full = true }, ct);
        var sync = outcome.Report;
        var names = (Active: sync?.Machines.Peer ?? "the active machine", Standby: sync?.Machines.Local ?? "the standby");

        var since = default(DateTime?);
        var runs = new List<RunEntry>();
        var reverts = new List<RevertEntry>();
        try
        {
            await using var connection = to.Dialect.CreateConnection(to.ConnectionString);
            await connection.OpenAsync(ct);
            if (await StateStore.ExistsAsync(connection, null, ct))
            {
                since = await ScalarDateAsync(connection, "SELECT MAX(started_at) FROM bridge.run WHERE command = 'report' AND outcome = 'ok'", ct);
                var after = since ?? DateTime.UtcNow.AddDays(-1);
                runs = await Query.ListAsync(connection, null,
                    $"SELECT started_at, finished_at, command, requested_by, outcome, summary, error FROM bridge.run WHERE started_at > {to.Dialect.Placeholder(0)} AND command <> 'report' ORDER BY id",
                    r => new RunEntry(Utc(r.GetDateTime(0)), r.IsDBNull(1) ? null : Utc(r.GetDateTime(1)), r.GetString(2), r.GetString(3), r.GetString(4),
                        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)), ct, to.Dialect.CreateParameter(0, after));
                reverts = await Query.ListAsync(connection, null,
                    $"SELECT at, kind, object_key, field, from_value, to_value FROM bridge.revert WHERE at > {to.Dialect.Placeholder(0)} ORDER BY id",
                    r => new RevertEntry(Utc(r.GetDateTime(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)), ct, to.Dialect.CreateParameter(0, after));
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
        {
            logger.LogWarning("Cannot read Bridge's run log on the standby: {Reason}", secrets.Redact(e.Message));
        }

        var serials = new List<SerialDifference>();
        try
        {
            var status = await new Roles(to, from, logger).StatusAsync(ct);
            serials = status.Serials.Select(s => new SerialDifference(s.Zone, s.Peer, s.Local)).ToList();
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
        {
            logger.LogWarning("Cannot compare zone serials: {Reason}", secrets.Redact(e.Message));
        }

        var pending = sync?.Plan.Steps.Select(s => new PendingChange(s.Kind.Name(), SyncReport.ActionName(s.Action), s.Key,
            s.Changes.Select(c => new FieldDifference(c.Name, c.From, c.To, c.Secret)).ToList())).ToList() ?? [];
        var skipped = sync?.Plan.Skipped.Select(s => new SkippedEntry(s.Kind.Name(), s.Key, s.Reason)).ToList() ?? [];
        var error = outcome.ExitCode is ExitCodes.Success or ExitCodes.Refused ? null : PlainError(outcome.Error, names.Active);
        return (new DailyReport(names.Standby, names.Active, DateTime.UtcNow, since, pending, reverts, skipped, serials, runs, error), to);
    }

    private static string? PlainError(string? error, string active) =>
        error is null ? null
        : error.StartsWith("peer database:", StringComparison.Ordinal) ? $"cannot reach {active}'s database ({error["peer database:".Length..].Trim()})"
        : error;

    private static DateTime Utc(DateTime d) => DateTime.SpecifyKind(d, DateTimeKind.Utc);

    private static async Task<DateTime?> ScalarDateAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct) is DateTime d ? Utc(d) : null;
    }
}
