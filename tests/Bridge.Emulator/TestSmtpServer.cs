using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Bridge.Emulator;

/// <summary>A real SMTP _server (the SmtpServer package) on 127.0.0.1 and a free port, keeping every message it accepts.</summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly Store _store;

    private TestSmtpServer(int port, (string User, string Password)? credentials, Func<int, SmtpResponse>? reply)
    {
        Port = port;
        _store = new Store(reply);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b
                .Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                .AllowUnsecureAuthentication(credentials is not null)
                .AuthenticationRequired(credentials is not null))
            .Build();
        var services = new ServiceProvider();
        services.Add(_store);
        if (credentials is { } c)
        {
            services.Add(new DelegatingUserAuthenticator((user, password) =>
            {
                Users.Enqueue(user);
                return user == c.User && password == c.Password;
            }));
        }
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>User names that tried to log in, right or wrong.</summary>
    public ConcurrentQueue<string> Users { get; } = new();

    /// <summary>How many times a message was handed over (DATA), accepted or not.</summary>
    public int DataAttempts => _store.Calls;

    public static async Task<TestSmtpServer> StartAsync((string User, string Password)? credentials = null, Func<int, SmtpResponse>? reply = null)
    {
        var smtp = new TestSmtpServer(FreePort(), credentials, reply);
        await smtp.WaitListeningAsync();
        return smtp;
    }

    /// <summary>A port nothing listens on (taken from the OS, then released).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>The next accepted message: its envelope recipients and raw bytes.</summary>
    public async Task<(IReadOnlyList<string> Recipients, byte[] Raw)> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _store.Messages.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task WaitListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_running.IsCompleted)
            {
                await Task.Delay(20);
            }
        }
    }

    private sealed class Store(Func<int, SmtpResponse>? reply) : MessageStore
    {
        private int _calls;

        public System.Threading.Channels.Channel<(IReadOnlyList<string>, byte[])> Messages { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(IReadOnlyList<string>, byte[])>();

        public int Calls => Volatile.Read(ref _calls);

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            var call = Interlocked.Increment(ref _calls);
            var response = reply?.Invoke(call) ?? SmtpResponse.Ok;
            if (response.ReplyCode == SmtpReplyCode.Ok)
            {
                var recipients = transaction.To.Select(m => $"{m.User}@{m.Host}").ToList();
                await Messages.Writer.WriteAsync((recipients, buffer.ToArray()), ct);
            }
            return response;
        }
    }
}
