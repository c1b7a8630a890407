using System.Diagnostics;
using System.Net;
using System.Text;

namespace Bridge.Apache.Tests;

/// <summary>Addresses and helpers shared by the tests.</summary>
internal static class TestFiles
{
    public static readonly IPAddress D = IPAddress.Parse("192.0.2.2");
    public static readonly IPAddress V = IPAddress.Parse("192.0.2.100");
    public static readonly IPAddress D6 = IPAddress.Parse("2001:db8::2");
    public static readonly IPAddress V6 = IPAddress.Parse("2001:db8::100");

    public static Encoding Latin1 => ApacheDocument.FileEncoding;

    public static string Read(string path) => Latin1.GetString(File.ReadAllBytes(path));

    public static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Latin1.GetBytes(text));
    }

    public static void WriteScript(string path, string body)
    {
        Write(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Every file and symlink under a folder: path → bytes (or "-> target" for links) and mode.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(entry);
            var relative = Path.GetRelativePath(root, entry);
            if (info.LinkTarget is { } target)
            {
                result[relative] = "-> " + target;
            }
            else if (File.Exists(entry))
            {
                result[relative] = $"{File.GetUnixFileMode(entry)} {Convert.ToBase64String(File.ReadAllBytes(entry))}";
            }
        }

        return result;
    }

    public static string Run(params string[] argv) => Run(null, argv);

    public static string Run(IReadOnlyDictionary<string, string>? environment, params string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in argv.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return stdout + stderr.Result;
    }
}

/// <summary>A fresh folder under /tmp, deleted afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("bridge-apache-").FullName;
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left behind in /tmp; never worth failing a test over.
        }
    }
}
