using System.Net;
using Bridge.Core;
using Bridge.Core.Guard;
using Bridge.Core.Normalize;
using Bridge.Data.Engine;
using Bridge.Data.Run;
using Bridge.MySql;
using Bridge.Postgres;
using Microsoft.Extensions.Configuration;

namespace Bridge.Runtime;

/// <summary>A wrong or missing configuration value; the message names the key and what is wrong (never a secret).</summary>
public sealed class ConfigException(string message) : Exception(message);

/// <summary>One machine's Blech database as configured.</summary>
public sealed class EndpointConfig
{
    /// <summary><c>postgres</c> or <c>mysql</c> (MariaDB).</summary>
    public string? Engine { get; set; }

    public string? ConnectionString { get; set; }

    /// <summary>The machine's own address (C or D); mapped to V by default.</summary>
    public string? Address { get; set; }
}

public sealed class AddressMapEntry
{
    public string? From { get; set; }

    public string? To { get; set; }
}

public sealed class GuardConfig
{
    public double MaxDeleteShare { get; set; } = DeleteGuard.DefaultMaxDeleteShare;
}

public sealed class RetryConfig
{
    public int MaxAttempts { get; set; } = 4;

    public double BaseDelaySeconds { get; set; } = 1;

    public double TotalTimeoutSeconds { get; set; } = 300;
}

/// <summary>The standby's Apache files: where they are, where backups go, and how to test and reload.</summary>
public sealed class ApacheConfig
{
    /// <summary>False turns the Apache step of <c>sync</c> off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Blech's generated tree (a folder) or an <c>apache2.conf</c>.</summary>
    public string Root { get; set; } = "/etc/blech/generated";

    public string BackupRoot { get; set; } = "/var/lib/blech-bridge/apache-backups";

    public int KeepBackups { get; set; } = 5;

    public List<string> TestCommand { get; set; } = [];

    public List<string> DumpCommand { get; set; } = [];

    public List<string> ReloadCommand { get; set; } = [];

    /// <summary>Extra environment for the three commands (for example APACHE_CONFDIR).</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    public double CommandTimeoutSeconds { get; set; } = 60;

    /// <summary>How often <c>blech-bridge watch</c> looks even when no file event came.</summary>
    public double WatchIntervalSeconds { get; set; } = 60;
}

/// <summary>What <c>blech-bridge ready</c> looks at besides the databases: Blech's generated files, named, and how old is too old.</summary>
public sealed class ReadyConfig
{
    /// <summary>Blech's generated tree (<c>bind/</c>, <c>mail/</c>); default: <c>apache.root</c> when it is a folder, else <c>/etc/blech/generated</c>.</summary>
    public string? ConfigRoot { get; set; }

    /// <summary>The command that asks the local named for SOA records; Bridge adds <c>+noall +answer +norecurse +time=2 +tries=1 -f FILE</c>.</summary>
    public List<string> DnsQueryCommand { get; set; } = [];

    /// <summary>The zone file checker; Bridge adds the origin and the file.</summary>
    public List<string> CheckzoneCommand { get; set; } = [];

    public bool CheckDns { get; set; } = true;

    public bool CheckMail { get; set; } = true;

    public double MaxSyncAgeSeconds { get; set; } = 900;

    public double MaxRegenerationWaitSeconds { get; set; } = 300;

    public double CommandTimeoutSeconds { get; set; } = 60;

    public string ResolvedConfigRoot(ApacheConfig apache) =>
        ConfigRoot ?? (Directory.Exists(apache.Root) ? apache.Root : "/etc/blech/generated");

    public IReadOnlyList<string> ResolvedDnsQueryCommand => DnsQueryCommand.Count > 0 ? DnsQueryCommand : ["dig", "@127.0.0.1"];

    public IReadOnlyList<string> ResolvedCheckzoneCommand => CheckzoneCommand.Count > 0 ? CheckzoneCommand : ["named-checkzone"];
}

/// <summary>Where the daily report goes: the SMTP server, its TLS mode and login, sender and recipients.</summary>
public sealed class MailConfig
{
    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 25;

    /// <summary><c>none</c>, <c>starttls</c>, <c>starttls-when-available</c> or <c>tls</c>.</summary>
    public string Tls { get; set; } = "starttls-when-available";

    public string? User { get; set; }

    public string? Password { get; set; }

    public string? From { get; set; }

    public List<string> To { get; set; } = [];

    public int MaxAttempts { get; set; } = 3;

    public double BaseDelaySeconds { get; set; } = 2;
}

public sealed class SyncConfig
{
    /// <summary>How old the last compare of everything may be before a sync compares everything again (0: always).</summary>
    public double FullCompareEverySeconds { get; set; } = 86400;
}

/// <summary>The configuration file, with every key overridable from <c>BRIDGE__SECTION__KEY</c> environment variables.</summary>
public sealed class BridgeConfig
{
    public string? ServiceAddress { get; set; }

    /// <summary>This machine's Blech: the standby, where Bridge writes.</summary>
    public EndpointConfig? Local { get; set; }

    /// <summary>The other machine's Blech: the active one, which Bridge reads.</summary>
    public EndpointConfig? Peer { get; set; }

    public List<AddressMapEntry> AddressMap { get; set; } = [];

    public GuardConfig Guard { get; set; } = new();

    public RetryConfig Retry { get; set; } = new();

    public ApacheConfig Apache { get; set; } = new();

    public MailConfig Mail { get; set; } = new();

    public ReadyConfig Ready { get; set; } = new();

    public SyncConfig Sync { get; set; } = new();

    /// <summary>The file lock that keeps two runs on this machine apart.</summary>
    public string LockFile { get; set; } = "/var/lib/blech-bridge/bridge.lock";

    /// <summary>What deserves the admin's attention without stopping the run (a file with passwords that others can read).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>
    /// Reads, checks and binds the configuration. Every problem (syntax with line and column, unknown keys, types, ranges,
    /// values that do not parse, local and peer on one database) is collected and thrown at once; nothing is attempted.
    /// </summary>
    public static BridgeConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"config file '{path}' does not exist");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"config file '{path}' cannot be read: {e.Message}");
        }

        var problems = ConfigValidator.Validate(text);
        if (problems.Count == 1 && problems[0].Message.StartsWith("not valid JSON", StringComparison.Ordinal))
        {
            throw new ConfigException($"config file '{path}' is {problems[0]}");
        }

        if (problems.Count > 0)
        {
            throw new ConfigException(Listing(path, problems.Select(p => p.ToString()).ToList()));
        }

        BridgeConfig config;
        try
        {
            var root = new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables("BRIDGE__")
                .Build();
            config = root.Get<BridgeConfig>() ?? new BridgeConfig();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new ConfigException($"config file '{path}': {e.Message.ReplaceLineEndings(" ")}");
        }

        var semantic = config.Check();
        if (semantic.Count > 0)
        {
            throw new ConfigException(Listing(path, semantic));
        }

        if (OperatingSystem.IsLinux() && (File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.GroupRead)) != 0
            && text.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            config.Warnings.Add($"config file '{path}' holds passwords and other users can read it; make it readable by root only (chmod 600)");
        }

        return config;
    }

    private static string Listing(string path, IReadOnlyList<string> problems) => problems.Count == 1
        ? $"config file '{path}': {problems[0]}"
        : $"config file '{path}' has {problems.Count} problems:" + string.Concat(problems.Select(p => "\n  " + p));

    /// <summary>The checks the schema cannot make: values that must parse, pairs that must differ. Every problem, not the first.</summary>
    public List<string> Check()
    {
        var problems = new List<string>();
        var secrets = new Secrets();
        void Try(Action check)
        {
            try
            {
                check();
            }
            catch (ConfigException e)
            {
                problems.Add(e.Message.StartsWith("config: ", StringComparison.Ordinal) ? e.Message["config: ".Length..] : e.Message);
            }
        }

        Try(() => ParseServiceAddress());
        Try(() => BuildSide("local", secrets));
        Try(() => BuildSide("peer", secrets));
        for (var i = 0; i < AddressMap.Count; i++)
        {
            var index = i;
            Try(() => ParseAddress(AddressMap[index].From, $"addressMap[{index}].from", required: true));
            Try(() => ParseAddress(AddressMap[index].To, $"addressMap[{index}].to", required: true));
        }

        Try(() => ParseAddress(Local?.Address, "local.address", required: false));
        Try(() => ParseAddress(Peer?.Address, "peer.address", required: false));
        Try(() => BuildRetry());
        Try(() => _ = MaxDeleteShare);

        var froms = AddressMap.Select((e, i) => (Address: Addresses.Canonical(e.From ?? string.Empty), Index: i)).Where(x => x.Address is not null)
            .GroupBy(x => x.Address).Where(g => g.Count() > 1);
        foreach (var group in froms)
        {
            problems.Add($"addressMap has {group.Key} as 'from' more than once (entries {string.Join(", ", group.Select(x => x.Index))}): say where it goes once");
        }

        if (string.IsNullOrWhiteSpace(LockFile))
        {
            problems.Add("lockFile is empty");
        }

        static string? Engine(string? e) => e?.Trim().ToLowerInvariant() switch { "postgresql" => "postgres", "mariadb" => "mysql", var x => x };
        if (Local?.ConnectionString is { } l && Peer?.ConnectionString is { } p && Engine(Local.Engine) == Engine(Peer.Engine) && SameDatabase(l, p))
        {
            problems.Add("local and peer name the same database: local is this machine's Blech database, peer the other machine's");
        }

        return problems;
    }

    private static bool SameDatabase(string a, string b)
    {
        static (string Host, string Port, string Database)? Key(string cs)
        {
            try
            {
                var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = cs };
                string Get(params string[] names) => names.Select(n => builder.TryGetValue(n, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null)
                    .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim().ToLowerInvariant() ?? string.Empty;
                var host = Get("host", "server", "data source", "datasource", "address", "addr", "network address");
                host = host is "localhost" or "::1" or "127.0.0.1" or "" ? "loopback" : host;
                return (host, Get("port"), Get("database", "initial catalog"));
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return Key(a) is { } x && Key(b) is { } y && x == y;
    }

    public IPAddress ParseServiceAddress() => ParseAddress(ServiceAddress, "serviceAddress", required: true)!;

    public AddressPolicy BuildAddressPolicy()
    {
        var v = ParseServiceAddress();
        var entries = new List<KeyValuePair<IPAddress, IPAddress>>();
        for (var i = 0; i < AddressMap.Count; i++)
        {
            var from = ParseAddress(AddressMap[i].From, $"addressMap[{i}].from", required: true)!;
            var to = ParseAddress(AddressMap[i].To, $"addressMap[{i}].to", required: true)!;
            entries.Add(new(from, to));
        }

        return new AddressPolicy(v, entries, ParseAddress(Peer?.Address, "peer.address", required: false), ParseAddress(Local?.Address, "local.address", required: false));
    }

    public Side BuildSide(string role, Secrets secrets)
    {
        var e = role == "local" ? Local : Peer;
        if (e is null)
        {
            throw new ConfigException($"config: section '{role}' is missing (it needs engine and connectionString)");
        }

        if (string.IsNullOrWhiteSpace(e.ConnectionString))
        {
            throw new ConfigException($"config: {role}.connectionString is missing (or set BRIDGE__{role.ToUpperInvariant()}__CONNECTIONSTRING)");
        }

        secrets.AddConnectionString(e.ConnectionString);
        IEngineDialect dialect = e.Engine?.Trim().ToLowerInvariant() switch
        {
            "postgres" or "postgresql" => new PostgresDialect(),
            "mysql" or "mariadb" => new MySqlDialect(),
            null or "" => throw new ConfigException($"config: {role}.engine is missing (postgres or mysql)"),
            _ => throw new ConfigException($"config: {role}.engine '{e.Engine}' is not an engine Bridge knows (postgres or mysql)"),
        };

        try
        {
            _ = dialect.Describe(e.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ConfigException($"config: {role}.connectionString is not a valid {dialect.Name} connection string ({secrets.Redact(ex.Message.ReplaceLineEndings(" "))})");
        }

        return new Side(role, dialect, e.ConnectionString);
    }

    public RetryOptions BuildRetry()
    {
        if (Retry.MaxAttempts < 0 || Retry.BaseDelaySeconds < 0 || Retry.TotalTimeoutSeconds <= 0)
        {
            throw new ConfigException("config: retry.maxAttempts and retry.baseDelaySeconds must be 0 or more, retry.totalTimeoutSeconds more than 0");
        }

        return new RetryOptions
        {
            MaxRetryAttempts = Retry.MaxAttempts,
            BaseDelay = TimeSpan.FromSeconds(Retry.BaseDelaySeconds),
            TotalTimeout = TimeSpan.FromSeconds(Retry.TotalTimeoutSeconds),
        };
    }

    public double MaxDeleteShare => Guard.MaxDeleteShare is >= 0 and <= 1
        ? Guard.MaxDeleteShare
        : throw new ConfigException($"config: guard.maxDeleteShare {Guard.MaxDeleteShare} must be between 0 and 1");

    private static IPAddress? ParseAddress(string? text, string key, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? throw new ConfigException($"config: {key} is missing (an IPv4 or IPv6 address)") : null;
        }

        return Addresses.TryParse(text, out var a) ? a : throw new ConfigException($"config: {key} '{text}' is not an IP address");
    }
}
