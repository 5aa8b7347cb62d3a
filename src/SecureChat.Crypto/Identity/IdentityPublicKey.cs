// The public half of an identity: an RSA key held as its canonical DER SubjectPublicKeyInfo (RFC 5280
// section 4.1.2.7, RFC 8017 appendix A.1.1), plus key wrap to it with RSA-OAEP-SHA256.
using System.Numerics;
using System.Security.Cryptography;

namespace SecureChat.Crypto.Identity;

/// <summary>An identity public key: what a peer announces, what a fingerprint names, what secrets are wrapped to.</summary>
public sealed class IdentityPublicKey : IEquatable<IdentityPublicKey>
{
    /// <summary>The smallest RSA modulus accepted, in bits. SecureChat generates <see cref="IdentityKey.DefaultKeySizeBits"/>.</summary>
    public const int MinimumKeySizeBits = 2048;

    /// <summary>The largest RSA modulus accepted, in bits (bounds the work a peer can make us do).</summary>
    public const int MaximumKeySizeBits = 8192;

    private static readonly BigInteger MinimumExponentExclusive = BigInteger.One << 16;
    private static readonly BigInteger MaximumExponentExclusive = BigInteger.One << 256;

    private readonly byte[] _spki;
    private string? _safetyNumberHalf;

    // The key as imported from a peer's bytes, kept for Wrap: an RSA-3072 import costs about 0.2 ms of CPU,
    // a tenth of the handshake's non-RSA work (issue 19). Public, so nothing to wipe; its native handle is
    // freed with the object. Wraps take turns on it.
    private readonly RSA? _wrappingKey;
    private readonly Lock _wrapGate = new();

    private IdentityPublicKey(byte[] spki, int keySizeBits, RSA? wrappingKey)
    {
        _spki = spki;
        _wrappingKey = wrappingKey;
        KeySizeBits = keySizeBits;
        Fingerprint = Fingerprint.Of(spki);
    }

    /// <summary>The DER SubjectPublicKeyInfo, exactly as it is sent and fingerprinted.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _spki;

    /// <summary>The RSA modulus size in bits.</summary>
    public int KeySizeBits { get; }

    /// <summary>The key's fingerprint.</summary>
    public Fingerprint Fingerprint { get; }

    /// <summary>
    /// This key's half of every safety number it takes part in, computed once: our own key's half would
    /// otherwise cost its 5200 hashes again in every handshake.
    /// </summary>
    internal string SafetyNumberHalf => LazyInitializer.EnsureInitialized(ref _safetyNumberHalf, () => SafetyNumber.HalfOf(_spki));

    /// <summary>
    /// Reads an RSA public key from DER SubjectPublicKeyInfo. Refuses anything but a canonical encoding
    /// of an RSA key of 2048 to 8192 bits with nothing after it, so one key has exactly one fingerprint.
    /// </summary>
    /// <exception cref="InvalidKeyException">The bytes are not such a key.</exception>
    public static IdentityPublicKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        RSA rsa = RSA.Create();
        try
        {
            int bytesRead;
            try
            {
                rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out bytesRead);
            }
            catch (CryptographicException e)
            {
                throw Error.InvalidKey("The identity key is not a DER RSA SubjectPublicKeyInfo.", e);
            }

            if (bytesRead != subjectPublicKeyInfo.Length)
            {
                throw Error.InvalidKey("The identity key has trailing bytes after its SubjectPublicKeyInfo.");
            }

            return FromRsa(rsa, subjectPublicKeyInfo, keepForWrapping: true);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>The public half of <paramref name="rsa"/>, checked as <see cref="FromSubjectPublicKeyInfo"/> checks it.</summary>
    internal static IdentityPublicKey FromRsa(RSA rsa, ReadOnlySpan<byte> expectedEncoding = default) =>
        FromRsa(rsa, expectedEncoding, keepForWrapping: false);

    private static IdentityPublicKey FromRsa(RSA rsa, ReadOnlySpan<byte> expectedEncoding, bool keepForWrapping)
    {
        if (rsa.KeySize is < MinimumKeySizeBits or > MaximumKeySizeBits || rsa.KeySize % 8 != 0)
        {
            throw Error.InvalidKey($"An identity key must have {MinimumKeySizeBits} to {MaximumKeySizeBits} bits in whole bytes, not {rsa.KeySize}.");
        }

        // NIST SP 800-56B rev. 2 section 6.2: an odd public exponent with 2^16 < e < 2^256. A tiny or even
        // exponent is either unusable (OpenSSL refuses to encrypt with it) or a sign of a hostile key.
        var exponent = new BigInteger(rsa.ExportParameters(includePrivateParameters: false).Exponent, isUnsigned: true, isBigEndian: true);
        if (exponent.IsEven || exponent <= MinimumExponentExclusive || exponent >= MaximumExponentExclusive)
        {
            throw Error.InvalidKey("An identity key must have an odd public exponent of at least 65537.");
        }

        byte[] canonical = rsa.ExportSubjectPublicKeyInfo();
        if (!expectedEncoding.IsEmpty && !expectedEncoding.SequenceEqual(canonical))
        {
            throw Error.InvalidKey("The identity key is not in canonical DER form.");
        }

        // Never kept when it is an identity's own key pair: that RSA holds the private key and has its owner.
        return new IdentityPublicKey(canonical, rsa.KeySize, keepForWrapping ? rsa : null);
    }

    /// <summary>
    /// Wraps a 32-byte secret to this key with RSA-OAEP-SHA256 (MGF1-SHA256, empty label), so that only
    /// the holder of the private key can read it. Each call gives a different ciphertext.
    /// </summary>
    public byte[] Wrap(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != IdentityKey.WrappedSecretSize)
        {
            throw Error.Length(nameof(secret), IdentityKey.WrappedSecretSize, secret.Length);
        }

        if (_wrappingKey is { } imported)
        {
            lock (_wrapGate)
            {
                return RsaOaep.Encrypt(imported, secret);
            }
        }

        using RSA rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(_spki, out _);
        return RsaOaep.Encrypt(rsa, secret);
    }

    /// <inheritdoc />
    public bool Equals(IdentityPublicKey? other) => other is not null && CryptographicOperations.FixedTimeEquals(_spki, other._spki);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as IdentityPublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => Fingerprint.GetHashCode();

    /// <summary>The key size and fingerprint.</summary>
    public override string ToString() => $"RSA-{KeySizeBits} {Fingerprint}";
}
