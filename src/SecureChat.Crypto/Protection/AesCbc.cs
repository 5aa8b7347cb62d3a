// AES in CBC mode (FIPS 197, NIST SP 800-38A section 6.2) with PKCS#7 padding (RFC 5652 section 6.3),
// over System.Security.Cryptography. Only MessageProtection uses it, after the MAC has been verified;
// it is internal so that nothing can decrypt unauthenticated data by accident.
using System.Security.Cryptography;

namespace SecureChat.Crypto.Protection;

internal static class AesCbc
{
    public const int BlockSize = 16;
    public const int IvSize = 16;

    /// <summary>Encrypts into <paramref name="destination"/> and returns the number of bytes written.</summary>
    public static int Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> destination, PaddingMode padding)
    {
        ValidateKeyAndIv(key, iv);
        using var aes = Aes.Create();
        aes.SetKey(key);
        return aes.EncryptCbc(plaintext, iv, destination, padding);
    }

    /// <summary>
    /// Decrypts into <paramref name="destination"/>; <see langword="false"/> for a length that is not a
    /// whole number of blocks or for bad padding. The two failures are not told apart.
    /// </summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, PaddingMode padding, out int bytesWritten)
    {
        ValidateKeyAndIv(key, iv);
        bytesWritten = 0;
        if (ciphertext.IsEmpty || ciphertext.Length % BlockSize != 0)
        {
            return false;
        }

        using var aes = Aes.Create();
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
