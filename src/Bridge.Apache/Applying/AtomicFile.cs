namespace Bridge.Apache;

/// <summary>Replaces a file's content so that a reader sees either the old or the new bytes, never a mix.</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);
        var owner = NativeFile.IsRoot ? NativeFile.GetOwner(path) : null;
        // Same folder, so the rename cannot cross file systems; a leading dot keeps it out of "*.conf" includes.
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.bridge-{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, mode);
            }

            if (owner is { } o)
            {
                NativeFile.SetOwner(temp, o);
            }

            File.Move(temp, path, overwrite: true);
            NativeFile.SyncDirectory(directory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
