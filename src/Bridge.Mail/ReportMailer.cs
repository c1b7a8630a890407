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

    private readonly SmtpOptions _options;
    private readonly ILogger _logger;
    private readonly SecureSocketOptions _socketOptions;
    private readonly MailboxAddress _from;
    private readonly IReadOnlyList<MailboxAddress> _to;

    /// <summary>Checks the _options at once, so a bad configuration fails before the report is built.</summary>
    public ReportMailer(SmtpOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        if (string.IsNullOrWhiteSpace(_options.Host))
        {
            throw new ArgumentException("SMTP host is empty.", nameof(options));
        }
        if (_options.Port is < 1 or > 65535)
        {
            throw new ArgumentException($"SMTP port {_options.Port} is out of range 1-65535.", nameof(options));
        }
        _socketOptions = _options.Tls.ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "starttls-when-available" => SecureSocketOptions.StartTlsWhenAvailable,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => throw new ArgumentException($"SMTP TLS mode '{_options.Tls}' is not one of {string.Join(", ", TlsModes)}.", nameof(options)),
        };
        _from = ParseAddress(_options.From, "sender");
        if (_options.To is null || _options.To.Count == 0)
        {
            throw new ArgumentException("SMTP recipients are empty: give at least one address.", nameof(options));
        }
        _to = [.. _options.To.Select(a => ParseAddress(a, "recipient"))];
        if (_options.MaxAttempts < 1)
        {
            throw new ArgumentException($"SMTP MaxAttempts is {_options.MaxAttempts}: it must be at least 1.", nameof(options));
        }
        if (_options.BaseDelay < TimeSpan.Zero || _options.BaseDelay > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"SMTP BaseDelay {_options.BaseDelay} is out of range 0 to 1 hour.", nameof(options));
        }
        if (_options.Timeout <= TimeSpan.Zero || _options.Timeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"SMTP Timeout {_options.Timeout} is out of range: more than 0, at most 1 hour.", nameof(options));
        }
    }

    /// <summary>One multipart/alternative message: text/plain first, then text/html (clients show the last part they can), both UTF-8.</summary>
    public MimeMessage BuildMessage(RenderedReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var message = new MimeMessage();
        message.From.Add(_from);
        message.To.AddRange(_to);
        message.Subject = report.Subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeUtils.GenerateMessageId(_from.Domain is { Length: > 0 } domain ? domain : "localhost");
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
                LogAttempt(_logger, _options.Host, _options.Port, attempt, _options.MaxAttempts);
                await SendOnceAsync(message, token);
            }, ct);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            throw new ReportSendException(_options.Host, _options.Port, attempts, Reason(e), e);
        }
        LogSent(_logger, _to.Count, _options.Host, _options.Port, attempts);
    }

    private ResiliencePipeline BuildPipeline(CancellationToken ct)
    {
        var builder = new ResiliencePipelineBuilder();
        if (_options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && !ct.IsCancellationRequested && IsTransient(e)),
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.BaseDelay,
                OnRetry = args =>
                {
                    LogRetry(_logger, _options.Host, _options.Port, args.AttemptNumber + 1, _options.MaxAttempts, Reason(args.Outcome.Exception!), args.RetryDelay);
                    return default;
                },
            });
        }
        return builder.Build();
    }

    private async Task SendOnceAsync(MimeMessage message, CancellationToken token)
    {
        using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(token);
        attemptCts.CancelAfter(_options.Timeout);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, _socketOptions, attemptCts.Token);
            if (!string.IsNullOrEmpty(_options.User))
            {
                await client.AuthenticateAsync(_options.User, _options.Password ?? string.Empty, attemptCts.Token);
            }
            await client.SendAsync(message, attemptCts.Token);
            await client.DisconnectAsync(true, attemptCts.Token);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {_options.Timeout.TotalSeconds:0.###} s");
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
        if (!string.IsNullOrEmpty(_options.Password))
        {
            secrets.Add(_options.Password);
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
