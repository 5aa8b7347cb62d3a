// Ephemeral ECDH on NIST P-256 (SEC 1 section 3.3.1, NIST SP 800-56A rev. 3 section 5.7.1.2): one key
// pair per handshake, dropped right after, which is what gives forward secrecy. The shared secret is
// the raw X coordinate of the product point (32 bytes); it must go through HKDF before any use.
using System.Security.Cryptography;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Agreement;

/// <summary>An ephemeral P-256 key pair for one key agreement. Dispose it as soon as the secret is derived.</summary>
public sealed class EphemeralKeyPair : IDisposable
{
    /// <summary>The size of a public key on the wire: an uncompressed point.</summary>
    public const int PublicKeySize = P256.PointSize;

    /// <summary>The size of the shared secret.</summary>
    public const int SharedSecretSize = P256.CoordinateSize;

    private readonly ECDiffieHellman _ecdh;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private EphemeralKeyPair(ECDiffieHellman ecdh)
    {
        _ecdh = ecdh;
        ECParameters parameters = ecdh.ExportParameters(includePrivateParameters: false);
        _publicKey = new byte[PublicKeySize];
        _publicKey[0] = 0x04;
        parameters.Q.X.AsSpan().CopyTo(_publicKey.AsSpan(1, P256.CoordinateSize));
        parameters.Q.Y.AsSpan().CopyTo(_publicKey.AsSpan(1 + P256.CoordinateSize, P256.CoordinateSize));
    }

    /// <summary>The public key as a 65-byte uncompressed point (0x04 ‖ X ‖ Y), as it is sent.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>Generates a fresh key pair from the system's CSPRNG.</summary>
    public static EphemeralKeyPair Generate() => new(ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A key pair from a fixed private scalar (32 bytes, big-endian). Only for test vectors and transcripts.</summary>
    /// <exception cref="InvalidKeyException">The scalar is not a valid P-256 private key.</exception>
    internal static EphemeralKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != P256.CoordinateSize)
        {
            throw Error.Length(nameof(privateKey), P256.CoordinateSize, privateKey.Length);
        }

        byte[] d = privateKey.ToArray();
        var ecdh = ECDiffieHellman.Create();
        try
        {
            ecdh.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
            return new EphemeralKeyPair(ecdh);
        }
        catch (CryptographicException e)
        {
            ecdh.Dispose();
            throw Error.InvalidKey("The private scalar is not a valid P-256 key.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>
    /// Computes the shared secret with a peer's 65-byte uncompressed public point, after checking that
    /// the point is on P-256 (an invalid point would leak bits of our private key: invalid-curve attacks).
    /// </summary>
    /// <exception cref="InvalidKeyException">The peer's point is malformed, not on the curve, or our own.</exception>
    public Secret DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (CryptographicOperations.FixedTimeEquals(peerPublicKey, _publicKey))
        {
            // Our own key sent back (a reflection): a real peer's fresh key equals ours with probability 2^-128.
            throw Error.InvalidKey("The peer's ephemeral public key is our own.");
        }

        using ECDiffieHellmanPublicKey peer = P256.ImportPoint(peerPublicKey);
        byte[] raw = _ecdh.DeriveRawSecretAgreement(peer);
        try
        {
            return Secret.Copy(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Releases the private key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _ecdh.Dispose();
            _disposed = true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => "EphemeralKeyPair(P-256, private part redacted)";
}
