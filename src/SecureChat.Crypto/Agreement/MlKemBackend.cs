// The one seam between SecureChat and an ML-KEM-768 implementation (FIPS 203). Two exist: the
// platform's System.Security.Cryptography.MLKem, used wherever MLKem.IsSupported (it needs OpenSSL 3.5 or
// later on Linux), and BouncyCastle's, which runs everywhere .NET does. Both are chosen from at run time,
// once per process; tests reach either one directly to run the same vectors through both.
using System.Security.Cryptography;

namespace SecureChat.Crypto.Agreement;

/// <summary>An ML-KEM-768 implementation. Callers have validated every length before calling in.</summary>
internal abstract class MlKemBackend
{
    /// <summary>.NET's MLKem (OpenSSL or CNG underneath).</summary>
    public static MlKemBackend Platform { get; } = new PlatformMlKem();

    /// <summary>BouncyCastle.Cryptography's managed ML-KEM.</summary>
    public static MlKemBackend BouncyCastle { get; } = new BouncyCastleMlKem();

    // After the two instances: static initializers run in order.
    private static readonly Lazy<MlKemBackend> Chosen = new(() => MLKem.IsSupported ? Platform : BouncyCastle);

    /// <summary>The platform's where it can run (it is maintained with the OS's FIPS modules), else BouncyCastle's.</summary>
    public static MlKemBackend Best => Chosen.Value;

    /// <summary>A short name for reports, for example "BouncyCastle".</summary>
    public abstract string Name { get; }

    /// <summary>Whether this implementation can run in this process.</summary>
    public abstract bool IsAvailable { get; }

    /// <summary>A fresh key pair from the system's CSPRNG.</summary>
    public abstract MlKemPrivateKey Generate();

    /// <summary>The key pair of a 64-byte seed d ‖ z.</summary>
    public abstract MlKemPrivateKey FromSeed(ReadOnlySpan<byte> seed);

    /// <summary>Encapsulates to an encoded key that has passed the FIPS 203 input checks.</summary>
    public abstract void Encapsulate(ReadOnlySpan<byte> encapsulationKey, Span<byte> ciphertext, Span<byte> sharedSecret);

    /// <summary>
    /// Encapsulates with the given randomness m instead of fresh randomness, or returns false when the
    /// implementation has no way to take m (the platform's MLKem does not).
    /// </summary>
    public abstract bool TryEncapsulate(
        ReadOnlySpan<byte> encapsulationKey, ReadOnlySpan<byte> randomness, Span<byte> ciphertext, Span<byte> sharedSecret);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>One implementation's private key object. Disposing it releases (and where it can, wipes) the key.</summary>
internal abstract class MlKemPrivateKey : IDisposable
{
    public abstract void ExportEncapsulationKey(Span<byte> destination);

    public abstract void ExportDecapsulationKey(Span<byte> destination);

    public abstract void Decapsulate(ReadOnlySpan<byte> ciphertext, Span<byte> sharedSecret);

    public abstract void Dispose();
}
