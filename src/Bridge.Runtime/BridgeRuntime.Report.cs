using System.Data.Common;
using Bridge.Core;
using Bridge.Core.Model;
using Bridge.Core.Report;
using Bridge.Data.Engine;
using Bridge.Data.Run;
using Bridge.Data.State;
using Bridge.Mail;
using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary>The daily report as asked: mailed, written to a file (HTML when it ends in <c>.html</c>), or neither (printed by the caller).</summary>
public sealed record ReportJob(bool Email, string? OutPath, string RequestedBy)
{
    /// <summary>Whether <see cref="OutPath"/> gets the HTML report (a name ending in <c>.html</c>) rather than the text.</summary>
    public bool Html => OutPath?.EndsWith(".html", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>The rendered report, to whom it was sent, and why not when sending failed.</summary>
public sealed record ReportOutcome(RenderedReport? Rendered, IReadOnlyList<string> SentTo, Failure? Failure);

public sealed partial class BridgeRuntime
{
    /// <summary>
    /// A dry run of the standby's next sync, with what Blech reverted, rows skipped, zones whose serials differ and the runs
    /// since the last report; written or mailed as asked, and recorded as the report's own run on the standby.
    /// </summary>
    public async Task<ReportOutcome> ReportAsync(ReportJob job, CancellationToken ct)
    {
        Side local, peer;
        try
        {
            local = Local;
            peer = Peer;
            if (job.Email && (string.IsNullOrWhiteSpace(Config.Mail.From) || Config.Mail.To.Count == 0))
            {
                throw new ConfigException("config: mail.from and mail.to are needed for --email");
            }
        }
        catch (ConfigException e)
        {
            return new ReportOutcome(null, [], ConfigFailure(e));
        }

        var started = DateTime.UtcNow;
        var (report, standby) = await BuildReportAsync(local, peer, ct);
        var rendered = ReportRenderer.Render(report);
        if (job.OutPath is not null)
        {
            await File.WriteAllTextAsync(job.OutPath, job.Html ? rendered.Html : rendered.Text, ct);
        }

        Failure? failure = null;
        if (job.Email)
        {
            try
            {
                await new ReportMailer(Smtp(Config.Mail), Log("mail")).SendAsync(rendered, ct);
            }
            catch (ReportSendException e)
            {
                failure = new Failure(FailureReason.Mail, Secrets.Redact(e.Message));
            }
        }

        // The report's own run, in the standby's log. Only a report that was sent moves the "since the last report" mark (the
        // outcome "ok"): a preview, printed or written to a file, must not empty the next mailed one.
        var recorded = !job.Email ? "preview" : failure is null ? "ok" : "failed";
        await StateStore.TryRecordRunAsync(standby, new RunRecord("report", job.RequestedBy, started, DateTime.UtcNow, recorded,
            failure?.ExitCode ?? ExitCodes.Success, rendered.Subject, failure?.Message), ct);
        return new ReportOutcome(rendered, job.Email && failure is null ? Config.Mail.To : [], failure);
    }

    private static SmtpOptions Smtp(MailConfig mail) => new()
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

    private async Task<(DailyReport Report, Side Standby)> BuildReportAsync(Side local, Side peer, CancellationToken ct)
    {
        // The report is about the standby, whichever machine runs it.
        var localIsActive = false;
        try
        {
            await using var connection = local.Dialect.CreateConnection(local.ConnectionString);
            await connection.OpenAsync(ct);
            localIsActive = (await RoleStore.ReadRoleAsync(connection, null, ct)).IsActive;
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            Log("report").LogWarning("Cannot read this machine's role ({Reason}); reporting it as the standby", Secrets.Redact(e.Message));
        }

        var machines = Machines.Of(local, peer, localIsActive);
        var (from, to) = (machines.Active, machines.Standby);
        var retry = Config.BuildRetry() with { MaxRetryAttempts = Math.Min(Config.Retry.MaxAttempts, 2) };
        var outcome = await new SyncRunner(from, to, retry, Secrets, Log("report")).RunAsync(
            new SyncRequest(Config.BuildAddressPolicy(), Config.MaxDeleteShare, DryRun: true, Command: "report") { Full = true }, ct);
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
                since = await StateStore.LastReportAsync(connection, ct);
                var after = since ?? DateTime.UtcNow.AddDays(-1);
                runs = (await StateStore.RunsSinceAsync(connection, after, ct))
                    .Select(r => new RunEntry(r.StartedAt, r.FinishedAt, r.Command, r.RequestedBy, r.Outcome, r.Summary, r.Error)).ToList();
                reverts = (await StateStore.RevertsSinceAsync(connection, after, ct))
                    .Select(r => new RevertEntry(r.At, r.Kind, r.ObjectKey, r.Field, r.FromValue, r.ToValue)).ToList();
            }
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            Log("report").LogWarning("Cannot read Bridge's run log on the standby: {Reason}", Secrets.Redact(e.Message));
        }

        var serials = new List<SerialDifference>();
        try
        {
            var status = await new Roles(to, from, Log("report")).StatusAsync(ct);
            serials = status.Serials.Select(s => new SerialDifference(s.Zone, s.Peer, s.Local)).ToList();
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            Log("report").LogWarning("Cannot compare zone serials: {Reason}", Secrets.Redact(e.Message));
        }

        var pending = sync?.Plan.Steps.Select(s => new PendingChange(s.Kind.Name(), SyncReport.ActionName(s.Action), s.Key,
            s.Changes.Select(c => new FieldDifference(c.Name, c.From, c.To, c.Secret)).ToList())).ToList() ?? [];
        var skipped = sync?.Plan.Skipped.Select(s => new SkippedEntry(s.Kind.Name(), s.Key, s.Reason)).ToList() ?? [];
        var error = outcome.Failure is { Reason: not FailureReason.GuardRefused } f ? PlainError(f, names.Active) : null;
        var report = new DailyReport(names.Standby, names.Active, DateTime.UtcNow, since, pending, reverts, skipped, serials, runs, error);

        // Readiness is what this machine would serve: asked only where it is the standby.
        if (!localIsActive)
        {
            // The report's own dry run is the same full compare, active to this standby: readiness reuses it.
            var ready = await ReadyAsync(outcome, ct);
            report = ready.Report is { } r
                ? report with { ReadyVerdict = r.Verdict, Ready = r.Ready, ReadyProblems = [.. r.Problems.Select(p => p.Reason)] }
                : report with { ReadyVerdict = $"{names.Standby}: readiness unknown: {ready.Failure?.Message}", Ready = false };
        }

        return (report, to);
    }

    // The active machine's database failing is put in words; anything else is shown as it is.
    private static string PlainError(Failure failure, string active) =>
        failure.Side == "peer" && failure.Message.StartsWith("peer database:", StringComparison.Ordinal)
            ? $"cannot reach {active}'s database ({failure.Message["peer database:".Length..].Trim()})"
            : failure.Message;
}
