using System.Globalization;
using System.Net;
using System.Text;

namespace Bridge.Dns.Tests.Harness;

/// The text of the named.conf and rndc.conf the harness writes; pure, so the choices are in one place.
internal static class NamedConfig
{
    public const string KeyName = "bridge-harness";

    public static string Server(string name, string folder, int port, int controlPort, string secret, string roleOptions, string zones)
    {
        var b = new StringBuilder();
        b.Append("// ").Append(name).Append(": written by the Bridge.Dns.Tests harness.\n");
        b.Append(Key(secret));
        b.Append(Inv($"controls {{ inet 127.0.0.1 port {controlPort} allow {{ 127.0.0.1; }} keys {{ \"{KeyName}\"; }}; }};\n"));
        b.Append("options {\n");
        // Everything named writes stays in the server's own folder, so several servers never share a lock or pid file.
        b.Append("    directory ").Append(Quote(folder)).Append(";\n");
        foreach (var (option, file) in new[]
                 {
                     ("pid-file", "named.pid"), ("lock-file", "named.lock"), ("session-keyfile", "session.key"),
                     ("dump-file", "named_dump.db"), ("statistics-file", "named.stats"), ("memstatistics-file", "named.memstats"),
                 })
        {
            b.Append("    ").Append(option).Append(' ').Append(Quote(Path.Combine(folder, file))).Append(";\n");
        }

        b.Append("    managed-keys-directory ").Append(Quote(folder)).Append(";\n");
        b.Append(Inv($"    listen-on port {port} {{ 127.0.0.1; }};\n"));
        b.Append("    listen-on-v6 { none; };\n");
        // Without this a second named binds the same port and the kernel shares the queries between the two.
        b.Append("    reuseport no;\n");
        b.Append("    recursion no;\n");
        b.Append("    dnssec-validation no;\n");
        b.Append("    querylog no;\n");
        b.Append("    allow-query { any; };\n");
        b.Append("    allow-transfer { any; };\n");
        b.Append(roleOptions);
        b.Append("};\n");
        b.Append(zones);
        return b.ToString();
    }

    public static string Rndc(int controlPort, string secret) =>
        Key(secret) + Inv($"options {{ default-key \"{KeyName}\"; default-server 127.0.0.1; default-port {controlPort}; }};\n");

    public static string PrimaryOptions(IEnumerable<(string Address, int Port)> alsoNotify)
    {
        var targets = alsoNotify.Select(t => Inv($"{Address(t.Address)} port {CheckPort(t.Port)}; ")).ToList();
        // notify-delay defaults to 5 s, which is most of what a secondary takes to follow a reload.
        var b = new StringBuilder("    notify explicit;\n    notify-delay 0;\n");
        if (targets.Count > 0)
        {
            b.Append("    also-notify { ").Append(string.Concat(targets)).Append("};\n");
        }

        return b.ToString();
    }

    public static string SecondaryOptions(TimeSpan maxRefresh)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(maxRefresh.TotalSeconds));
        // The SOA's refresh (hours in Blech's zones) is clamped into [min, max]; retries after a failed poll stay short too.
        return "    notify no;\n" + Inv($"    min-refresh-time 1;\n    max-refresh-time {seconds};\n") +
               "    min-retry-time 1;\n    max-retry-time 2;\n";
    }

    public static string PrimaryZone(string origin, string file) =>
        $"zone {Quote(origin)} {{ type primary; file {Quote(file)}; }};\n";

    public static string Include(string path) => $"include {Quote(path)};\n";

    public static string SecondaryZone(string origin, string primaryAddress, int primaryPort, string file) =>
        Inv($"zone {Quote(origin)} {{ type secondary; primaries {{ {Address(primaryAddress)} port {CheckPort(primaryPort)}; }}; file {Quote(file)}; }};\n");

    /// A file name for a zone's copy on a secondary: the origin without its final dot, lower case.
    public static string ZoneFileName(string origin) => origin.TrimEnd('.').ToLowerInvariant() + ".db";

    public static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Key(string secret) => $"key \"{KeyName}\" {{ algorithm hmac-sha256; secret \"{secret}\"; }};\n";

    private static string Address(string text) =>
        IPAddress.TryParse(text, out var address) ? address.ToString() : throw new ArgumentException($"{text} is not an IP address", nameof(text));

    private static int CheckPort(int port) =>
        port is > 0 and <= 65535 ? port : throw new ArgumentOutOfRangeException(nameof(port), port, "not a port");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
