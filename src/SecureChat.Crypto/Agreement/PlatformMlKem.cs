// ML-KEM-768 through .NET 10's System.Security.Cryptography.MLKem (FIPS 203): OpenSSL 3.5+ on Linux,
// CNG on Windows. MLKem.IsSupported is false elsewhere (OpenSSL 3.0, for one), and every call then throws
// PlatformNotSupportedException, which is why MlKemBackend only chooses this where it is supported.
using System.Security.Cryptography;

namespace SecureChat.Crypto.Agreement;

/// <summary>The platform's ML-KEM-768.</summary>
internal sealed class PlatformMlKem : MlKemBackend
{
    public override string Name => "System.Security.Cryptography.MLKem";

    public override bool IsAvailable => MLKem.IsSupported;

    public override MlKemPrivateKey Generate() => new Key(MLKem.GenerateKey(MLKemAlgorithm.MLKem768));

    public override MlKemPrivateKey FromSeed(ReadOnlySpan<byte> seed) =>
        new Key(MLKem.ImportPrivateSeed(MLKemAlgorithm.MLKem768, seed));

    public override void Encapsulate(ReadOnlySpan<byte> encapsulationKey, Span<byte> ciphertext, Span<byte> sharedSecret)
    {
        using MLKem key = MLKem.ImportEncapsulationKey(MLKemAlgorithm.MLKem768, encapsulationKey);
        key.Encapsulate(ciphertext, sharedSecret);
    }

    // MLKem has no API that takes m: encapsulation randomness always comes from the platform's CSPRNG.
    public override bool TryEncapsulate(
        ReadOnlySpan<byte> encapsulationKey, ReadOnlySpan<byte> randomness, Span<byte> ciphertext, Span<byte> sharedSecret) => false;

    /// <summary>A platform key; MLKem's Dispose frees (and the native library wipes) the private key.</summary>
    private sealed class Key(MLKem key) : MlKemPrivateKey
    {
        public override void ExportEncapsulationKey(Span<byte> destination) => key.ExportEncapsulationKey(destination);

        public override void ExportDecapsulationKey(Span<byte> destination) => key.ExportDecapsulationKey(destination);

        public override void Decapsulate(ReadOnlySpan<byte> ciphertext, Span<byte> sharedSecret) =>
            key.Decapsulate(ciphertext, sharedSecret);

        public override void Dispose() => key.Dispose();
    }
}
