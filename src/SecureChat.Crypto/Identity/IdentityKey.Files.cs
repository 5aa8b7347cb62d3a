// Identity key files: PKCS#8 in PEM (RFC 5958, RFC 7468), optionally encrypted under a passphrase as
// PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018): PBKDF2-HMAC-SHA256, 600,000 iterations (OWASP's
// 2023 figure), AES-256-CBC. OwnerOnlyFile does the file-system side: created 0600 and, like OpenSSH,
// refused on load when any other user may read or write them.
using System.Security.Cryptography;
using System.Text;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Identity;

public sealed partial class IdentityKey
{
    /// <summary>The PBKDF2 iteration count for passphrase-protected key files.</summary>
    public const int PassphraseIterations = 600_000;

    private const string PlainLabel = "PRIVATE KEY";
    private const string EncryptedLabel = "ENCRYPTED PRIVATE KEY";

    /// <summary>The largest key file read: an 8192-bit key in encrypted PEM is about 7 KB.</summary>
    private const int MaxFileSize = 64 * 1024;

    /// <summary>
    /// Writes the private key, unencrypted, to <paramref name="path"/> as PEM readable by the owner only.
    /// Missing folders are created owner-only too.
    /// </summary>
    /// <exception cref="KeyFileException">The file exists and <paramref name="overwrite"/> is false, or it cannot be written.</exception>
    public void Save(string path, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Write(path, PlainLabel, _rsa.ExportPkcs8PrivateKey(), overwrite);
    }

    /// <summary>
    /// Writes the private key to <paramref name="path"/> as PEM encrypted under <paramref name="passphrase"/>
    /// (PBES2: PBKDF2-HMAC-SHA256, <see cref="PassphraseIterations"/> iterations, AES-256-CBC), owner-only.
    /// </summary>
    /// <exception cref="ArgumentException">The passphrase is empty.</exception>
    /// <exception cref="KeyFileException">The file exists and <paramref name="overwrite"/> is false, or it cannot be written.</exception>
    public void SaveEncrypted(string path, ReadOnlySpan<char> passphrase, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (passphrase.IsEmpty)
        {
            throw new ArgumentException("A passphrase must not be empty; use Save for an unencrypted key.", nameof(passphrase));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] der = _rsa.ExportEncryptedPkcs8PrivateKey(
            passphrase,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, PassphraseIterations));
        Write(path, EncryptedLabel, der, overwrite);
    }

    /// <summary>
    /// Reads a key written by <see cref="Save"/> or <see cref="SaveEncrypted"/> (or any single PKCS#8 PEM RSA
    /// key). A <paramref name="passphrase"/> is needed for an encrypted file and ignored for a plain one.
    /// </summary>
    /// <exception cref="KeyFileException">
    /// The file is missing, unreadable, not a regular file of sensible size, accessible by other users, not
    /// exactly one PKCS#8 private key, or encrypted and the passphrase is missing or wrong.
    /// </exception>
    public static IdentityKey Load(string path, ReadOnlySpan<char> passphrase = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = OwnerOnlyFile.Read(path, MaxFileSize, "a private key");
        if (bytes.Length == 0)
        {
            throw Error.KeyFile($"{path} is not a key file (0 bytes; at most {MaxFileSize}).");
        }

        char[] text = new char[bytes.Length];
        byte[]? der = null;
        try
        {
            int charCount = Encoding.ASCII.GetChars(bytes, text);
            ReadOnlySpan<char> pem = text.AsSpan(0, charCount);
            if (!PemEncoding.TryFind(pem, out PemFields fields) ||
                !pem[..fields.Location.Start].IsWhiteSpace() ||
                !pem[fields.Location.End..].IsWhiteSpace())
            {
                throw Error.KeyFile($"{path} is not a key file: it must hold exactly one PEM block.");
            }

            ReadOnlySpan<char> label = pem[fields.Label];
            der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(pem[fields.Base64Data], der, out _))
            {
                throw Error.KeyFile($"{path} holds damaged PEM data.");
            }

            if (label.SequenceEqual(PlainLabel))
            {
                return ImportPlain(path, der);
            }

            if (label.SequenceEqual(EncryptedLabel))
            {
                return ImportEncrypted(path, der, passphrase);
            }

            throw Error.KeyFile($"{path} holds a '{label}', not a PKCS#8 private key.");
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
            throw Error.KeyFile($"{path} does not hold a usable RSA identity key: {e.Message}", e);
        }
    }

    private static IdentityKey ImportEncrypted(string path, byte[] der, ReadOnlySpan<char> passphrase)
    {
        if (passphrase.IsEmpty)
        {
            throw Error.KeyFile($"{path} is encrypted: a passphrase is needed.");
        }

        RSA rsa = RSA.Create();
        try
        {
            rsa.ImportEncryptedPkcs8PrivateKey(passphrase, der, out int bytesRead);
            if (bytesRead != der.Length)
            {
                throw Error.KeyFile($"{path} has trailing data after its key.");
            }
        }
        catch (KeyFileException)
        {
            rsa.Dispose();
            throw;
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            throw Error.KeyFile($"{path} could not be decrypted: wrong passphrase, or the file is damaged.", e);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        try
        {
            return new IdentityKey(rsa);
        }
        catch (InvalidKeyException e)
        {
            throw Error.KeyFile($"{path} does not hold a usable RSA identity key: {e.Message}", e);
        }
    }

    private static void Write(string path, string label, byte[] der, bool overwrite)
    {
        char[] pem = PemEncoding.Write(label, der);
        byte[] bytes = new byte[Encoding.ASCII.GetByteCount(pem) + 1];
        try
        {
            int length = Encoding.ASCII.GetBytes(pem, bytes);
            bytes[length] = (byte)'\n';
            OwnerOnlyFile.Write(Path.GetFullPath(path), bytes, overwrite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(bytes);
            Array.Clear(pem);
        }
    }
}
