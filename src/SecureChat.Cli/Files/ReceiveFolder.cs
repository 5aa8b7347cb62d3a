// Where received files land. A file is written first to a hidden partial file (PartialFiles). Once
// complete it is committed under its own name, or "name (1).ext", "name (2).ext", ... if that is taken. Each attempt claims the name by creating it exclusively and then renames the partial over
// that empty claim, so a taken name is only recognised when the exclusive create refused it: a file the user
// already has is never replaced, not even one another program (or another commit) creates between our
// attempts. For a moment the final name holds an empty file, never a partial one.
// On Linux the folder is opened once (O_DIRECTORY|O_NOFOLLOW), checked through that descriptor, and every
// create, open, unlink and rename names a file relative to it (NativeFolder): nothing is checked by path and
// then used by path again, so swapping the folder for a link after it was opened redirects nothing. There
// the final name is taken with renameat2(RENAME_NOREPLACE), atomically; the claim-then-rename above is what
// kernels and file systems without it (ENOSYS, EINVAL) and other systems do.
using System.Globalization;

namespace SecureChat.Cli.Files;

/// <summary>The folder received files are written to: their partial files, and their final names.</summary>
public sealed partial class ReceiveFolder
{
    private const int MaxAttempts = 10_000;

    /// <summary>Receives into <paramref name="folder"/>, which must exist when the folder is used.</summary>
    public ReceiveFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
    }

    /// <summary>The folder's full path.</summary>
    public string Folder { get; }

    /// <summary>
    /// The default receive folder: <c>$XDG_DOWNLOAD_DIR/SecureChat</c>, else <c>~/Downloads/SecureChat</c>;
    /// never the current folder (which may well be a source tree). Null when there is no home to put it in.
    /// </summary>
    public static string? DefaultPath(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? downloads = environment("XDG_DOWNLOAD_DIR") is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg) ? xdg : null;
        if (downloads is null)
        {
            string home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (home.Length == 0)
            {
                return null;
            }

            downloads = Path.Combine(home, "Downloads");
        }

        return Path.Combine(downloads, "SecureChat");
    }

    /// <summary>Creates the folder (owner-only) if it is missing, then checks it as <see cref="CheckSafe"/> does.</summary>
    /// <exception cref="IOException">It cannot be created, or others could write into it.</exception>
    public void CreateIfMissing()
    {
        if (!Directory.Exists(Folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Folder);
            }
            else
            {
                Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        CheckSafe();
    }

    /// <summary>
    /// Refuses a folder another user could write into (or that another user owns): whoever can write there
    /// can put a link where a received file is about to go. The message says the chmod that fixes it.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="UnsafeFolderException">Others could write into it.</exception>
    public void CheckSafe()
    {
        RequireFolder();
        if (NativeFile.KnowsIdentity)
        {
            Check(NativeFile.FStat(Handle()));
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(Folder);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new UnsafeFolderException(
                $"The receive folder {Folder} can be written by other users (mode 0{Convert.ToString((int)mode & 0x1FF, 8)}); received files could be redirected there. Run: chmod go-w '{Folder}'");
        }

        if (NativeFile.EffectiveUser is { } me && NativeFile.LStat(Folder + Path.DirectorySeparatorChar) is { Owner: { } owner } && owner != me)
        {
            throw new UnsafeFolderException($"The receive folder {Folder} belongs to another user (uid {owner}); received files could be redirected there. Run: sudo chown \"$(id -un)\" '{Folder}', or choose one of yours with --accept-files.");
        }
    }

    /// <summary>
    /// Moves the finished partial file to <paramref name="safeName"/>, or to the first free
    /// <c>name (n).ext</c>, never replacing an existing file; returns the final full path.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a <see cref="SafeFileName"/>, or the partial is not in this folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The partial file does not exist.</exception>
    /// <exception cref="IOException">All 10,000 names are taken, or the move failed.</exception>
    public string Commit(string partialPath, string safeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(partialPath);
        RequireSafe(safeName);
        string source = Path.GetFullPath(partialPath);
        if (!string.Equals(Path.GetDirectoryName(source), Folder, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The partial file '{source}' is not in the receive folder '{Folder}'.", nameof(partialPath));
        }

        RequireFolder();
        if (NativeFile.KnowsIdentity)
        {
            return CommitAt(Path.GetFileName(source), safeName);
        }

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            string destination = Path.Combine(Folder, Numbered(safeName, attempt));

            // The name is claimed by creating it exclusively (O_CREAT|O_EXCL), then the partial is renamed over
            // our own claim. File.Move(overwrite: false) is not enough: on Unix it checks that the destination
            // is free and then renames, so two commits at once could both take one name, the second replacing
            // the first (ReceiveFolderTests.Commit_ManyAtOnceUnderOneName caught it under load).
            try
            {
                var claim = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    claim.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                new FileStream(destination, claim).Dispose();
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && NativeFile.LStat(destination) is not null)
            {
                // Taken, by a file, a folder, a FIFO or a link (even one to nothing, which Path.Exists would
                // call free): O_EXCL refused it without following it. Try the next number.
                continue;
            }

            try
            {
                File.Move(source, destination, overwrite: true);
                return destination;
            }
            catch
            {
                File.Delete(destination); // our empty claim, not someone's file
                throw;
            }
        }

        throw new IOException($"Could not name the received file '{safeName}' in '{Folder}': {MaxAttempts} names are taken.");
    }

    // "report.pdf" -> "report (1).pdf"; "file" -> "file (1)".
    private static string Numbered(string safeName, int number)
    {
        if (number == 0)
        {
            return safeName;
        }

        int extensionStart = SafeFileName.ExtensionStart(safeName);
        return string.Create(CultureInfo.InvariantCulture, $"{safeName.AsSpan(0, extensionStart)} ({number}){safeName.AsSpan(extensionStart)}");
    }

    // A raw peer name here would put the partial or the final file outside the folder.
    private static void RequireSafe(string safeName)
    {
        ArgumentNullException.ThrowIfNull(safeName);
        if (!string.Equals(SafeFileName.FromPeer(safeName), safeName, StringComparison.Ordinal))
        {
            throw new ArgumentException("The name must be one returned by SafeFileName.FromPeer.", nameof(safeName));
        }
    }

    private void RequireFolder()
    {
        if (!Directory.Exists(Folder))
        {
            throw new DirectoryNotFoundException($"The receive folder '{Folder}' does not exist.");
        }
    }
}

/// <summary>A receive folder that others could write into, or that another user owns.</summary>
public sealed class UnsafeFolderException(string message) : IOException(message);
