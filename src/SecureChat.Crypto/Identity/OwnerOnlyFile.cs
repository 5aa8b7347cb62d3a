// Files that only their owner may touch, for private keys: written 0600 in folders made 0700, read only
// when no group or other permission bit is set (as OpenSSH refuses an "UNPROTECTED PRIVATE KEY FILE").
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace SecureChat.Crypto.Identity;

internal static class OwnerOnlyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Reads the file through one handle, so the permissions checked are those of the bytes read: no one
    /// can swap the file between the check and the read.
    /// </summary>
    public static byte[] Read(string path, int maxSize)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (!OperatingSystem.IsWindows())
            {
                UnixFileMode mode = File.GetUnixFileMode(handle);
                if ((mode & GroupOrOther) != 0)
                {
                    throw Error.KeyFile(
                        $"{path} is accessible by other users (mode {Octal(mode)}); a private key must be owner-only. Run: chmod 600 '{path}'");
                }
            }

            long length = RandomAccess.GetLength(handle);
            if (length <= 0 || length > maxSize)
            {
                throw Error.KeyFile($"{path} is not a key file ({length} bytes; at most {maxSize}).");
            }

            byte[] bytes = new byte[length];
            int read = 0;
            while (read < bytes.Length)
            {
                int n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    throw Error.KeyFile($"{path} changed while it was read.");
                }

                read += n;
            }

            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error.KeyFile($"{path} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Without <paramref name="overwrite"/>, creates the file exclusively (O_EXCL), so an existing key is never
    /// replaced, even by a race. With it, writes a temporary file and renames it over the old one, so the
    /// key file is always whole.
    /// </summary>
    public static void Write(string path, byte[] contents, bool overwrite)
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
