// An identity key pair: RSA (3072 bits by default) whose private half unwraps secrets that peers wrap
// to it with RSA-OAEP-SHA256 (RFC 8017 section 7.1). Being able to unwrap is what proves the identity
// in the handshake, so the key never signs and never decrypts anything but 32-byte secrets.
using System.Security.Cryptography;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Identity;

/// <summary>A long-term identity key pair. Dispose it to release the private key.</summary>
public sealed partial class IdentityKey : IDisposable
{
    /// <summary>The modulus size of newly generated keys: 128-bit security (NIST SP 800-57 part 1, table 2).</summary>
    public const int DefaultKeySizeBits = 3072;

    /// <summary>The size of the secrets that are wrapped to identity keys.</summary>
    public const int WrappedSecretSize = 32;

    private readonly RSA _rsa;
    private bool _disposed;

    private IdentityKey(RSA rsa)
    {
        try
        {
            PublicKey = IdentityPublicKey.FromRsa(rsa);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        _rsa = rsa;
    }

    /// <summary>The public half, to announce to peers.</summary>
    public IdentityPublicKey PublicKey { get; }

    /// <summary>The fingerprint of the public half.</summary>
    public Fingerprint Fingerprint => PublicKey.Fingerprint;

    /// <summary>Generates a new key pair from the system's CSPRNG.</summary>
    public static IdentityKey Generate(int keySizeBits = DefaultKeySizeBits)
    {
        if (keySizeBits is < IdentityPublicKey.MinimumKeySizeBits or > IdentityPublicKey.MaximumKeySizeBits || keySizeBits % 1024 != 0)
        {
            throw Error.OutOfRange(nameof(keySizeBits), keySizeBits, "Generate 2048 to 8192 bits, in steps of 1024.");
        }

        return new IdentityKey(RSA.Create(keySizeBits));
    }

    /// <summary>Reads an unencrypted PKCS#8 RSA private key (DER).</summary>
    /// <exception cref="InvalidKeyException">The bytes are not such a key, or the key size is not accepted.</exception>
    internal static IdentityKey ImportPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        RSA rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(pkcs8, out int bytesRead);
            if (bytesRead != pkcs8.Length)
            {
                throw Error.InvalidKey("The private key has trailing bytes after its PKCS#8 structure.");
            }
        }
        catch (CryptographicException e) when (e is not InvalidKeyException)
        {
            rsa.Dispose();
            throw Error.InvalidKey("The private key is not a PKCS#8 RSA key.", e);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        return new IdentityKey(rsa);
    }

    /// <summary>
    /// Unwraps a secret that a peer wrapped to this key with <see cref="IdentityPublicKey.Wrap"/>.
    /// Returns <see langword="false"/> for every kind of failure alike, writing nothing.
    /// </summary>
    public bool TryUnwrap(ReadOnlySpan<byte> wrapped, Span<byte> secret)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (secret.Length != WrappedSecretSize)
        {
            throw Error.Length(nameof(secret), WrappedSecretSize, secret.Length);
        }

        Span<byte> buffer = stackalloc byte[IdentityPublicKey.MaximumKeySizeBits / 8];
        try
        {
            if (!RsaOaep.TryDecrypt(_rsa, wrapped, buffer, out int written) || written != WrappedSecretSize)
            {
                return false;
            }

            buffer[..WrappedSecretSize].CopyTo(secret);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Unwraps a secret, or throws <see cref="AuthenticationFailedException"/> (one message for every cause).</summary>
    public Secret Unwrap(ReadOnlySpan<byte> wrapped)
    {
        Secret secret = Secret.Allocate(WrappedSecretSize);
        if (!TryUnwrap(wrapped, secret.Writable))
        {
            secret.Dispose();
            throw Error.AuthenticationFailed();
        }

        return secret;
    }

    /// <summary>Raw OAEP decryption of a message of any length, for the published test vectors.</summary>
    internal bool TryDecryptOaep(ReadOnlySpan<byte> ciphertext, Span<byte> destination, out int bytesWritten)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return RsaOaep.TryDecrypt(_rsa, ciphertext, destination, out bytesWritten);
    }

    /// <summary>Releases the private key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _rsa.Dispose();
            _disposed = true;
        }
    }

    /// <summary>The public fingerprint only: the private half never reaches a log.</summary>
    public override string ToString() => $"IdentityKey({PublicKey}, private part redacted)";
}
