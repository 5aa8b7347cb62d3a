// ML-KEM-768 (FIPS 203, August 2024; parameter set of section 8, table 2: k = 3, η1 = η2 = 2, du = 10,
// dv = 4), the post-quantum key encapsulation of the hybrid handshake. Sizes (table 3): encapsulation key
// 1184 bytes, decapsulation key 2400, ciphertext 1088, shared secret 32; the key-generation seed d ‖ z is
// 64 bytes and the encapsulation randomness m 32. Never implemented here: the work is done by .NET's
// MLKem where the platform supports it (OpenSSL 3.5+, Windows CNG with ML-KEM) and by BouncyCastle's
// ML-KEM everywhere else; see MlKemBackend.
namespace SecureChat.Crypto.Agreement;

/// <summary>The sizes of ML-KEM-768 and the implementation this process uses.</summary>
public static class MlKem768
{
    /// <summary>The key-generation seed d ‖ z (FIPS 203 algorithm 16, ML-KEM.KeyGen_internal).</summary>
    public const int SeedSize = 64;

    /// <summary>An encoded encapsulation key (the public key): ByteEncode12 of t̂, then ρ.</summary>
    public const int EncapsulationKeySize = 1184;

    /// <summary>An expanded decapsulation key (the private key) as FIPS 203 encodes it.</summary>
    public const int DecapsulationKeySize = 2400;

    /// <summary>A ciphertext.</summary>
    public const int CiphertextSize = 1088;

    /// <summary>The shared secret K.</summary>
    public const int SharedSecretSize = 32;

    /// <summary>The encapsulation randomness m (FIPS 203 algorithm 17, ML-KEM.Encaps_internal).</summary>
    public const int EncapsulationRandomnessSize = 32;

    /// <summary>
    /// Which implementation does the work in this process, for status lines and benchmark reports:
    /// the platform's where <c>MLKem.IsSupported</c>, BouncyCastle's otherwise.
    /// </summary>
    public static string Implementation => MlKemBackend.Best.Name;
}
