using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Bridge.Core.Files;

/// <summary>What an entry is, as <c>lstat</c> sees it (a link is a link, never what it points to).</summary>
public enum EntryKind
{
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    Socket,
    Device,
    Other,
}

/// <summary>An entry's status without following a link: kind, identity, link count, owner, size and modification time.</summary>
public sealed record EntryStatus(EntryKind Kind, ulong Device, ulong Inode, uint Links, uint Uid, long Size, DateTime ModifiedUtc);

/// <summary>
/// A directory opened once and used by descriptor, with entry names as raw bytes: for folders that an unprivileged user
/// writes into (the request spool). Nothing here follows a link or goes through a path another user could swap: names come
/// from <c>readdir</c> (never a <c>/</c>, never <c>..</c> once skipped), and every call is <c>statx</c>/<c>renameat</c>/
/// <c>unlinkat</c> relative to the open descriptor. A name that is not UTF-8 is handled like any other.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RawDirectory : IDisposable
{
    private const int Enoent = 2;
    private const int AtSymlinkNofollow = 0x100;
    private const int AtRemoveDir = 0x200;
    private const int AtNoAutomount = 0x800;
    private const uint StatxBasicStats = 0x7ff;

    private IntPtr _dir;

    private RawDirectory(string path, IntPtr dir)
    {
        Path = path;
        _dir = dir;
    }

    public string Path { get; }

    /// <summary>Opens <paramref name="path"/> (a folder only root may replace); throws <see cref="IOException"/> when it cannot.</summary>
    public static RawDirectory Open(string path)
    {
        var dir = opendir(Terminated(System.Text.Encoding.UTF8.GetBytes(path)));
        return dir == IntPtr.Zero ? throw Error("cannot open the folder", path, Marshal.GetLastPInvokeError()) : new RawDirectory(path, dir);
    }

    /// <summary>The names in the folder now, without <c>.</c> and <c>..</c>; entries made or removed meanwhile may or may not be in it.</summary>
    public List<byte[]> Names()
    {
        ObjectDisposedException.ThrowIf(_dir == IntPtr.Zero, this);
        rewinddir(_dir);
        var names = new List<byte[]>();
        while (true)
        {
            Marshal.SetLastPInvokeError(0);
            var entry = readdir(_dir);
            if (entry == IntPtr.Zero)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == 0 ? names : throw Error("cannot list the folder", Path, errno);
            }

            // struct dirent on 64-bit Linux (glibc): u64 d_ino, i64 d_off, u16 d_reclen, u8 d_type, char d_name[256].
            var name = new List<byte>(64);
            for (var i = 0; i < 256; i++)
            {
                var b = Marshal.ReadByte(entry, 19 + i);
                if (b == 0)
                {
                    break;
                }

                name.Add(b);
            }

            if (name is [(byte)'.'] or [(byte)'.', (byte)'.'] || name.Count == 0)
            {
                continue;
            }

            names.Add([.. name]);
        }
    }

    /// <summary>The entry's status, never following a link; null when it is gone.</summary>
    public EntryStatus? Stat(byte[] name)
    {
        var buffer = new byte[256];
        if (statx(Descriptor, Terminated(name), AtSymlinkNofollow | AtNoAutomount, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == Enoent ? null : throw Error("cannot look at an entry of", Path, errno);
        }

        // struct statx: u32 mask @0, u32 blksize @4, u64 attributes @8, u32 nlink @16, u32 uid @20, u32 gid @24, u16 mode @28,
        // u64 ino @32, u64 size @40, ..., statx_timestamp mtime @112 (i64 sec, u32 nsec), u32 dev_major @136, u32 dev_minor @140.
        var mode = BitConverter.ToUInt16(buffer, 28);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => EntryKind.Regular,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.SymbolicLink,
            0x1000 => EntryKind.Fifo,
            0xC000 => EntryKind.Socket,
            0x2000 or 0x6000 => EntryKind.Device,
            _ => EntryKind.Other,
        };
        var seconds = BitConverter.ToInt64(buffer, 112);
        var nanoseconds = BitConverter.ToUInt32(buffer, 120);
        var modified = seconds is > -62135596800L and < 253402300799L
            ? DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(nanoseconds / 100)
            : DateTime.UnixEpoch;
        var device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
        return new EntryStatus(kind, device, BitConverter.ToUInt64(buffer, 32), BitConverter.ToUInt32(buffer, 16), BitConverter.ToUInt32(buffer, 20),
            (long)Math.Min(BitConverter.ToUInt64(buffer, 40), long.MaxValue), modified);
    }

    /// <summary>Moves the entry <paramref name="name"/> (itself, never what a link points to) into <paramref name="to"/>; false when it is gone.</summary>
    public bool Rename(byte[] name, RawDirectory to, byte[] newName)
    {
        if (renameat(Descriptor, Terminated(name), to.Descriptor, Terminated(newName)) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Enoent ? false : throw Error("cannot move an entry out of", Path, errno);
    }

    /// <summary>Removes the entry (a directory only when empty); false when it was already gone or is a directory that is not empty.</summary>
    public bool Remove(byte[] name, bool directory)
    {
        if (unlinkat(Descriptor, Terminated(name), directory ? AtRemoveDir : 0) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is Enoent or 39 or 17 ? false : throw Error("cannot remove an entry of", Path, errno); // ENOTEMPTY, EEXIST
    }

    public void Dispose()
    {
        if (_dir != IntPtr.Zero)
        {
            _ = closedir(_dir);
            _dir = IntPtr.Zero;
        }
    }

    private int Descriptor => _dir == IntPtr.Zero ? throw new ObjectDisposedException(Path) : dirfd(_dir);

    private static byte[] Terminated(byte[] name)
    {
        var z = new byte[name.Length + 1];
        name.CopyTo(z, 0);
        return z;
    }

    private static IOException Error(string what, string path, int errno) =>
        new($"{what} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr opendir(byte[] path);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr readdir(IntPtr dir);

    [DllImport("libc", SetLastError = true)]
    private static extern void rewinddir(IntPtr dir);

    [DllImport("libc", SetLastError = true)]
    private static extern int dirfd(IntPtr dir);

    [DllImport("libc", SetLastError = true)]
    private static extern int closedir(IntPtr dir);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlinkat(int dirfd, byte[] path, int flags);
}
