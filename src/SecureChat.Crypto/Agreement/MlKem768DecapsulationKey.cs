// The owner of an ML-KEM-768 private key (FIPS 203): made fresh per key agreement (algorithm 19,
// ML-KEM.KeyGen) or from a 64-byte seed d ‖ z (algorithm 16, for test vectors and the deterministic example
// of the specification), it publishes its encapsulation key and decapsulates ciphertexts with implicit
// rejection (algorithm 18): a ciphertext that was tampered with yields a pseudorandom secret, not an
// error, so the key agreement fails later, at the key confirmation, with nothing learnt about the key.
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Agreement;

/// <summary>An ML-KEM-768 key pair whose private half this object owns. Dispose it as soon as the secret is out.</summary>
public sealed class MlKem768DecapsulationKey : IDisposable
{
    private readonly MlKemPrivateKey _key;
    private bool _disposed;

    private MlKem768DecapsulationKey(MlKemPrivateKey key, MlKemBackend backend)
    {
        _key = key;
        Backend = backend;
        byte[] encoded = new byte[MlKem768.EncapsulationKeySize];
        key.ExportEncapsulationKey(encoded);
        EncapsulationKey = MlKem768EncapsulationKey.FromTrusted(encoded);
    }

    /// <summary>The public half, to send to the peer.</summary>
    public MlKem768EncapsulationKey EncapsulationKey { get; }

    /// <summary>The implementation holding the key.</summary>
    internal MlKemBackend Backend { get; }

    /// <summary>Generates a fresh key pair from the system's CSPRNG.</summary>
    public static MlKem768DecapsulationKey Generate() => Generate(MlKemBackend.Best);

    /// <summary>The key pair of a 64-byte seed d ‖ z: the same seed always gives the same keys.</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 64 bytes.</exception>
    public static MlKem768DecapsulationKey FromSeed(ReadOnlySpan<byte> seed) => FromSeed(seed, MlKemBackend.Best);

    internal static MlKem768DecapsulationKey Generate(MlKemBackend backend) => Own(backend.Generate(), backend);

    internal static MlKem768DecapsulationKey FromSeed(ReadOnlySpan<byte> seed, MlKemBackend backend)
    {
        if (seed.Length != MlKem768.SeedSize)
        {
            throw Error.Length(nameof(seed), MlKem768.SeedSize, seed.Length);
        }

        return Own(backend.FromSeed(seed), backend);
    }

    /// <summary>Decapsulates a peer's ciphertext into the 32-byte shared secret.</summary>
    /// <exception cref="ArgumentException"><paramref name="ciphertext"/> is not 1088 bytes.</exception>
    public Secret Decapsulate(ReadOnlySpan<byte> ciphertext)
    {
        var secret = Secret.Allocate(MlKem768.SharedSecretSize);
        try
        {
            Decapsulate(ciphertext, secret.Writable);
            return secret;
        }
        catch
        {
            secret.Dispose();
            throw;
        }
    }

    /// <summary>Decapsulates into a caller-owned 32-byte buffer.</summary>
    /// <exception cref="ArgumentException">A buffer has the wrong length, or the two overlap.</exception>
    public void Decapsulate(ReadOnlySpan<byte> ciphertext, Span<byte> sharedSecret)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ciphertext.Length != MlKem768.CiphertextSize)
        {
            throw Error.Length(nameof(ciphertext), MlKem768.CiphertextSize, ciphertext.Length);
        }

        if (sharedSecret.Length != MlKem768.SharedSecretSize)
        {
            throw Error.Length(nameof(sharedSecret), MlKem768.SharedSecretSize, sharedSecret.Length);
        }

        if (sharedSecret.Overlaps(ciphertext))
        {
            throw Error.Overlap(nameof(sharedSecret), nameof(ciphertext));
        }

        _key.Decapsulate(ciphertext, sharedSecret);
    }

    /// <summary>The 2400-byte expanded decapsulation key, for known-answer tests only.</summary>
    internal void ExportDecapsulationKey(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length != MlKem768.DecapsulationKeySize)
        {
            throw Error.Length(nameof(destination), MlKem768.DecapsulationKeySize, destination.Length);
        }

        _key.ExportDecapsulationKey(destination);
    }

    /// <summary>Releases the private key (see each implementation for how it is wiped).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _key.Dispose();
            _disposed = true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => "MlKem768DecapsulationKey(ML-KEM-768, private part redacted)";

    private static MlKem768DecapsulationKey Own(MlKemPrivateKey key, MlKemBackend backend)
    {
        try
        {
            return new MlKem768DecapsulationKey(key, backend);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
