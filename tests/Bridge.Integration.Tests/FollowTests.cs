using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bridge.Cli;
using Bridge.Core;
using Bridge.Emulator;

namespace Bridge.Integration.Tests;

/// <summary>
/// <c>follow</c> as systemd runs it: the built command in its own process, chip's database behind a TCP relay the test can
/// cut and restore (a database restart as Bridge sees it), SIGTERM to stop.
/// </summary>
[TestFixture]
public sealed class FollowTests
{
    [Test]
    public async Task FollowPicksUpEditsWithinItsIntervalSurvivesTheDatabaseGoingAwayAndStopsOnSigterm()
    {
        var pair = await Pair.CreateAsync(() => TestServers.PgChip, () => TestServers.PgDale);
        await using var relay = await TcpRelay.StartAsync(int.Parse(Pair.PortOf(pair.ChipServer.ConnectionStringFor("blech"))["Port=".Length..]));
        Process? follow = null;
        try
        {
            await SampleData.FillAsync(pair.Chip, clients: 2, sitesPerClient: 2);
            await pair.PushAsync();
            var viaRelay = pair.ChipServer.ConnectionStringFor("blech").Replace(Pair.PortOf(pair.ChipServer.ConnectionStringFor("blech")), $"Port={relay.Port}");
            pair.WriteConfig(c => c["apache"] = new Dictionary<string, object?> { ["enabled"] = false }, peerConnectionString: viaRelay);
            Assert.That((await pair.BridgeAsync("sync")).ExitCode, Is.EqualTo(ExitCodes.Success));

            var cli = typeof(BridgeApp).Assembly.Location;
            follow = Process.Start(new ProcessStartInfo("dotnet", [cli, "follow", "--config", pair.ConfigPath, "--interval", "1"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stdout = follow.StandardOutput.ReadToEndAsync();
            var stderr = new System.Text.StringBuilder();
            follow.ErrorDataReceived += (_, e) =>
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            };
            follow.BeginErrorReadLine();
            string Errors()
            {
                lock (stderr)
                {
                    return stderr.ToString();
                }
            }

            // Measured from a follower that is up: its first round has run.
            for (var i = 0; i < 300 && !Errors().Contains("Following the active machine"); i++)
            {
                await Task.Delay(100);
            }

            await Task.Delay(1500);
            var site = SampleData.SiteDomain(1);
            await pair.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/followed' WHERE domain = '{site}'");
            var lag = await UntilAsync(() => DocumentRootAsync(pair.Dale, site), "/srv/followed", TimeSpan.FromSeconds(20));
            Assert.That(lag, Is.Not.Null, "the edit reached dale\n" + Errors());

            relay.Cut();
            await pair.Chip.ExecuteAsync($"UPDATE site SET document_root = '/srv/while-down' WHERE domain = '{site}'");
            for (var i = 0; i < 100 && !Errors().Contains("Sync failed"); i++)
            {
                await Task.Delay(100);
            }

            Assert.That(Errors(), Does.Contain("Sync failed").And.Contain("next attempt in"), "the database going away is noticed and waited out");
            Assert.That(follow.HasExited, Is.False, "follow keeps running while a database is down\n" + Errors());
            relay.Restore();
            Assert.That(await UntilAsync(() => DocumentRootAsync(pair.Dale, site), "/srv/while-down", TimeSpan.FromSeconds(40)), Is.Not.Null,
                "the edit made while chip's database was away reached dale once it was back\n" + Errors());

            var runs = await pair.Dale.ScalarAsync<long>("SELECT COUNT(*) FROM bridge.run WHERE requested_by = 'follow' AND outcome = 'ok'");
            Assert.That(runs, Is.InRange(1, 6), "runs that found nothing changed are not recorded");

            var clock = Stopwatch.StartNew();
            Assert.That(Native.Kill(follow.Id, 15), Is.EqualTo(0));
            Assert.That(follow.WaitForExit(TimeSpan.FromSeconds(15)), Is.True, "SIGTERM stops follow\n" + Errors());
            follow.WaitForExit(); // the asynchronous stderr reader has read everything only after this
            Assert.That(follow.ExitCode, Is.EqualTo(ExitCodes.Success), Errors());
            Assert.That(Errors(), Does.Contain("Stopped following"));
            Assert.That(await stdout, Does.Contain("~ site " + site + ": document_root"));
            TestContext.Out.WriteLine($"edit to dale: {lag!.Value.TotalSeconds:0.0} s with --interval 1; SIGTERM to exit {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            if (follow is { HasExited: false })
            {
                follow.Kill();
            }

            Directory.Delete(pair.Folder, recursive: true);
        }
    }

    private static async Task<string?> DocumentRootAsync(BlechInstance blech, string domain) =>
        await blech.ScalarAsync<string>($"SELECT document_root FROM site WHERE domain = '{domain}'");

    private static async Task<TimeSpan?> UntilAsync(Func<Task<string?>> read, string expected, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await read() == expected)
            {
                return clock.Elapsed;
            }

            await Task.Delay(100);
        }

        return null;
    }

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}

/// <summary>A TCP relay on 127.0.0.1 in front of a server port; <see cref="Cut"/> drops every connection and refuses new ones until <see cref="Restore"/>.</summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly int _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;

    private TcpRelay(int target, int port)
    {
        _target = target;
        Port = port;
    }

    public int Port { get; }

    public static Task<TcpRelay> StartAsync(int target)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var relay = new TcpRelay(target, port);
        relay.Restore();
        return Task.FromResult(relay);
    }

    public void Restore()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = PumpAsync(client);
            }
        });
    }

    public void Cut()
    {
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var c in _open)
            {
                if (c.Client is { } socket)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }

                c.Dispose();
            }

            _open.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task PumpAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target);
        }
        catch (SocketException)
        {
            client.Dispose();
            server.Dispose();
            return;
        }

        lock (_open)
        {
            _open.Add(client);
            _open.Add(server);
        }

        static async Task Copy(TcpClient from, TcpClient to)
        {
            try
            {
                await from.GetStream().CopyToAsync(to.GetStream());
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
            }
            finally
            {
                from.Dispose();
                to.Dispose();
            }
        }

        await Task.WhenAll(Copy(client, server), Copy(server, client));
    }
}
