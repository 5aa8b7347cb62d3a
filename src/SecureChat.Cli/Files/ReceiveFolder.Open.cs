// The receive folder's files by name, relative to the folder opened once (Linux; see ReceiveFolder.cs), and
// by path elsewhere.
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Cli.Files;

/// <summary>Creating, opening, removing and naming files in the receive folder.</summary>
public sealed partial class ReceiveFolder
{
    private const int GroupOrOtherWrite = 0x12; // 0022

    // The open folder (Linux), opened and checked on first use and held from then on. Not disposed with the
    // instance: a ReceiveFolder lives as long as the transfers using it, and the SafeHandle closes the
    // descriptor when it is collected.
    private SafeFileHandle? _handle;

    /// <summary>Creates <paramref name="name"/> in the folder exclusively, mode 0600 (a link there is refused, not followed).</summary>
    /// <exception cref="IOException">Something is there already, or it could not be created.</exception>
    internal FileStream CreateNew(string name, FileAccess access)
    {
        if (NativeFile.KnowsIdentity)
        {
            SafeFileHandle? handle = NativeFolder.CreateExclusive(Handle(), name, access.HasFlag(FileAccess.Read), out int errno);
            try
            {
                if (handle is null)
                {
                    throw new IOException($"Cannot create '{name}' in '{Folder}' (errno {errno}).");
                }

                var stream = new FileStream(handle, access);
                handle = null; // the stream owns it now
                return stream;
            }
            finally
            {
                handle?.Dispose();
            }
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(Path.Combine(Folder, name), options);
    }

    /// <summary>
    /// Opens the existing <paramref name="name"/> without following a link, and without blocking on a FIFO;
    /// the caller checks with <see cref="NativeFile.FStat"/> that it is the file it expects.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="IOException">A link is there, or it could not be opened.</exception>
    internal SafeFileHandle OpenExisting(string name, FileAccess access)
    {
        if (!NativeFile.KnowsIdentity)
        {
            return File.OpenHandle(Path.Combine(Folder, name), FileMode.Open, access, FileShare.None);
        }

        return NativeFolder.OpenExisting(Handle(), name, access.HasFlag(FileAccess.Write), out int errno) ?? throw errno switch
        {
            NativeFolder.ENOENT => new FileNotFoundException($"'{name}' is gone from '{Folder}'."),
            NativeFolder.ELOOP => new IOException($"'{name}' in '{Folder}' is a symbolic link."),
            _ => new IOException($"Cannot open '{name}' in '{Folder}' (errno {errno})."),
        };
    }

    /// <summary>Removes the entry <paramref name="name"/> if it is there (a link itself, never its target).</summary>
    /// <exception cref="IOException">It could not be removed.</exception>
    internal void Delete(string name)
    {
        if (!NativeFile.KnowsIdentity)
        {
            File.Delete(Path.Combine(Folder, name));
            return;
        }

        int errno = NativeFolder.Unlink(Handle(), name);
        if (errno is not 0 and not NativeFolder.ENOENT)
        {
            throw new IOException($"Cannot remove '{name}' from '{Folder}' (errno {errno}).");
        }
    }

    /// <summary>What is at <paramref name="name"/>, without following a link; null if nothing is.</summary>
    internal FileStatus? StatOf(string name)
    {
        if (!NativeFile.KnowsIdentity)
        {
            string path = Path.Combine(Folder, name);
            FileStatus? status = NativeFile.LStat(path);
            return status is { Kind: EntryKind.Regular } regular ? regular with { Size = new FileInfo(path).Length } : status;
        }

        return NativeFile.LStatAt(Handle(), name);
    }

    /// <summary>The names in the folder matching <paramref name="pattern"/> (on Linux, of the folder that was opened).</summary>
    internal IReadOnlyList<string> Names(string pattern)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        if (!NativeFile.KnowsIdentity)
        {
            return [.. Directory.EnumerateFileSystemEntries(Folder, pattern).Select(e => Path.GetFileName(e))];
        }

        // /proc/self/fd/N is the open folder itself, wherever its path now points.
        SafeFileHandle handle = Handle();
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            string self = string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{handle.DangerousGetHandle()}");
            return [.. Directory.EnumerateFileSystemEntries(self, pattern).Select(e => Path.GetFileName(e))];
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // Linux: the final name is taken atomically, never replacing anything; a taken one is tried with the next number.
    private string CommitAt(string partialName, string safeName)
    {
        SafeFileHandle folder = Handle();
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            string name = Numbered(safeName, attempt);
            int errno = NativeFolder.RenameNoReplace(folder, partialName, name);
            if (errno is NativeFolder.ENOSYS or NativeFolder.EINVAL)
            {
                errno = ClaimThenRename(folder, partialName, name);
            }

            switch (errno)
            {
                case 0:
                    return Path.Combine(Folder, name);
                case NativeFolder.EEXIST:
                    continue;
                case NativeFolder.ENOENT:
                    throw new FileNotFoundException($"The partial file '{partialName}' is gone from '{Folder}'.");
                default:
                    throw new IOException($"Cannot name the received file '{name}' in '{Folder}' (errno {errno}).");
            }
        }

        throw new IOException($"Could not name the received file '{safeName}' in '{Folder}': {MaxAttempts} names are taken.");
    }

    // Where renameat2 has no RENAME_NOREPLACE: claim the name with an exclusive create, then rename over our claim.
    private static int ClaimThenRename(SafeFileHandle folder, string partialName, string name)
    {
        using (SafeFileHandle? claim = NativeFolder.CreateExclusive(folder, name, read: false, out int errno))
        {
            if (claim is null)
            {
                return errno;
            }
        }

        int renamed = NativeFolder.Rename(folder, partialName, name);
        if (renamed != 0)
        {
            _ = NativeFolder.Unlink(folder, name); // our empty claim, not someone's file
        }

        return renamed;
    }

    // Opened once, checked through the descriptor itself (a folder, ours, not writable by others), then held.
    private SafeFileHandle Handle()
    {
        if (_handle is { } open)
        {
            return open;
        }

        SafeFileHandle handle = NativeFolder.OpenFolder(Folder, out int errno) ?? throw errno switch
        {
            NativeFolder.ENOENT => new DirectoryNotFoundException($"The receive folder '{Folder}' does not exist."),
            // O_DIRECTORY|O_NOFOLLOW on a link says ENOTDIR (or ELOOP): the link is not followed.
            NativeFolder.ELOOP or NativeFolder.ENOTDIR => new UnsafeFolderException($"The receive folder {Folder} is a symbolic link or not a folder; give the folder itself."),
            _ => new IOException($"Cannot open the receive folder '{Folder}' (errno {errno})."),
        };
        try
        {
            Check(NativeFile.FStat(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return Interlocked.CompareExchange(ref _handle, handle, null) is { } other ? Disposed(handle, other) : handle;
    }

    private static SafeFileHandle Disposed(SafeFileHandle loser, SafeFileHandle winner)
    {
        loser.Dispose();
        return winner;
    }

    private void Check(FileStatus status)
    {
        if (status.Kind != EntryKind.Directory)
        {
            throw new UnsafeFolderException($"The receive folder {Folder} is not a folder.");
        }

        if ((status.Mode & GroupOrOtherWrite) != 0)
        {
            throw new UnsafeFolderException(
                $"The receive folder {Folder} can be written by other users (mode 0{Convert.ToString(status.Mode, 8)}); received files could be redirected there. Run: chmod go-w '{Folder}'");
        }

        if (NativeFile.EffectiveUser is { } me && status.Owner is { } owner && owner != me)
        {
            throw new UnsafeFolderException(
                $"The receive folder {Folder} belongs to another user (uid {owner}); received files could be redirected there. Run: sudo chown \"$(id -un)\" '{Folder}', or choose one of yours with --accept-files.");
        }
    }
}
