using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Bridge.Dns.Tests.Harness;

/// A zone a primary serves from a file.
public sealed record PrimaryZone(string Origin, string File);

/// A secondary's comparison of its primary's SOA serial with its own, as it logged it during a refresh.
public sealed record SerialCheck(long Primary, long Ours);

/// What a harness server is.
public enum NamedRole
{
    Primary,
    Secondary,
}

/// A real BIND `named` on 127.0.0.1 in its own temporary folder, controlled through rndc with a generated key.
public sealed partial class NamedServer : IAsyncDisposable
{
    /// Set to 1 to keep each server's folder (named.conf, transferred zones) after the test.
    public const string KeepVariable = "BRIDGE_DNS_KEEP";

    /// How long a start keeps retrying while the port is still held, for example by a named that is shutting down.
    public static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(15);

    /// The refresh poll a secondary uses unless told otherwise.
    public static readonly TimeSpan DefaultMaxRefresh = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RndcTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<NamedServer, byte> Live = new();

    private readonly NamedProcess _process;
    private readonly string _rndcConf;
    private int _disposed;

    static NamedServer() =>
        // A test run that ends without disposing a server must not leave named holding its ports.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Live.Keys)
            {
                server._process.Kill();
            }
        };

    private NamedServer(string name, NamedRole role, string folder, int port, int controlPort, int attempts, NamedProcess process)
    {
        Name = name;
        Role = role;
        Folder = folder;
        Port = port;
        ControlPort = controlPort;
        StartAttempts = attempts;
        _process = process;
        _rndcConf = Path.Combine(folder, "rndc.conf");
        Live[this] = 0;
    }

    public string Name { get; }

    public NamedRole Role { get; }

    /// The server's own folder: named.conf, rndc.conf, and a secondary's zone copies under secondary/.
    public string Folder { get; }

    /// The DNS port on 127.0.0.1, UDP and TCP.
    public int Port { get; }

    /// The rndc control port on 127.0.0.1.
    public int ControlPort { get; }

    /// How many times named was launched before one held the ports (more than 1 when the port was still busy).
    public int StartAttempts { get; }

    /// Everything named has logged so far; put it in assertion messages.
    public string Log => _process.Log;

    /// The current length of <see cref="Log"/>: pass it to <see cref="WaitForLogAsync"/> to look only at what comes after.
    public int LogLength => _process.LogLength;

    public bool HasExited => _process.HasExited;

    /// Starts a primary serving the given zone files (`type primary`).
    public static Task<NamedServer> StartPrimaryAsync(
        IEnumerable<PrimaryZone> zones, int? port = null, IEnumerable<(string Address, int Port)>? alsoNotify = null,
        string name = "primary", CancellationToken ct = default)
    {
        var zoneText = string.Concat(zones.Select(z => NamedConfig.PrimaryZone(z.Origin, Path.GetFullPath(z.File))));
        return StartAsync(name, NamedRole.Primary, port, NamedConfig.PrimaryOptions(alsoNotify ?? []), zoneText, ct);
    }

    /// Starts a primary that includes a zones.conf verbatim, as Blech generates it (`zone "o" { type master; file "..."; };`).
    public static Task<NamedServer> StartPrimaryAsync(
        string zonesConfPath, int? port = null, IEnumerable<(string Address, int Port)>? alsoNotify = null,
        string name = "primary", CancellationToken ct = default)
    {
        var path = Path.GetFullPath(zonesConfPath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist", path);
        }

        return StartAsync(name, NamedRole.Primary, port, NamedConfig.PrimaryOptions(alsoNotify ?? []), NamedConfig.Include(path), ct);
    }

    /// Starts a secondary of <paramref name="origins"/> that transfers from primaryAddress:primaryPort and polls
    /// the primary's SOA at least every <paramref name="maxRefresh"/> (default 2 s; NOTIFY and rndc refresh work anyway).
    public static Task<NamedServer> StartSecondaryAsync(
        IEnumerable<string> origins, string primaryAddress, int primaryPort, int? port = null, TimeSpan? maxRefresh = null,
        string name = "secondary", CancellationToken ct = default)
    {
        var zoneText = string.Concat(origins.Select(o =>
            NamedConfig.SecondaryZone(o, primaryAddress, primaryPort, Path.Combine("secondary", NamedConfig.ZoneFileName(o)))));
        return StartAsync(name, NamedRole.Secondary, port, NamedConfig.SecondaryOptions(maxRefresh ?? DefaultMaxRefresh), zoneText, ct);
    }

    /// `rndc reload`: reread every zone file (what blechd runs after regenerating). Zone loading finishes a little later.
    public Task ReloadAsync(CancellationToken ct = default) => RndcAsync(["reload"], ct);

    /// `rndc refresh <origin>`: a secondary asks its primary for the SOA now and transfers only when the serial is newer.
    public Task RefreshAsync(string origin, CancellationToken ct = default) => RndcAsync(["refresh", origin], ct);

    /// `rndc retransfer <origin>`: a secondary transfers the zone whatever the serials are.
    public Task RetransferAsync(string origin, CancellationToken ct = default) => RndcAsync(["retransfer", origin], ct);

    /// `rndc notify <origin>`: a primary sends NOTIFY to its also-notify targets again.
    public Task NotifyAsync(string origin, CancellationToken ct = default) => RndcAsync(["notify", origin], ct);

    /// `rndc refresh <origin>`, then waits for the secondary's next comparison of its primary's serial with its own; null
    /// when none came within the timeout (no primary answering, for example). A newer serial is then transferred, any other
    /// kept. A NOTIFY or poll that lands first is what gets reported: take a mark and use WaitForSerialCheckAsync to pin it.
    public async Task<SerialCheck?> RefreshAndCheckAsync(string origin, TimeSpan timeout, CancellationToken ct = default)
    {
        var mark = LogLength;
        await RefreshAsync(origin, ct);
        return await WaitForSerialCheckAsync(origin, mark, timeout, ct);
    }

    /// Waits for the first serial comparison a secondary logs for <paramref name="origin"/> after position
    /// <paramref name="since"/> of the log, whether a poll, a NOTIFY or rndc refresh caused it.
    public async Task<SerialCheck?> WaitForSerialCheckAsync(string origin, int since, TimeSpan timeout, CancellationToken ct = default)
    {
        if (Role != NamedRole.Secondary)
        {
            throw new InvalidOperationException($"{this} is not a secondary");
        }

        // named -d 1 logs "refresh_callback: zone acme.example/IN: serial: new 7, old 8" for every SOA answer it compares.
        var prefix = $"refresh_callback: zone {origin.TrimEnd('.')}/IN: serial: new ";
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var log = Log;
            var at = since < log.Length ? log.IndexOf(prefix, since, StringComparison.OrdinalIgnoreCase) : -1;
            if (at >= 0)
            {
                var end = log.IndexOf('\n', at);
                if (end >= 0)
                {
                    var match = SerialCheckLine().Match(log[(at + prefix.Length)..end]);
                    if (match.Success)
                    {
                        return new SerialCheck(
                            long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
                    }
                }
            }

            if (clock.Elapsed > timeout || _process.HasExited)
            {
                return null;
            }

            await Task.Delay(50, ct);
        }
    }

    /// Runs rndc against this server; a failure throws with rndc's output and the end of named's log.
    public async Task<string> RndcAsync(IReadOnlyList<string> arguments, CancellationToken ct = default)
    {
        var result = await ProcessRunner.RunAsync(BindTools.Rndc, ["-c", _rndcConf, .. arguments], RndcTimeout, ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"rndc {string.Join(' ', arguments)} on {Name} failed ({result.ExitCode}): {result.Output}\n{LogTail()}");
        }

        return result.Output;
    }

    /// Waits until named logs a line containing <paramref name="text"/> after position <paramref name="since"/> of the log.
    public async Task<bool> WaitForLogAsync(string text, int since, TimeSpan timeout, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var log = _process.Log;
            if (since < log.Length && log.IndexOf(text, since, StringComparison.Ordinal) >= 0)
            {
                return true;
            }

            if (clock.Elapsed > timeout || _process.HasExited)
            {
                return false;
            }

            await Task.Delay(50, ct);
        }
    }

    /// `rndc stop`, then waits for named to exit (killing it when it will not); the port is free afterwards.
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!_process.HasExited)
        {
            try
            {
                await RndcAsync(["stop"], ct);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                _process.Kill();
            }
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _process.Kill();
            await _process.WaitForExitAsync(ct);
        }
    }

    /// SIGKILL, like a machine that dies: no zone dump, no goodbye.
    public async Task KillAsync(CancellationToken ct = default)
    {
        _process.Kill();
        await _process.WaitForExitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopAsync();
        }
        finally
        {
            Live.TryRemove(this, out _);
            _process.Dispose();
            if (Environment.GetEnvironmentVariable(KeepVariable) != "1")
            {
                TryDelete(Folder);
            }
        }
    }

    public override string ToString() => $"{Name} ({Role}) on 127.0.0.1:{Port}";

    private static async Task<NamedServer> StartAsync(
        string name, NamedRole role, int? fixedPort, string roleOptions, string zones, CancellationToken ct)
    {
        var named = BindTools.Named;
        _ = BindTools.Rndc;
        var folder = Path.Combine(Path.GetTempPath(), "bridge-dns-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "secondary"));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var confPath = Path.Combine(folder, "named.conf");
        var failures = new StringBuilder();
        var clock = Stopwatch.StartNew();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var port = fixedPort ?? LocalPorts.Allocate();
                var controlPort = LocalPorts.Allocate();
                File.WriteAllText(confPath, NamedConfig.Server(name, folder, port, controlPort, secret, roleOptions, zones));
                File.WriteAllText(Path.Combine(folder, "rndc.conf"), NamedConfig.Rndc(controlPort, secret));
                var process = NamedProcess.Start(named, confPath, folder, role == NamedRole.Secondary ? 1 : 0);
                var (outcome, reason) = await WaitUntilRunningAsync(process, role, port, controlPort, ct);
                if (outcome == Outcome.Ready)
                {
                    return new NamedServer(name, role, folder, port, controlPort, attempt, process);
                }

                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
                var log = process.Log;
                process.Dispose();
                if (outcome == Outcome.Failed)
                {
                    throw new NamedStartException($"{name}: named did not start on 127.0.0.1:{port}: {reason}\n{failures}{log}");
                }

                failures.Append(CultureInfo.InvariantCulture, $"attempt {attempt}: {reason}\n");
                if (clock.Elapsed > StartBudget)
                {
                    throw new NamedStartException(
                        $"{name}: port 127.0.0.1:{port} or its control port stayed busy for {StartBudget.TotalSeconds:0} s\n{failures}{log}");
                }

                await Task.Delay(200, ct);
            }
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    private enum Outcome
    {
        Ready,
        PortBusy,
        Failed,
    }

    private static async Task<(Outcome, string)> WaitUntilRunningAsync(NamedProcess process, NamedRole role, int port, int controlPort, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var exited = process.HasExited;
            var log = process.Log;
            // named keeps running when a listen fails ("creating TCP socket: address in use"), serving nothing on that socket.
            if (log.Contains("address in use", StringComparison.OrdinalIgnoreCase))
            {
                return (Outcome.PortBusy, "address in use");
            }

            if (exited)
            {
                return (Outcome.Failed, $"named exited with code {process.ExitCode}");
            }

            if (RunningLine().IsMatch(log))
            {
                if (!log.Contains(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1#{port}\n"), StringComparison.Ordinal)
                    || !log.Contains(string.Create(CultureInfo.InvariantCulture, $"command channel listening on 127.0.0.1#{controlPort}"), StringComparison.Ordinal))
                {
                    return (Outcome.Failed, "named is running but does not say it listens on its ports");
                }

                if (role == NamedRole.Primary && log.Contains("not loaded due to errors", StringComparison.Ordinal))
                {
                    return (Outcome.Failed, "a zone did not load");
                }

                return (Outcome.Ready, "");
            }

            if (clock.Elapsed > AttemptTimeout)
            {
                return (Outcome.Failed, $"named did not log \"running\" within {AttemptTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(25, ct);
        }
    }

    private string LogTail()
    {
        var lines = Log.Split('\n');
        return string.Join('\n', lines.TakeLast(20));
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"^\S+ \S+ running$", RegexOptions.Multiline)]
    private static partial Regex RunningLine();

    [GeneratedRegex(@"^(\d+), old (\d+)$")]
    private static partial Regex SerialCheckLine();
}

/// named would not start; the message holds its log.
public sealed class NamedStartException(string message) : Exception(message);
