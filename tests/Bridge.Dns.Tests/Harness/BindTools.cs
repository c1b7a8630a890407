namespace Bridge.Dns.Tests.Harness;

/// Finds the BIND programs; a missing one throws with the Debian package that provides it, so a test fails instead of skipping.
public static class BindTools
{
    public const string InstallCommand = "apt-get install -y bind9 bind9-dnsutils";

    // /usr/sbin is often missing from a non-root PATH, and named and rndc live there.
    private static readonly string[] ExtraFolders = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    public static string Named => Find("named", "bind9");

    public static string Rndc => Find("rndc", "bind9-utils");

    public static string NamedCheckZone => Find("named-checkzone", "bind9-utils");

    public static string NamedCheckConf => Find("named-checkconf", "bind9-utils");

    public static string Dig => Find("dig", "bind9-dnsutils");

    /// The full path of <paramref name="program"/>, searched on PATH and then in the system folders.
    public static string Find(string program, string debianPackage)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var folders = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(ExtraFolders).Distinct();
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new BindToolMissingException(
            $"{program} was not found on PATH or in {string.Join(", ", ExtraFolders)}: install the Debian package " +
            $"{debianPackage} ({InstallCommand}, or scripts/install-deps.sh as root)");
    }
}

/// A BIND program the harness needs is not installed.
public sealed class BindToolMissingException(string message) : Exception(message);
