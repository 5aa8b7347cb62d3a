// AES in CBC mode (FIPS 197, NIST SP 800-38A section 6.2) with PKCS#7 padding (RFC 5652 section 6.3),
// over System.Security.Cryptography. Only MessageProtection uses it, after the MAC has been verified;
// it is internal so that nothing can decrypt unauthenticated data by accident.
// An instance keeps one Aes object for a stream of records, each under its own key: Aes.Create() per
// record costs an Aes object and more each time (issue 19). On .NET 10,
// SetKey copies the key into a native key box (a SafeHandle) and closes the previous one, so after each
// record a zero key replaces it: no record's key outlives its record in the Aes object. That second SetKey
// is 72 of the 208 bytes a record still allocates here (its key box and a copy of LegalKeySizes).
using System.Security.Cryptography;

namespace SecureChat.Crypto.Protection;

internal sealed class AesCbc : IDisposable
{
    public const int BlockSize = 16;
    public const int IvSize = 16;

    private static readonly byte[] ZeroKey = new byte[32];

    private readonly Aes _aes = Aes.Create();
    private bool _disposed;

    /// <summary>Encrypts into <paramref name="destination"/> with a one-off Aes object; returns the number of bytes written.</summary>
    public static int Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> destination, PaddingMode padding)
    {
        ValidateKeyAndIv(key, iv);
        using var aes = Aes.Create();
        aes.SetKey(key);
        return aes.EncryptCbc(plaintext, iv, destination, padding);
    }

    /// <summary>
    /// Decrypts into <paramref name="destination"/> with a one-off Aes object; <see langword="false"/> for a
    /// length that is not a whole number of blocks or for bad padding. The two failures are not told apart.
    /// </summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, PaddingMode padding, out int bytesWritten)
    {
        ValidateKeyAndIv(key, iv);
        using var aes = Aes.Create();
        return TryDecryptCore(aes, key, iv, ciphertext, destination, padding, out bytesWritten);
    }

    /// <summary>As <see cref="Encrypt"/> with this instance's Aes object, keyed for this call only.</summary>
    public int EncryptRecord(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> destination, PaddingMode padding)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateKeyAndIv(key, iv);
        try
        {
            _aes.SetKey(key);
            return _aes.EncryptCbc(plaintext, iv, destination, padding);
        }
        finally
        {
            _aes.SetKey(ZeroKey);
        }
    }

    /// <summary>As <see cref="TryDecrypt"/> with this instance's Aes object, keyed for this call only.</summary>
    public bool TryDecryptRecord(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, PaddingMode padding, out int bytesWritten)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateKeyAndIv(key, iv);
        try
        {
            return TryDecryptCore(_aes, key, iv, ciphertext, destination, padding, out bytesWritten);
        }
        finally
        {
            _aes.SetKey(ZeroKey);
        }
    }

    /// <summary>Frees the Aes object (and the zero key it holds between records).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _aes.Dispose();
        }
    }

    private static bool TryDecryptCore(Aes aes, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, PaddingMode padding, out int bytesWritten)
    {
        bytesWritten = 0;
        if (ciphertext.IsEmpty || ciphertext.Length % BlockSize != 0)
        {
            return false;
        }

        aes.SetKey(key);
        try
        {
            return aes.TryDecryptCbc(ciphertext, iv, destination, out bytesWritten, padding);
        }
        catch (CryptographicException)
        {
            // Bad padding. Whatever was written may be partial plaintext: wipe it.
            CryptographicOperations.ZeroMemory(destination);
            bytesWritten = 0;
            return false;
        }
    }

    private static void ValidateKeyAndIv(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            throw Error.OutOfRange(nameof(key), key.Length, "An AES key is 16, 24 or 32 bytes.");
        }

        if (iv.Length != IvSize)
        {
            throw Error.Length(nameof(iv), IvSize, iv.Length);
        }
    }
}
