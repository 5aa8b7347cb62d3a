// What .NET does not say about a file: its type without following a link, its device and inode, its link
// count and its owner. Read with statx(2) (Linux 4.11+, glibc 2.28+), whose struct has one layout on every
// architecture, so no per-architecture struct stat is needed. Elsewhere (macOS, Windows) only what
// FileSystemInfo offers is known: the type, and no identity; callers then rely on exclusive creates alone.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Cli.Files;

/// <summary>The kind of a directory entry, as lstat sees it (a link is not followed).</summary>
internal enum EntryKind
{
    Regular,
    Directory,
    SymbolicLink,
    Other,
}

/// <summary>What lstat or fstat says about one file.</summary>
/// <param name="Kind">Regular file, folder, link or anything else (FIFO, socket, device).</param>
/// <param name="Device">The device, or 0 where unknown.</param>
/// <param name="Inode">The inode, or 0 where unknown.</param>
/// <param name="Links">The hard link count, or 1 where unknown.</param>
/// <param name="Owner">The owner's user id, or null where unknown.</param>
/// <param name="Mode">The permission bits (as 0777 masks them), or 0 where unknown.</param>
/// <param name="Size">The size in bytes, or 0 where unknown.</param>
internal readonly record struct FileStatus(EntryKind Kind, ulong Device, ulong Inode, uint Links, uint? Owner, int Mode = 0, long Size = 0);

/// <summary>lstat/fstat and the effective user id, through statx on Linux.</summary>
internal static class NativeFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>True where device, inode, link count and owner are known.</summary>
    public static bool KnowsIdentity => OperatingSystem.IsLinux();

    /// <summary>The effective user id, or null where there is none to compare.</summary>
    public static uint? EffectiveUser => KnowsIdentity ? geteuid() : null;

    /// <summary>What is at <paramref name="path"/>, without following a link there; null if nothing is.</summary>
    /// <exception cref="IOException">The file system refused to say.</exception>
    public static FileStatus? LStat(string path)
    {
        if (!KnowsIdentity)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                return new FileStatus(EntryKind.SymbolicLink, 0, 0, 1, null);
            }

            return info.Exists ? new FileStatus(EntryKind.Regular, 0, 0, 1, null)
                : Directory.Exists(path) ? new FileStatus(EntryKind.Directory, 0, 0, 1, null)
                : null;
        }

        byte[] buffer = new byte[StatxSize];
        if (statx(AtFdCwd, NullTerminated(path), AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            return error is ENOENT or ENOTDIR ? null : throw new IOException($"Cannot inspect '{path}' (errno {error}).");
        }

        return Parse(buffer);
    }

    /// <summary>What is at <paramref name="name"/> inside the open <paramref name="folder"/>, without following a link; null if nothing is (Linux).</summary>
    /// <exception cref="IOException">The file system refused to say.</exception>
    public static FileStatus? LStatAt(SafeFileHandle folder, string name)
    {
        ArgumentNullException.ThrowIfNull(folder);
        byte[] buffer = new byte[StatxSize];
        bool added = false;
        try
        {
            folder.DangerousAddRef(ref added);
            int fd = checked((int)folder.DangerousGetHandle());
            if (statx(fd, NullTerminated(name), AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
            {
                int error = Marshal.GetLastPInvokeError();
                return error is ENOENT or ENOTDIR ? null : throw new IOException($"Cannot inspect '{name}' (errno {error}).");
            }
        }
        finally
        {
            if (added)
            {
                folder.DangerousRelease();
            }
        }

        return Parse(buffer);
    }

    /// <summary>What the open <paramref name="handle"/> refers to.</summary>
    /// <exception cref="IOException">The file system refused to say.</exception>
    public static FileStatus FStat(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!KnowsIdentity)
        {
            return new FileStatus(EntryKind.Regular, 0, 0, 1, null);
        }

        byte[] buffer = new byte[StatxSize];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = checked((int)handle.DangerousGetHandle());
            if (statx(fd, [0], AtEmptyPath, StatxBasicStats, buffer) != 0)
            {
                throw new IOException($"Cannot inspect an open file (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return Parse(buffer);
    }

    // struct statx: nlink at 16, uid at 20, mode at 28, ino at 32, size at 40, dev_major at 136, dev_minor at 140.
    private static FileStatus Parse(byte[] b)
    {
        int mode = BitConverter.ToUInt16(b, 28) & 0x1FF;
        long size = BitConverter.ToInt64(b, 40);
        uint links = BitConverter.ToUInt32(b, 16);
        uint owner = BitConverter.ToUInt32(b, 20);
        int type = BitConverter.ToUInt16(b, 28) & 0xF000;
        ulong inode = BitConverter.ToUInt64(b, 32);
        ulong device = ((ulong)BitConverter.ToUInt32(b, 136) << 32) | BitConverter.ToUInt32(b, 140);
        EntryKind kind = type switch
        {
            0x8000 => EntryKind.Regular,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.SymbolicLink,
            _ => EntryKind.Other,
        };
        return new FileStatus(kind, device, inode, links, owner, mode, size);
    }

    private static byte[] NullTerminated(string path) => [.. System.Text.Encoding.UTF8.GetBytes(path), 0];

    // DllImport, not LibraryImport: byte arrays and integers are blittable, so no marshalling code (and no
    // unsafe block the generated code would need) is involved.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint geteuid();
}
