// Files that only their owner may touch, for secrets (the identity key, a pre-shared key): written 0600 in
// folders made 0700, read only when no group or other permission bit is set (as OpenSSH refuses an
// "UNPROTECTED PRIVATE KEY FILE"). The one place that rule is checked.
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Crypto.Secrets;

/// <summary>Reads and writes secret files that only their owner may access.</summary>
public static class OwnerOnlyFile
{
    /// <summary>Every permission bit of group and others: a secret file with any of them set is refused.</summary>
    public const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Reads at most <paramref name="maxSize"/> bytes through one handle, so the permissions checked are those
    /// of the bytes read: no one can swap the file between the check and the read. Read as a stream, not by
    /// length, so that a pipe works too (<c>--psk-file &lt;(pass show chat)</c>). The caller wipes the bytes.
    /// <paramref name="what"/> names the secret in messages ("a private key", "a pre-shared key").
    /// </summary>
    /// <exception cref="KeyFileException">
    /// The file cannot be opened or read, is accessible by group or others (the message gives the chmod to
    /// run), or holds more than <paramref name="maxSize"/> bytes.
    /// </exception>
    public static byte[] Read(string path, int maxSize, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSize);
        byte[] buffer = new byte[maxSize + 1];
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (!OperatingSystem.IsWindows())
            {
                UnixFileMode mode = File.GetUnixFileMode(handle);
                if ((mode & GroupOrOther) != 0)
                {
                    throw Error.KeyFile(
                        $"{path} is accessible by other users (mode {Octal(mode)}); {what} must be owner-only. Run: chmod 600 '{path}'");
                }
            }

            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            int read = 0;
            int n;
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0)
            {
                read += n;
            }

            return read <= maxSize
                ? buffer[..read]
                : throw Error.KeyFile($"{path} is larger than {maxSize} bytes; that is not a key file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error.KeyFile($"{path} cannot be read: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>
    /// Without <paramref name="overwrite"/>, creates the file exclusively (O_EXCL), so an existing key is never
    /// replaced, even by a race. With it, writes a temporary file and renames it over the old one, so the
    /// key file is always whole.
    /// </summary>
    internal static void Write(string path, byte[] contents, bool overwrite)
    {
        string directory = Path.GetDirectoryName(path) ?? ".";
        string target = overwrite
            ? Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}.tmp")
            : path;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        bool created = false;
        bool done = false;
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                options.UnixCreateMode = OwnerOnly;
                CreateOwnerOnlyDirectories(directory);
            }

            using (var stream = new FileStream(target, options))
            {
                created = true;
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            if (overwrite)
            {
                File.Move(target, path, overwrite: true);
            }

            done = true;
        }
        catch (IOException e) when (!created && File.Exists(target))
        {
            throw Error.KeyFile($"{path} already exists; refusing to overwrite a key.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error.KeyFile($"{path} cannot be written: {e.Message}", e);
        }
        finally
        {
            if (created && !done)
            {
                TryDelete(target);
            }
        }
    }

    /// <summary>Creates every missing folder on the way to <paramref name="directory"/> with mode 0700 (existing ones are left alone).</summary>
    [UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnlyDirectories(string directory)
    {
        var missing = new Stack<string>();
        for (string? dir = directory; !string.IsNullOrEmpty(dir) && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
        {
            missing.Push(dir);
        }

        while (missing.TryPop(out string? dir))
        {
            Directory.CreateDirectory(dir, OwnerOnly | UnixFileMode.UserExecute);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is what the caller needs to see; a leftover temporary file is harmless.
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}
