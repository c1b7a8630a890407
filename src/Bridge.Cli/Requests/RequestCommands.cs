using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Bridge.Core;
using Bridge.Runtime;
using Bridge.Runtime.Requests;

namespace Bridge.Cli.Requests;

/// <summary>
/// K's Resync button on the command line: the Blech hook (unprivileged) asks through <see cref="ResyncClient"/> and prints the
/// answer in plain words; the privileged service is <see cref="RequestServer"/>; the last resync is read from the spool.
/// </summary>
[SupportedOSPlatform("linux")]
public static class RequestCommands
{
    private const string ShowLast = "Click \"Show last resync\" in a few minutes to see how it ended; the result will also be in the daily report.";

    /// <summary><c>blech-bridge resync-request</c>: record a request for <paramref name="admin"/>, wait for the result, print it in plain words.</summary>
    public static async Task<int> RequestAsync(string spool, string admin, double waitSeconds, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        // Blech stops a hook with SIGTERM after 300 s: answer "still running" rather than nothing.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        var wait = TimeSpan.FromSeconds(double.IsFinite(waitSeconds) && waitSeconds > 0 ? waitSeconds : 0);
        var answer = await ResyncClient.AskAsync(spool, admin, wait, stop.Token);
        if (answer.Detail is { } detail)
        {
            await stderr.WriteLineAsync($"blech-bridge resync-request: {detail}");
        }

        if (answer is { State: RequestState.Answered, Result: { } result })
        {
            return await AnswerAsync(result, stdout);
        }

        var (text, exit) = answer.State switch
        {
            RequestState.InvalidAdmin => ("Resync not started: the admin login that Blech passed is empty, too long or has characters other than "
                + "letters, digits and . _ @ -, so the click was refused. Nothing was changed.", ExitCodes.Failure),
            RequestState.NotSetUp => ("Resync not started: the Bridge service is not set up on this machine. Nothing was changed.\n"
                + "An administrator must run the Bridge plugin's installer (/usr/lib/blech-bridge/blech-plugin/install.sh from the package, scripts/blech-plugin/install.sh from the sources).", ExitCodes.Failure),
            RequestState.NotSubmitted => ("Resync not started: the request could not be handed to the Bridge service (no permission to write it). "
                + "Nothing was changed.\nAn administrator must check the Bridge plugin's installation (/usr/lib/blech-bridge/blech-plugin/install.sh from the package, scripts/blech-plugin/install.sh from the sources).", ExitCodes.Failure),
            RequestState.NotTaken => ("Resync not started: the Bridge service on this machine is not running, so nobody took the request. "
                + "Nothing was changed.\nAn administrator must start it (systemctl start blech-bridge-requests).", ExitCodes.Failure),
            RequestState.ServiceStopped => ("The Bridge service stopped answering while it worked on the resync, so it is not known whether it finished.\n"
                + "An administrator must check it (systemctl status blech-bridge-requests). " + ShowLast, ExitCodes.Failure),
            _ => ((answer.Running is { } running
                ? $"The resync asked by {running.StartedBy} at {Clock(running.RequestedAt)}"
                : $"Your resync request ({Clock(answer.AskedAt)})") + $" is not finished yet and continues in the background.\n{ShowLast}", ExitCodes.Success),
        };
        await stdout.WriteLineAsync(text);
        return exit;
    }

    /// <summary><c>blech-bridge serve-requests</c>: take pending requests and run one resync for them; loop unless <paramref name="once"/>.</summary>
    public static async Task<int> ServeAsync(string configPath, string spool, bool once, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        // A wrong configuration does not stop the service: every click then hears that the settings are wrong.
        if (!BridgeRuntime.TryLoad(configPath, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, out _, out var invalid))
        {
            await stderr.WriteLineAsync($"serve-requests: warning: {invalid.Message}; every resync will fail until it is corrected");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        return await new RequestServer(configPath, new Spool(spool), stderr).ServeAsync(once, stop.Token);
    }

    /// <summary><c>blech-bridge last-resync</c>: print the result of the last resync in plain words.</summary>
    public static async Task<int> LastAsync(string spool, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var s = new Spool(spool);
        if (!Directory.Exists(s.Results))
        {
            await stderr.WriteLineAsync($"blech-bridge last-resync: {s.Results} does not exist or cannot be entered");
            await stdout.WriteLineAsync("The Bridge service is not set up on this machine, so there is no resync to show.\n"
                + "An administrator must run the Bridge plugin's installer (/usr/lib/blech-bridge/blech-plugin/install.sh from the package, scripts/blech-plugin/install.sh from the sources).");
            return ExitCodes.Failure;
        }

        var now = DateTime.UtcNow;
        var sb = new StringBuilder();
        if (s.ReadRunning(now) is { } running)
        {
            sb.Append("A resync asked by ").Append(Who(running.Admins, running.StartedBy)).Append(" at ").Append(Clock(running.RequestedAt))
                .Append(" is running now (for ").Append(((int)(now - running.StartedAt).TotalSeconds).ToString(CultureInfo.InvariantCulture)).Append(" s so far).\n");
        }

        if (s.ReadLast() is { } last)
        {
            sb.Append("Last resync: asked by ").Append(Who(last.Admins, last.StartedBy)).Append(" on ").Append(Day(last.RequestedAt))
                .Append(" at ").Append(Clock(last.RequestedAt));
            if (last.FinishedAt is { } finished)
            {
                sb.Append(", ended at ").Append(Clock(finished));
            }

            sb.Append(".\n").Append(last.Text).Append('\n');
        }
        else if (sb.Length == 0)
        {
            sb.Append("No resync has been asked for from Blech on this machine yet.\n");
        }

        await stdout.WriteAsync(sb.ToString());
        return ExitCodes.Success;
    }

    private static async Task<int> AnswerAsync(RequestResult result, TextWriter stdout)
    {
        var run = result.Run;
        if (result.Joined is { } joined)
        {
            var at = Clock(run.RequestedAt);
            var self = run.StartedBy == result.Admin;
            await stdout.WriteLineAsync(joined == RequestResult.JoinedRunning
                ? self
                    ? $"Your earlier click at {at} had already started a resync; this click joined it."
                    : $"A resync asked by {run.StartedBy} at {at} was already running; your click joined it."
                : self
                    ? $"You clicked more than once at {at}; the clicks joined one resync."
                    : $"{run.StartedBy} asked for a resync at the same moment ({at}); your click joined it.");
        }

        await stdout.WriteLineAsync(run.Text ?? "The resync ended without a result; an administrator must check the Bridge service log.");
        return run.ExitCode == ExitCodes.Success ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string Who(IReadOnlyList<string> admins, string first) => admins.Count switch
    {
        0 => first,
        1 => admins[0],
        _ => string.Join(", ", admins.Take(admins.Count - 1)) + " and " + admins[^1],
    };

    private static string Clock(DateTime utc) => Local(utc).ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Day(DateTime utc) => Local(utc).ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZoneInfo.Local);
}
