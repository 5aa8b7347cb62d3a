// ML-KEM-768 through BouncyCastle.Cryptography 2.7.0 (Org.BouncyCastle.Crypto.Kems.MLKemEncapsulator and
// MLKemDecapsulator; FIPS 203 algorithms 16-18 with the input checks of section 7). It runs wherever .NET
// does, so it is the implementation on systems whose OpenSSL predates ML-KEM (3.0 here).
// Limit: BouncyCastle keeps a private key in arrays of its own that it does not let callers wipe; we
// drop our only reference on Dispose, and keep every copy that passes through our hands wiped.
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;

namespace SecureChat.Crypto.Agreement;

/// <summary>BouncyCastle's ML-KEM-768.</summary>
internal sealed class BouncyCastleMlKem : MlKemBackend
{
    private static MLKemParameters Parameters => MLKemParameters.ml_kem_768;

    public override string Name => "BouncyCastle";

    public override bool IsAvailable => true;

    public override MlKemPrivateKey Generate()
    {
        // FIPS 203 algorithm 19 draws d and z (32 bytes each) and runs the seeded key generation.
        Span<byte> seed = stackalloc byte[MlKem768.SeedSize];
        try
        {
            RandomNumberGenerator.Fill(seed);
            return FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public override MlKemPrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        byte[] copy = seed.ToArray();
        try
        {
            return new Key(MLKemPrivateKeyParameters.FromSeed(Parameters, copy));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }

    public override void Encapsulate(ReadOnlySpan<byte> encapsulationKey, Span<byte> ciphertext, Span<byte> sharedSecret)
    {
        var encapsulator = new MLKemEncapsulator(Parameters);
        encapsulator.Init(MLKemPublicKeyParameters.FromEncoding(Parameters, encapsulationKey.ToArray()));
        encapsulator.Encapsulate(ciphertext, sharedSecret);
    }

    public override bool TryEncapsulate(
        ReadOnlySpan<byte> encapsulationKey, ReadOnlySpan<byte> randomness, Span<byte> ciphertext, Span<byte> sharedSecret)
    {
        // BouncyCastle draws m from the SecureRandom it is given, in one 32-byte request.
        using var fixedRandom = new FixedRandomness(randomness);
        var encapsulator = new MLKemEncapsulator(Parameters);
        encapsulator.Init(new ParametersWithRandom(
            MLKemPublicKeyParameters.FromEncoding(Parameters, encapsulationKey.ToArray()), new SecureRandom(fixedRandom)));
        encapsulator.Encapsulate(ciphertext, sharedSecret);
        return true;
    }

    /// <summary>A BouncyCastle private key.</summary>
    private sealed class Key(MLKemPrivateKeyParameters key) : MlKemPrivateKey
    {
        private MLKemPrivateKeyParameters? _key = key;

        private MLKemPrivateKeyParameters Live => _key ?? throw new ObjectDisposedException(nameof(BouncyCastleMlKem));

        public override void ExportEncapsulationKey(Span<byte> destination) =>
            Live.GetPublicKeyEncoded().CopyTo(destination);

        public override void ExportDecapsulationKey(Span<byte> destination)
        {
            byte[] encoded = Live.GetEncoded();
            encoded.CopyTo(destination);
            CryptographicOperations.ZeroMemory(encoded);
        }

        public override void Decapsulate(ReadOnlySpan<byte> ciphertext, Span<byte> sharedSecret)
        {
            var decapsulator = new MLKemDecapsulator(Parameters);
            decapsulator.Init(Live);
            decapsulator.Decapsulate(ciphertext, sharedSecret);
        }

        public override void Dispose() => _key = null;
    }

    /// <summary>
    /// Hands out the given bytes once, exactly, and then refuses: a second request would mean BouncyCastle
    /// wants more randomness than m, and the result would no longer be FIPS 203's Encaps_internal(ek, m).
    /// </summary>
    private sealed class FixedRandomness(ReadOnlySpan<byte> bytes) : IRandomGenerator, IDisposable
    {
        private readonly byte[] _bytes = bytes.ToArray();
        private bool _used;

        public void AddSeedMaterial(byte[] seed)
        {
        }

        public void AddSeedMaterial(ReadOnlySpan<byte> seed)
        {
        }

        public void AddSeedMaterial(long seed)
        {
        }

        public void NextBytes(byte[] bytes) => NextBytes(bytes.AsSpan());

        public void NextBytes(byte[] bytes, int start, int len) => NextBytes(bytes.AsSpan(start, len));

        public void NextBytes(Span<byte> bytes)
        {
            if (_used || bytes.Length != _bytes.Length)
            {
                throw new InvalidOperationException("The fixed encapsulation randomness was asked for twice or at another length.");
            }

            _bytes.CopyTo(bytes);
            _used = true;
        }

        public void Dispose() => CryptographicOperations.ZeroMemory(_bytes);
    }
}
