using Bridge.Emulator;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;
using SmtpServer.Protocol;

namespace Bridge.Mail.Tests;

public sealed class ReportMailerTests
{
    private const string Password = "hunter2-SECRETPASSWORD";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static SmtpOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Tls = "none",
        From = "Bridge on dale <bridge@dale.example.com>",
        To = ["admin@example.com", "Ops <ops@example.net>"],
        MaxAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        Timeout = TimeSpan.FromSeconds(5),
    };

    [Test]
    public async Task SendsOneMultipartAlternativeMessageThatArrivesIntact()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var rendered = ReportRenderer.Render(Samples.Mixed());

        await new ReportMailer(Options(smtp.Port)).SendAsync(rendered);

        var (recipients, raw) = await smtp.ReceiveAsync(Wait);
        Assert.That(recipients, Is.EquivalentTo(new[] { "admin@example.com", "ops@example.net" }));
        var rawText = Encoding.UTF8.GetString(raw);
        foreach (var secret in Samples.Secrets)
        {
            Assert.That(rawText, Does.Not.Contain(secret), "raw message");
        }

        using var stream = new MemoryStream(raw);
        var message = await MimeMessage.LoadAsync(stream);
        Assert.That(message.Subject, Is.EqualTo("[bridge] dale: 7 changes pending, 1 failed run"));
        Assert.That(message.From.Mailboxes.Single().Address, Is.EqualTo("bridge@dale.example.com"));
        Assert.That(message.To.Mailboxes.Select(m => m.Address), Is.EqualTo(new[] { "admin@example.com", "ops@example.net" }));
        Assert.That(message.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(message.MessageId, Does.EndWith("@dale.example.com"));

        if (message.Body is not MultipartAlternative alternative)
        {
            Assert.Fail($"body is {message.Body?.ContentType.MimeType}, not multipart/alternative");
            return;
        }
        Assert.That(alternative.Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        var text = (TextPart)alternative[0];
        var html = (TextPart)alternative[1];
        Assert.That(text.ContentType.Charset, Is.EqualTo("utf-8"));
        Assert.That(html.ContentType.Charset, Is.EqualTo("utf-8"));

        Assert.That(text.Text, Is.EqualTo(rendered.Text), "the text part survives the trip unchanged");
        Assert.That(html.Text, Is.EqualTo(rendered.Html), "the HTML part survives the trip unchanged");
        Assert.That(text.Text, Does.StartWith("dale: 7 changes pending, 1 failed run."));
        Assert.That(HtmlText.BodyText(html.Text), Does.StartWith("dale: 7 changes pending, 1 failed run."));
        Assert.That(text.Text.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)), Has.Some.EqualTo(new[] { "total", "2", "4", "1", "7" }));
        Assert.That(HtmlText.Rows(html.Text), Has.Some.EqualTo(new[] { "Total", "2", "4", "1", "7" }));
        Assert.That(text.Text, Does.Contain("… and").Or.Contain("password changed"), "non-ASCII and secret markers decode");
        foreach (var secret in Samples.Secrets)
        {
            Assert.That(text.Text, Does.Not.Contain(secret));
            Assert.That(html.Text, Does.Not.Contain(secret));
        }
    }

    [Test]
    public async Task NonAsciiSurvivesTheTrip()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var rendered = ReportRenderer.Render(Samples.WithCounts(250, 0) with { Standby = "dalé" });

        await new ReportMailer(Options(smtp.Port)).SendAsync(rendered);

        var (_, raw) = await smtp.ReceiveAsync(Wait);
        using var stream = new MemoryStream(raw);
        var message = await MimeMessage.LoadAsync(stream);
        Assert.That(message.Subject, Is.EqualTo("[bridge] dalé: 250 changes pending"));
        Assert.That(message.TextBody, Does.Contain("… and 50 more site changes"));
        Assert.That(raw.All(b => b < 128), Is.True, "the message on the wire is 7-bit clean");
        Assert.That(Encoding.ASCII.GetString(raw).Split("\r\n").Max(l => l.Length), Is.LessThanOrEqualTo(998), "no line over SMTP's limit");
    }

    [Test]
    public async Task AuthenticatesWithUserAndPassword()
    {
        await using var smtp = await TestSmtpServer.StartAsync(credentials: ("bridge", Password));
        var options = Options(smtp.Port) with { User = "bridge", Password = Password };

        await new ReportMailer(options).SendAsync(ReportRenderer.Render(Samples.InSync()));

        var (_, raw) = await smtp.ReceiveAsync(Wait);
        Assert.That(smtp.Users, Is.EqualTo(new[] { "bridge" }));
        Assert.That(Encoding.UTF8.GetString(raw), Does.Contain("Subject: [bridge] dale is in sync with chip"));
    }

    [Test]
    public async Task WithoutCredentialsAServerThatRequiresThemRefuses()
    {
        await using var smtp = await TestSmtpServer.StartAsync(credentials: ("bridge", Password));

        var e = await Assert.ThrowsAsync<ReportSendException>(() => new ReportMailer(Options(smtp.Port)).SendAsync(ReportRenderer.Render(Samples.InSync())));

        Assert.That(e!.Attempts, Is.EqualTo(1), "a 5xx refusal is not retried");
        Assert.That(smtp.DataAttempts, Is.Zero);
    }

    [Test]
    public async Task AWrongPasswordFailsAtOnceWithoutNamingIt()
    {
        await using var smtp = await TestSmtpServer.StartAsync(credentials: ("bridge", "the-right-one"));
        var logger = new CountingLogger();
        var options = Options(smtp.Port) with { User = "bridge", Password = Password };

        var e = await Assert.ThrowsAsync<ReportSendException>(() => new ReportMailer(options, logger).SendAsync(ReportRenderer.Render(Samples.InSync())));

        Assert.That(e!.Attempts, Is.EqualTo(1), "bad credentials are not retried");
        Assert.That(e.Message, Does.StartWith($"Sending the report to 127.0.0.1:{smtp.Port} failed after 1 attempt: "));
        Assert.That(e.ToString(), Does.Not.Contain(Password));
        Assert.That(logger.Entries.Select(x => x.Message), Has.None.Contain(Password));
        Assert.That(logger.Count(", attempt "), Is.EqualTo(1));
        Assert.That(smtp.Users, Is.Not.Empty.And.All.EqualTo("bridge"), "MailKit may try more than one SASL mechanism in its one attempt");
        Assert.That(smtp.DataAttempts, Is.Zero);
    }

    [Test]
    public async Task AClosedPortIsRetriedMaxAttemptsTimesThenThrows()
    {
        var port = TestSmtpServer.FreePort();
        var logger = new CountingLogger();
        var options = Options(port) with { User = "bridge", Password = Password, MaxAttempts = 4 };
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ReportSendException>(() => new ReportMailer(options, logger).SendAsync(ReportRenderer.Render(Samples.Mixed())));

        Assert.That(logger.Count("Sending the report to 127.0.0.1:" + port + ", attempt "), Is.EqualTo(4), "attempts seen in the log");
        Assert.That(logger.Count("retrying in"), Is.EqualTo(3));
        Assert.That(e!.Attempts, Is.EqualTo(4));
        Assert.That(e.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(e.Port, Is.EqualTo(port));
        Assert.That(e.Message, Does.StartWith($"Sending the report to 127.0.0.1:{port} failed after 4 attempts: "));
        Assert.That(e.Message, Does.Contain("refused").IgnoreCase);
        Assert.That(e.ToString(), Does.Not.Contain(Password));
        Assert.That(logger.Entries.Select(x => x.Message), Has.None.Contain(Password));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task ATemporaryRefusalIsRetriedAndThenDelivered()
    {
        await using var smtp = await TestSmtpServer.StartAsync(reply: call => call == 1
            ? new SmtpResponse((SmtpReplyCode)451, "4.3.0 try again later")
            : SmtpResponse.Ok);
        var logger = new CountingLogger();

        await new ReportMailer(Options(smtp.Port), logger).SendAsync(ReportRenderer.Render(Samples.InSync()));

        var (_, raw) = await smtp.ReceiveAsync(Wait);
        Assert.That(raw, Is.Not.Empty);
        Assert.That(smtp.DataAttempts, Is.EqualTo(2));
        Assert.That(logger.Count(", attempt "), Is.EqualTo(2));
        Assert.That(logger.Entries.Single(x => x.Message.Contains("retrying", StringComparison.Ordinal)).Message, Does.Contain("451"));
    }

    [Test]
    public async Task APermanentRefusalIsNotRetried()
    {
        await using var smtp = await TestSmtpServer.StartAsync(reply: _ => new SmtpResponse((SmtpReplyCode)554, "5.7.1 rejected as spam"));

        var e = await Assert.ThrowsAsync<ReportSendException>(() => new ReportMailer(Options(smtp.Port)).SendAsync(ReportRenderer.Render(Samples.InSync())));

        Assert.That(smtp.DataAttempts, Is.EqualTo(1));
        Assert.That(e!.Attempts, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("554"));
    }

    [Test]
    public async Task AServerThatNeverAnswersTimesOutAndIsRetried()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = 0;
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var acceptor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                held.Add(await silent.AcceptTcpClientAsync(stop.Token));
                Interlocked.Increment(ref accepted);
            }
        });
        var options = Options(port) with { MaxAttempts = 2, Timeout = TimeSpan.FromMilliseconds(400) };

        var e = await Assert.ThrowsAsync<ReportSendException>(() => new ReportMailer(options).SendAsync(ReportRenderer.Render(Samples.InSync())));

        await stop.CancelAsync();
        await Task.WhenAny(acceptor, Task.Delay(1000));
        held.ForEach(c => c.Dispose());
        Assert.That(Volatile.Read(ref accepted), Is.EqualTo(2), "connections the silent server accepted");
        Assert.That(e!.Attempts, Is.EqualTo(2));
        Assert.That(e.Message, Does.Contain($"127.0.0.1:{port}"));
    }

    [Test]
    public async Task StartTlsRequiredButNotOfferedFailsAtOnce()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var options = Options(smtp.Port) with { Tls = "starttls" };

        var e = await Assert.ThrowsAsync<ReportSendException>(() => new ReportMailer(options).SendAsync(ReportRenderer.Render(Samples.InSync())));

        Assert.That(e!.Attempts, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("STARTTLS"));
        Assert.That(smtp.DataAttempts, Is.Zero);
    }

    [Test]
    public async Task StartTlsWhenAvailableSendsInTheClearToAServerWithoutIt()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var options = Options(smtp.Port) with { Tls = "starttls-when-available" };

        await new ReportMailer(options).SendAsync(ReportRenderer.Render(Samples.InSync()));

        var (_, raw) = await smtp.ReceiveAsync(Wait);
        Assert.That(raw, Is.Not.Empty);
    }

    [Test]
    public void CancellationStopsTheRetriesAndIsNotAFailedSend()
    {
        var options = Options(TestSmtpServer.FreePort()) with { BaseDelay = TimeSpan.FromSeconds(30), MaxAttempts = 5 };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        Assert.That(async () => await new ReportMailer(options).SendAsync(ReportRenderer.Render(Samples.InSync()), cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void BuildMessageIsMultipartAlternativeTextThenHtml()
    {
        var rendered = new RenderedReport("[bridge] s", "plain body", "<!DOCTYPE html><html><body>html body</body></html>");

        var message = new ReportMailer(Options(25)).BuildMessage(rendered);

        Assert.That(message.Body?.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
        Assert.That(message.TextBody, Is.EqualTo("plain body"));
        Assert.That(message.HtmlBody, Is.EqualTo(rendered.Html));
        Assert.That(message.Subject, Is.EqualTo("[bridge] s"));
        Assert.That(message.To.Count, Is.EqualTo(2));
    }

    [TestCase("Tls", "ssl3", "not one of none, starttls, starttls-when-available, tls")]
    [TestCase("From", "not an address", "sender")]
    [TestCase("To", "", "recipients are empty")]
    [TestCase("To", "nobody", "recipient")]
    [TestCase("MaxAttempts", "0", "MaxAttempts")]
    [TestCase("Port", "0", "port 0")]
    public void BadOptionsFailClearlyAtConstruction(string option, string value, string expected)
    {
        var options = option switch
        {
            "Tls" => Options(25) with { Tls = value },
            "From" => Options(25) with { From = value },
            "To" => Options(25) with { To = value.Length == 0 ? [] : [value] },
            "MaxAttempts" => Options(25) with { MaxAttempts = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            _ => Options(25) with { Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        };

        Assert.That(() => new ReportMailer(options), Throws.ArgumentException.With.Message.Contain(expected));
    }

    [Test]
    public void OptionsHaveTheDocumentedDefaultsAndHideThePassword()
    {
        var options = new SmtpOptions { From = "a@example.com", To = ["b@example.com"], User = "u", Password = Password };

        Assert.That((options.Host, options.Port, options.Tls, options.MaxAttempts, options.BaseDelay, options.Timeout),
            Is.EqualTo(("localhost", 25, "starttls-when-available", 3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60))));
        Assert.That(options.ToString(), Does.Not.Contain(Password));
        Assert.That(options.ToString(), Does.Contain("Password = ***"));
    }
}
