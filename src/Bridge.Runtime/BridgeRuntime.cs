using System.Diagnostics.CodeAnalysis;
using System.Net;
using Bridge.Core;
using Bridge.Data.Engine;
using Bridge.Data.Read;
using Bridge.Data.Run;
using Microsoft.Extensions.Logging;

namespace Bridge.Runtime;

/// <summary>
/// Bridge's operations, built once from the loaded configuration: sync, resync, diff, check, status, promote, demote, report and
/// the Apache step. Each takes a typed request and returns a typed outcome, with a failure as data; the command line, the
/// request server and keepalived's notify script (through the command line) all call these.
/// </summary>
public sealed partial class BridgeRuntime
{
    private Side? _local;
    private Side? _peer;

    private BridgeRuntime(BridgeConfig config, bool fromFile, ILoggerFactory loggers)
    {
        Config = config;
        FromFile = fromFile;
        Loggers = loggers;
        Logger = loggers.CreateLogger("blech-bridge");

        // Every password the configuration holds is redacted from the start, whichever side an operation touches first.
        Secrets.AddConnectionString(config.Local?.ConnectionString);
        Secrets.AddConnectionString(config.Peer?.ConnectionString);
        if (config.Mail.Password is { Length: > 0 } password)
        {
            Secrets.Add(password);
        }
    }

    public BridgeConfig Config { get; }

    /// <summary>False for a runtime without a configuration file (<c>rewrite-apache</c> given everything on the command line).</summary>
    public bool FromFile { get; }

    public Secrets Secrets { get; } = new();

    public ILoggerFactory Loggers { get; }

    private ILogger Logger { get; }

    /// <summary>Loads the configuration file; a missing or malformed file is a <see cref="FailureReason.Configuration"/> failure.</summary>
    public static bool TryLoad(string path, ILoggerFactory loggers, [NotNullWhen(true)] out BridgeRuntime? runtime, [NotNullWhen(false)] out Failure? failure)
    {
        try
        {
            runtime = new BridgeRuntime(BridgeConfig.Load(path), fromFile: true, loggers);
            foreach (var warning in runtime.Config.Warnings)
            {
                runtime.Logger.LogWarning("{Warning}", warning);
            }

            failure = null;
            return true;
        }
        catch (ConfigException e)
        {
            runtime = null;
            failure = ConfigFailure(e, null);
            return false;
        }
    }

    /// <summary>A runtime with the defaults and no configuration file.</summary>
    public static BridgeRuntime WithoutFile(ILoggerFactory loggers) => new(new BridgeConfig(), fromFile: false, loggers);

    /// <summary>This machine's database (the standby, which Bridge writes); a configuration error throws <see cref="ConfigException"/>.</summary>
    internal Side Local => _local ??= Config.BuildSide("local", Secrets);

    /// <summary>The other machine's database (the active one, which Bridge reads).</summary>
    internal Side Peer => _peer ??= Config.BuildSide("peer", Secrets);

    internal IPAddress ServiceAddress => Config.ParseServiceAddress();

    /// <summary>Blech's host name of the active machine (<paramref name="peer"/>) or of this one; null when unknown within a few seconds.</summary>
    public async Task<string?> HostnameAsync(bool peer, CancellationToken ct)
    {
        try
        {
            return await ServerInfo.HostnameAsync(peer ? Peer : Local, TimeSpan.FromSeconds(5), ct);
        }
        catch (ConfigException)
        {
            return null;
        }
    }

    internal Failure ConfigFailure(ConfigException e) => ConfigFailure(e, Secrets);

    private static Failure ConfigFailure(ConfigException e, Secrets? secrets) =>
        new(FailureReason.Configuration, secrets?.Redact(e.Message) ?? e.Message);

    // The exceptions a database, its driver or the network throw when one side is unreachable or answers with an error.
    internal static bool IsDatabaseError(Exception e) =>
        e is System.Data.Common.DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException;
}
