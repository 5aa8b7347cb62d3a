// Identity key files: PKCS#8 in PEM (RFC 5958, RFC 7468), optionally encrypted under a passphrase as
// PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018): PBKDF2-HMAC-SHA256, 600,000 iterations (OWASP's
// 2023 figure), AES-256-CBC. Files are created owner-only (0600) and, like OpenSSH, refused on load
// when any other user may read or write them.
using System.Security.Cryptography;
using System.Text;

namespace SecureChat.Crypto.Identity;

public sealed partial class IdentityKey
{
    /// <summary>The PBKDF2 iteration count for passphrase-protected key files.</summary>
    public const int PassphraseIterations = 600_000;

    private const string PlainLabel = "PRIVATE KEY";
    private const string EncryptedLabel = "ENCRYPTED PRIVATE KEY";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes the private key to <paramref name="path"/> as PEM, readable by the owner only, encrypted
    /// when a <paramref name="passphrase"/> is given. The file appears whole or not at all.
    /// </summary>
    /// <exception cref="KeyFileException">The file exists and <paramref name="overwrite"/> is false, or it cannot be written.</exception>
    public void Save(string path, ReadOnlySpan<char> passphrase = default, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ObjectDisposedException.ThrowIf(_disposed, this);

        byte[] der = passphrase.IsEmpty
            ? _rsa.ExportPkcs8PrivateKey()
            : _rsa.ExportEncryptedPkcs8PrivateKey(
                passphrase,
                new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, PassphraseIterations));
        char[] pem = PemEncoding.Write(passphrase.IsEmpty ? PlainLabel : EncryptedLabel, der);
        byte[] bytes = new byte[Encoding.ASCII.GetByteCount(pem) + 1];
        try
        {
            int length = Encoding.ASCII.GetBytes(pem, bytes);
            bytes[length] = (byte)'\n';
            WriteOwnerOnly(Path.GetFullPath(path), bytes, overwrite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(bytes);
            Array.Clear(pem);
        }
    }

    /// <summary>
    /// Reads a key written by <see cref="Save"/> (or any PKCS#8 PEM RSA key). A <paramref name="passphrase"/>
    /// is needed for an encrypted file and ignored for a plain one.
    /// </summary>
    /// <exception cref="KeyFileException">
    /// The file is missing or unreadable, accessible by other users, not a PKCS#8 private key, or encrypted
    /// and the passphrase is missing or wrong.
    /// </exception>
    public static IdentityKey Load(string path, ReadOnlySpan<char> passphrase = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RefuseLoosePermissions(path);

        byte[] bytes = ReadFile(path);
        char[] text = new char[bytes.Length];
        byte[]? der = null;
        try
        {
            int charCount = Encoding.ASCII.GetChars(bytes, text);
            ReadOnlySpan<char> pem = text.AsSpan(0, charCount);
            if (!PemEncoding.TryFind(pem, out PemFields fields))
            {
                Error.ThrowKeyFile($"{path} is not a PEM key file.");
            }

            ReadOnlySpan<char> label = pem[fields.Label];
            der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(pem[fields.Base64Data], der, out _))
            {
                Error.ThrowKeyFile($"{path} holds damaged PEM data.");
            }

            if (label.SequenceEqual(PlainLabel))
            {
                return ImportPlain(path, der);
            }

            if (label.SequenceEqual(EncryptedLabel))
            {
                return ImportEncrypted(path, der, passphrase);
            }

            throw new KeyFileException($"{path} holds a '{label}', not a PKCS#8 private key.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            Array.Clear(text);
            if (der is not null)
            {
                CryptographicOperations.ZeroMemory(der);
            }
        }
    }

    private static IdentityKey ImportPlain(string path, byte[] der)
    {
        try
        {
            return ImportPkcs8(der);
        }
        catch (InvalidKeyException e)
        {
            throw new KeyFileException($"{path} does not hold a usable RSA identity key: {e.Message}", e);
        }
    }

    private static IdentityKey ImportEncrypted(string path, byte[] der, ReadOnlySpan<char> passphrase)
    {
        if (passphrase.IsEmpty)
        {
            Error.ThrowKeyFile($"{path} is encrypted: a passphrase is needed.");
        }

        RSA rsa = RSA.Create();
        try
        {
            rsa.ImportEncryptedPkcs8PrivateKey(passphrase, der, out int bytesRead);
            if (bytesRead != der.Length)
            {
                Error.ThrowKeyFile($"{path} has trailing data after its key.");
            }

            return new IdentityKey(rsa);
        }
        catch (KeyFileException)
        {
            rsa.Dispose();
            throw;
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            throw new KeyFileException($"{path} could not be decrypted: wrong passphrase, or the file is damaged.", e);
        }
    }

    private static void RefuseLoosePermissions(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            Error.ThrowKeyFile(
                $"{path} is accessible by other users (mode {Octal(mode)}); a private key must be owner-only. Run: chmod 600 '{path}'");
        }
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"{path} cannot be read: {e.Message}", e);
        }
    }

    private static void WriteOwnerOnly(string path, byte[] contents, bool overwrite)
    {
        if (!overwrite && File.Exists(path))
        {
            Error.ThrowKeyFile($"{path} already exists; refusing to overwrite a key.");
        }

        string directory = Path.GetDirectoryName(path) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new KeyFileException($"{path} cannot be written: {e.Message}", e);
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}
