namespace Bridge.Core.Files;

/// <summary>An exclusive lock on a file (flock through <see cref="FileShare.None"/>), released when the stream is disposed or the process dies.</summary>
public static class FileLock
{
    /// <summary>The lock, or null while another process (or stream) holds it. A new lock file gets <paramref name="mode"/> when given.</summary>
    public static FileStream? TryTake(string path, UnixFileMode? mode = null)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (mode is { } m)
            {
                options.UnixCreateMode = m;
            }

            return new FileStream(path, options);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Takes the lock, trying until <paramref name="wait"/> has passed; then throws <see cref="IOException"/>.</summary>
    public static async Task<FileStream> TakeAsync(string path, TimeSpan wait, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (TryTake(path) is { } file)
            {
                return file;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new IOException($"{path} is still held by another Bridge run after {wait.TotalSeconds:0} s");
            }

            await Task.Delay(200, ct);
        }
    }
}
