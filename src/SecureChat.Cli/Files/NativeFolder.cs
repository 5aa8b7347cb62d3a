// The *at(2) calls that act on names inside an already-open folder (Linux). A name is looked up in the
// folder the descriptor refers to, never by path again: once the receive folder is open, renaming it away
// and putting a link in its place redirects nothing. Source-generated [LibraryImport] stubs, no reflection;
// every descriptor is owned by a SafeFileHandle.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Cli.Files;

/// <summary>openat, unlinkat, renameat2 and renameat relative to a folder descriptor (Linux only).</summary>
internal static partial class NativeFolder
{
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;

    private const int AtFdCwd = -100;
    private const int ORdOnly = 0x0;
    private const int OWrOnly = 0x1;
    private const int ORdWr = 0x2;
    private const int OCreat = 0x40;
    private const int OExcl = 0x80;
    private const int ONonBlock = 0x800;
    private const int ODirectory = 0x10000;
    private const int ONoFollow = 0x20000;
    private const int OCloExec = 0x80000;
    private const uint NoReplace = 1; // RENAME_NOREPLACE
    private const uint OwnerReadWrite = 0x180; // 0600

    /// <summary>Opens the folder itself: a folder, not a link to one, not inherited by child processes.</summary>
    /// <returns>The descriptor, or the errno as a negative number.</returns>
    public static SafeFileHandle? OpenFolder(string path, out int errno)
        => Wrap(OpenAtCwd(AtFdCwd, path, ORdOnly | ODirectory | ONoFollow | OCloExec, 0), out errno);

    /// <summary>Creates <paramref name="name"/> exclusively (a link or anything there is refused, not followed), mode 0600.</summary>
    public static SafeFileHandle? CreateExclusive(SafeFileHandle folder, string name, bool read, out int errno)
        => Wrap(OpenAt(folder, name, (read ? ORdWr : OWrOnly) | OCreat | OExcl | ONoFollow | OCloExec, OwnerReadWrite), out errno);

    /// <summary>
    /// Opens an existing <paramref name="name"/> without following a link; O_NONBLOCK so that a FIFO planted
    /// there cannot block the open (the caller then refuses anything but a regular file).
    /// </summary>
    public static SafeFileHandle? OpenExisting(SafeFileHandle folder, string name, bool write, out int errno)
        => Wrap(OpenAt(folder, name, (write ? ORdWr : ORdOnly) | ONoFollow | ONonBlock | OCloExec, 0), out errno);

    /// <summary>Removes the entry <paramref name="name"/> (a link itself, never its target); 0 or the errno.</summary>
    public static int Unlink(SafeFileHandle folder, string name)
        => UnlinkAt(folder, name, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Renames within the folder, refusing to replace anything; 0 or the errno (ENOSYS/EINVAL where unsupported).</summary>
    public static int RenameNoReplace(SafeFileHandle folder, string from, string to)
    {
        try
        {
            return RenameAt2(folder, from, folder, to, NoReplace) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            return ENOSYS; // a libc older than glibc 2.28
        }
    }

    /// <summary>Renames within the folder, replacing <paramref name="to"/>; 0 or the errno.</summary>
    public static int Rename(SafeFileHandle folder, string from, string to)
        => RenameAt(folder, from, folder, to) == 0 ? 0 : Marshal.GetLastPInvokeError();

    private static SafeFileHandle? Wrap(int fd, out int errno)
    {
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int OpenAtCwd(int folder, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int OpenAt(SafeFileHandle folder, string name, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int UnlinkAt(SafeFileHandle folder, string name, int flags);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int RenameAt2(SafeFileHandle fromFolder, string from, SafeFileHandle toFolder, string to, uint flags);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int RenameAt(SafeFileHandle fromFolder, string from, SafeFileHandle toFolder, string to);
}
