// Where received files land. A file is written first to a hidden partial named after its safe name and
// the first 64 bits of its SHA-256, so the same file offered again finds the same partial and the transfer
// resumes. Once complete it is committed under its own name, or "name (1).ext", "name (2).ext", ... if
// that is taken. Each attempt claims the name by creating it exclusively and then renames the partial over
// that empty claim, so a taken name is only recognised when the exclusive create refused it: a file the user
// already has is never replaced, not even one another program (or another commit) creates between our
// attempts. For a moment the final name holds an empty file, never a partial one.
using System.Globalization;
using System.Security.Cryptography;

namespace SecureChat.Cli.Files;

/// <summary>The folder received files are written to: their partial files, and their final names.</summary>
public sealed class ReceiveFolder
{
    /// <summary>How every partial file's name ends.</summary>
    public const string PartialSuffix = ".securechat-partial";

    private const int MaxAttempts = 10_000;
    private const int PartialHashBytes = 8;

    /// <summary>Receives into <paramref name="folder"/>, which must exist when the folder is used.</summary>
    public ReceiveFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
    }

    /// <summary>The folder's full path.</summary>
    public string Folder { get; }

    /// <summary>
    /// The hidden partial file for <paramref name="safeName"/> with content hash <paramref name="sha256"/>:
    /// <c>.name.&lt;16 hex digits&gt;.securechat-partial</c>, the same for the same file offered again.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a <see cref="SafeFileName"/> or the hash is not 32 bytes.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public string PartialPath(string safeName, ReadOnlySpan<byte> sha256)
    {
        RequireSafe(safeName);
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"A SHA-256 hash is {SHA256.HashSizeInBytes} bytes, not {sha256.Length}.", nameof(sha256));
        }

        RequireFolder();
        return Path.Combine(Folder, "." + safeName + "." + Convert.ToHexStringLower(sha256[..PartialHashBytes]) + PartialSuffix);
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
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            string destination = Path.Combine(Folder, Numbered(safeName, attempt));

            // The name is claimed by creating it exclusively (O_CREAT|O_EXCL), then the partial is renamed over
            // our own claim. File.Move(overwrite: false) is not enough: on Unix it checks that the destination
            // is free and then renames, so two commits at once could both take one name, the second replacing
            // the first (ReceiveFolderTests.Commit_ManyAtOnceUnderOneName caught it under load).
            try
            {
                new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && Path.Exists(destination))
            {
                continue; // taken (by a file or a folder): try the next number
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
