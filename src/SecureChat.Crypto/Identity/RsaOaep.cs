// RSAES-OAEP (RFC 8017 section 7.1) with SHA-256 and MGF1-SHA-256, an empty label, over
// System.Security.Cryptography. PKCS#1 v1.5 encryption is never used. Every decryption failure is the
// same `false`, so the errors cannot drive Manger's attack.
using System.Security.Cryptography;

namespace SecureChat.Crypto.Identity;

internal static class RsaOaep
{
    public static RSAEncryptionPadding Padding => RSAEncryptionPadding.OaepSHA256;

    public static byte[] Encrypt(RSA publicKey, ReadOnlySpan<byte> message)
    {
        try
        {
            return publicKey.Encrypt(message, Padding);
        }
        catch (CryptographicException e)
        {
            throw Error.InvalidKey("The recipient's identity key cannot be used for key wrap.", e);
        }
    }

    /// <summary>Decrypts into <paramref name="destination"/>; <see langword="false"/> for any failure at all.</summary>
    public static bool TryDecrypt(RSA privateKey, ReadOnlySpan<byte> ciphertext, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (ciphertext.Length != (privateKey.KeySize + 7) / 8)
        {
            return false;
        }

        try
        {
            return privateKey.TryDecrypt(ciphertext, destination, Padding, out bytesWritten);
        }
        catch (CryptographicException)
        {
            bytesWritten = 0;
            return false;
        }
    }
}
