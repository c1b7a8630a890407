using System.Net.Sockets;
using System.Text;
using Bridge.Core;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Text;
using MimeKit.Utils;
using Polly;
using Polly.Retry;

namespace Bridge.Mail;

/// <summary>Sends a rendered report as one multipart/alternative mail, retrying transient failures.</summary>
public sealed partial class ReportMailer
{
    private static readonly string[] TlsModes = ["none", "starttls", "starttls-when-available", "tls"];

    private readonly SmtpOptions options;
    private readonly ILogger logger;
    private readonly SecureSocketOptions socketOptions;
    private readonly MailboxAddress from;
    private readonly IReadOnlyList<MailboxAddress> to;

    /// <summary>Checks the options at once, so a bad configuration fails before the report is built.</summary>
    public ReportMailer(SmtpOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            throw new ArgumentException("SMTP host is empty.", nameof(options));
        }
        if (options.Port is < 1 or > 65535)
        {
            throw new ArgumentException($"SMTP port {options.Port} is out of range 1-65535.", nameof(options));
        }
        socketOptions = options.Tls.ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "starttls-when-available" => SecureSocketOptions.StartTlsWhenAvailable,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => throw new ArgumentException($"SMTP TLS mode '{options.Tls}' is not one of {string.Join(", ", TlsModes)}.", nameof(options)),
        };
        from = ParseAddress(options.From, "sender");
        if (options.To is null || options.To.Count == 0)
        {
            throw new ArgumentException("SMTP recipients are empty: give at least one address.", nameof(options));
        }
        to = [.. options.To.Select(a => ParseAddress(a, "recipient"))];
        if (options.MaxAttempts < 1)
        {
            throw new ArgumentException($"SMTP MaxAttempts is {options.MaxAttempts}: it must be at least 1.", nameof(options));
        }
        if (options.BaseDelay < TimeSpan.Zero || options.BaseDelay > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"SMTP BaseDelay {options.BaseDelay} is out of range 0 to 1 hour.", nameof(options));
        }
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"SMTP Timeout {options.Timeout} is out of range: more than 0, at most 1 hour.", nameof(options));
        }
    }

    /// <summary>One multipart/alternative message: text/plain first, then text/html (clients show the last part they can), both UTF-8.</summary>
    public MimeMessage BuildMessage(RenderedReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.AddRange(to);
        message.Subject = report.Subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeUtils.GenerateMessageId(from.Domain is { Length: > 0 } domain ? domain : "localhost");
        // RFC 3834: automatic mail, so vacation responders stay quiet.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        message.Body = new MultipartAlternative { Part(TextFormat.Plain, report.Text), Part(TextFormat.Html, report.Html) };
        return message;
    }

    /// <summary>Sends the report; throws <see cref="ReportSendException"/> once the attempts are used up or on a permanent failure.</summary>
    public async Task SendAsync(RenderedReport report, CancellationToken ct = default)
    {
        var message = BuildMessage(report);
        var attempts = 0;
        var pipeline = BuildPipeline(ct);
        try
        {
            await pipeline.ExecuteAsync(async token =>
            {
                var attempt = ++attempts;
                LogAttempt(logger, options.Host, options.Port, attempt, options.MaxAttempts);
                await SendOnceAsync(message, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            throw new ReportSendException(options.Host, options.Port, attempts, Reason(e), e);
        }
        LogSent(logger, to.Count, options.Host, options.Port, attempts);
    }

    private ResiliencePipeline BuildPipeline(CancellationToken ct)
    {
        var builder = new ResiliencePipelineBuilder();
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && !ct.IsCancellationRequested && IsTransient(e)),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                OnRetry = args =>
                {
                    LogRetry(logger, options.Host, options.Port, args.AttemptNumber + 1, options.MaxAttempts, Reason(args.Outcome.Exception!), args.RetryDelay);
                    return default;
                },
            });
        }
        return builder.Build();
    }

    private async Task SendOnceAsync(MimeMessage message, CancellationToken token)
    {
        using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(token);
        attemptCts.CancelAfter(options.Timeout);
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.Host, options.Port, socketOptions, attemptCts.Token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(options.User))
            {
                await client.AuthenticateAsync(options.User, options.Password ?? string.Empty, attemptCts.Token).ConfigureAwait(false);
            }
            await client.SendAsync(message, attemptCts.Token).ConfigureAwait(false);
            await client.DisconnectAsync(true, attemptCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {options.Timeout.TotalSeconds:0.###} s");
        }
    }

    /// <summary>Worth another try: the server may be back, or less busy, in a moment. Refusals (5xx, bad credentials, bad certificate) are not.</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        SmtpCommandException c => (int)c.StatusCode is >= 400 and < 500,
        AuthenticationException or SslHandshakeException or ServiceNotAuthenticatedException => false,
        SmtpProtocolException or ServiceNotConnectedException => true,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    private string Reason(Exception e)
    {
        var reason = e switch
        {
            SmtpCommandException c => $"the server answered {(int)c.StatusCode}: {c.Message}",
            SocketException s => $"{s.Message} ({s.SocketErrorCode})",
            _ => e.Message,
        };
        // Never echo the password, even if a server or library quoted it back.
        var secrets = new Secrets();
        if (!string.IsNullOrEmpty(options.Password))
        {
            secrets.Add(options.Password);
        }

        return secrets.Redact(reason.ReplaceLineEndings(" ").Trim());
    }

    private static TextPart Part(TextFormat format, string text)
    {
        // Quoted-printable keeps every line short for SMTP whatever the renderer wrote.
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, text);
        return part;
    }

    private static MailboxAddress ParseAddress(string? address, string role)
    {
        if (string.IsNullOrWhiteSpace(address) || !MailboxAddress.TryParse(address, out var parsed) || string.IsNullOrEmpty(parsed.Address) || !parsed.Address.Contains('@'))
        {
            throw new ArgumentException($"SMTP {role} '{address}' is not a mail address.", nameof(address));
        }
        return parsed;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sending the report to {Host}:{Port}, attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogAttempt(ILogger logger, string host, int port, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending the report to {Host}:{Port} failed (attempt {Attempt} of {MaxAttempts}): {Reason}; retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string host, int port, int attempt, int maxAttempts, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report sent to {Recipients} recipient(s) via {Host}:{Port} after {Attempts} attempt(s)")]
    private static partial void LogSent(ILogger logger, int recipients, string host, int port, int attempts);
}
