using System.Runtime.InteropServices;

namespace Bridge.Core.Files;

/// <summary>The few POSIX calls .NET does not offer: file ownership and directory fsync.</summary>
public static class NativeFile
{
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;
    private const uint StatxGid = 0x10;

    [DllImport("libc", SetLastError = true)]
    private static extern uint geteuid();

    // statx's buffer has the same layout on every architecture, unlike struct stat.
    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>The owner and group of a file, or null where they cannot be read.</summary>
    public static (uint Uid, uint Gid)? GetOwner(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[256];
        if (statx(AtFdCwd, path, 0, StatxUid | StatxGid, buffer) != 0)
        {
            return null;
        }

        // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, ...
        return (BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24));
    }

    public static void SetOwner(string path, (uint Uid, uint Gid) owner)
    {
        if (chown(path, owner.Uid, owner.Gid) != 0)
        {
            throw new IOException($"chown {path} to {owner.Uid}:{owner.Gid} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Makes a rename inside <paramref name="directory"/> durable; best effort.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = open(directory, 0);
        if (fd >= 0)
        {
            _ = fsync(fd);
            _ = close(fd);
        }
    }
}
