// An ML-KEM-768 encapsulation key (FIPS 203 section 7.2): ByteEncode12 of the vector t̂ (3 × 256
// coefficients, 1152 bytes) followed by the 32-byte matrix seed ρ, 1184 bytes in all. A peer's key is
// accepted only after the two input checks of section 7.2: the type check (exactly 1184 bytes) and the
// modulus check (every 12-bit coefficient below q = 3329, so that ByteEncode12(ByteDecode12(ek)) = ek).
// The check is made here, before any implementation sees the key, so both refuse the same keys.
using System.Security.Cryptography;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Agreement;

/// <summary>A checked ML-KEM-768 encapsulation key: the public half, which a peer encapsulates to.</summary>
public sealed class MlKem768EncapsulationKey
{
    private const int Modulus = 3329;
    private const int EncodedVectorSize = 384 * 3;

    private readonly byte[] _encoded;

    private MlKem768EncapsulationKey(byte[] encoded)
    {
        _encoded = encoded;
    }

    /// <summary>The 1184-byte encoding, as it is sent.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>Checks and takes a copy of an encoded encapsulation key (a peer's, typically).</summary>
    /// <exception cref="InvalidKeyException">The key is not 1184 bytes or fails the FIPS 203 modulus check.</exception>
    public static MlKem768EncapsulationKey Import(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != MlKem768.EncapsulationKeySize)
        {
            throw Error.InvalidKey($"An ML-KEM-768 encapsulation key is {MlKem768.EncapsulationKeySize} bytes, not {encoded.Length}.");
        }

        if (!IsReduced(encoded[..EncodedVectorSize]))
        {
            throw Error.InvalidKey("The ML-KEM-768 encapsulation key fails the FIPS 203 modulus check (a coefficient is 3329 or more).");
        }

        return new MlKem768EncapsulationKey(encoded.ToArray());
    }

    /// <summary>A key this library has just exported from a key pair: already well formed.</summary>
    internal static MlKem768EncapsulationKey FromTrusted(byte[] encoded) => new(encoded);

    /// <summary>
    /// Encapsulates to this key with fresh randomness: writes the 1088-byte ciphertext for the key's owner
    /// and returns the 32-byte shared secret.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ciphertext"/> is not 1088 bytes.</exception>
    public Secret Encapsulate(Span<byte> ciphertext) => Encapsulate(ciphertext, MlKemBackend.Best);

    /// <summary>Encapsulates into caller-owned buffers: a 1088-byte ciphertext and a 32-byte shared secret.</summary>
    /// <exception cref="ArgumentException">A buffer has the wrong length, or the two overlap.</exception>
    public void Encapsulate(Span<byte> ciphertext, Span<byte> sharedSecret) =>
        Encapsulate(ciphertext, sharedSecret, MlKemBackend.Best);

    /// <summary>Encapsulation through one chosen implementation (tests run both).</summary>
    internal Secret Encapsulate(Span<byte> ciphertext, MlKemBackend backend)
    {
        var secret = Secret.Allocate(MlKem768.SharedSecretSize);
        try
        {
            Encapsulate(ciphertext, secret.Writable, backend);
            return secret;
        }
        catch
        {
            secret.Dispose();
            throw;
        }
    }

    internal void Encapsulate(Span<byte> ciphertext, Span<byte> sharedSecret, MlKemBackend backend)
    {
        CheckOutputs(ciphertext, sharedSecret);
        backend.Encapsulate(_encoded, ciphertext, sharedSecret);
    }

    /// <summary>
    /// Encapsulates with fixed randomness m (FIPS 203 ML-KEM.Encaps_internal): only for test vectors and
    /// the deterministic example of the specification. Returns false if <paramref name="backend"/> cannot
    /// take m; BouncyCastle always can, and gives the same bytes as any other correct implementation.
    /// </summary>
    internal bool TryEncapsulate(ReadOnlySpan<byte> randomness, Span<byte> ciphertext, Span<byte> sharedSecret, MlKemBackend backend)
    {
        if (randomness.Length != MlKem768.EncapsulationRandomnessSize)
        {
            throw Error.Length(nameof(randomness), MlKem768.EncapsulationRandomnessSize, randomness.Length);
        }

        CheckOutputs(ciphertext, sharedSecret);
        return backend.TryEncapsulate(_encoded, randomness, ciphertext, sharedSecret);
    }

    /// <summary>Whether the other key has the same encoding.</summary>
    public bool Matches(ReadOnlySpan<byte> encoded) => CryptographicOperations.FixedTimeEquals(_encoded, encoded);

    /// <inheritdoc />
    public override string ToString() => $"MlKem768EncapsulationKey({MlKem768.EncapsulationKeySize} bytes)";

    private static void CheckOutputs(Span<byte> ciphertext, Span<byte> sharedSecret)
    {
        if (ciphertext.Length != MlKem768.CiphertextSize)
        {
            throw Error.Length(nameof(ciphertext), MlKem768.CiphertextSize, ciphertext.Length);
        }

        if (sharedSecret.Length != MlKem768.SharedSecretSize)
        {
            throw Error.Length(nameof(sharedSecret), MlKem768.SharedSecretSize, sharedSecret.Length);
        }

        if (ciphertext.Overlaps(sharedSecret))
        {
            throw Error.Overlap(nameof(sharedSecret), nameof(ciphertext));
        }
    }

    // ByteDecode12 (FIPS 203 algorithm 6) packs two 12-bit coefficients into each 3 bytes, little-endian.
    // The key is public, so this check need not run in constant time.
    private static bool IsReduced(ReadOnlySpan<byte> vector)
    {
        for (int i = 0; i < vector.Length; i += 3)
        {
            int first = vector[i] | ((vector[i + 1] & 0x0F) << 8);
            int second = (vector[i + 1] >> 4) | (vector[i + 2] << 4);
            if (first >= Modulus || second >= Modulus)
            {
                return false;
            }
        }

        return true;
    }
}
