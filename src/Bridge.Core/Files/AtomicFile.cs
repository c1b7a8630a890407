namespace Bridge.Core.Files;

/// <summary>
/// Replaces a file's content so that a reader sees either the old or the new bytes, never a mix: written to a temporary file in
/// the same folder, flushed to disk, then renamed over the old one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/>, keeping an existing file's mode and (as root) owner.</summary>
    public static async Task WriteAsync(string path, byte[] content, CancellationToken ct)
    {
        var (temp, mode, owner) = Prepare(path, null);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }

            Commit(temp, path, mode, owner);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="content"/> with <paramref name="mode"/> exactly (whatever the umask), or, without one, keeping an existing file's mode and owner.</summary>
    public static void Write(string path, byte[] content, UnixFileMode? mode = null)
    {
        var (temp, keptMode, owner) = Prepare(path, mode);
        try
        {
            using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = keptMode }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            Commit(temp, path, keptMode, owner);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static (string Temp, UnixFileMode? Mode, (uint Uid, uint Gid)? Owner) Prepare(string path, UnixFileMode? mode)
    {
        var exists = File.Exists(path);
        var keptMode = mode ?? (exists && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(path) : null);
        var owner = mode is null && exists && NativeFile.IsRoot ? NativeFile.GetOwner(path) : null;

        // Same folder, so the rename cannot cross file systems; a leading dot keeps it out of "*.conf" includes and spool listings.
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.bridge-{Guid.NewGuid():N}.tmp");
        return (temp, keptMode, owner);
    }

    private static void Commit(string temp, string path, UnixFileMode? mode, (uint Uid, uint Gid)? owner)
    {
        // The umask may have taken bits away that the file needs (a group's read, for example).
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, m);
        }

        if (owner is { } o)
        {
            NativeFile.SetOwner(temp, o);
        }

        File.Move(temp, path, overwrite: true);
        NativeFile.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
