using System.Globalization;

namespace Bridge.Apache;

/// <summary>One folder per run under a root, named by UTC time, the last N kept.</summary>
internal static class BackupStore
{
    private const string StampFormat = "yyyyMMdd'T'HHmmss'.'fffffff'Z'";
    private const string Manifest = "manifest.txt";

    /// <summary>Copies every file into a new run folder, mirroring its absolute path; returns the folder.</summary>
    public static async Task<string> CreateAsync(
        string root,
        int keep,
        IReadOnlyList<(string Path, byte[] Content)> files,
        CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        var time = DateTime.UtcNow;
        string folder;
        while (true)
        {
            folder = Path.Combine(root, time.ToString(StampFormat, CultureInfo.InvariantCulture));
            if (!Directory.Exists(folder))
            {
                break;
            }

            time = time.AddTicks(1);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var (path, content) in files)
        {
            var copy = PathInBackup(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            await File.WriteAllBytesAsync(copy, content, ct);
        }

        await File.WriteAllLinesAsync(Path.Combine(folder, Manifest), files.Select(f => f.Path), ct);
        Prune(root, keep);
        return folder;
    }

    public static string PathInBackup(string folder, string path) =>
        Path.Combine(folder, "files", Path.GetFullPath(path).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));

    private static void Prune(string root, int keep)
    {
        var runs = Directory.GetDirectories(root)
            .Where(d => DateTime.TryParseExact(Path.GetFileName(d), StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var old in runs.Take(Math.Max(0, runs.Count - Math.Max(1, keep))))
        {
            Directory.Delete(old, recursive: true);
        }
    }
}
