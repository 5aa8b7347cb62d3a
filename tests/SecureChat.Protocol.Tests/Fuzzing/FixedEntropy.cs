// Shared with fuzz/SecureChat.Fuzz (linked there): no test framework here.
using System.Security.Cryptography;
using System.Text;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Protocol.Tests.Fuzzing;

/// <summary>
/// One side's randomness fixed by a label, so that a captured conversation can be replayed: the same
/// nonce, ephemeral key, secret and record IVs every time, and the RSA-OAEP ciphertext (randomised, so not
/// derivable) recorded the first time and replayed afterwards.
/// </summary>
internal sealed class FixedEntropy(string label, DateTimeOffset clock) : HandshakeEntropy
{
    private int _ivs;

    /// <summary>The key wrap this side made (or replays).</summary>
    public byte[]? Wrapped { get; set; }

    public byte[] Nonce => Derive("nonce", 32);

    public byte[] EphemeralPrivateKey => Derive("ephemeral", 32);

    public byte[] SecretBytes => Derive("secret", 32);

    /// <summary>The ML-KEM-768 key-generation seed d ‖ z (64 bytes).</summary>
    public byte[] KemSeed => [.. Derive("kem d", 32), .. Derive("kem z", 32)];

    /// <summary>The ML-KEM-768 encapsulation randomness m.</summary>
    public byte[] KemRandomness => Derive("kem m", 32);

    /// <summary>A fresh copy that replays the same wrap (its IV counter starts again).</summary>
    public FixedEntropy Replay() => new(label, clock) { Wrapped = Wrapped };

    public override void FillNonce(Span<byte> nonce) => Nonce.CopyTo(nonce);

    public override EphemeralKeyPair CreateEphemeral() => EphemeralKeyPair.FromPrivateKey(EphemeralPrivateKey);

    public override Secret CreateSecret() => Secret.Copy(SecretBytes);

    public override MlKem768DecapsulationKey CreateKemKey() => MlKem768DecapsulationKey.FromSeed(KemSeed, MlKemBackend.BouncyCastle);

    public override Secret Encapsulate(MlKem768EncapsulationKey key, Span<byte> ciphertext)
    {
        // BouncyCastle takes a fixed m (the platform's MLKem does not), and gives the bytes any correct implementation would.
        var shared = Secret.Allocate(MlKem768.SharedSecretSize);
        _ = key.TryEncapsulate(KemRandomness, ciphertext, shared.Writable, MlKemBackend.BouncyCastle);
        return shared;
    }

    public override byte[] Wrap(IdentityPublicKey recipient, ReadOnlySpan<byte> secret) => Wrapped ??= base.Wrap(recipient, secret);

    public override MessageSealer CreateSealer(MessageProtection protection) => new(protection, FillIv);

    private void FillIv(Span<byte> iv) => Derive($"iv {_ivs++}", 16).CopyTo(iv);

    public override DateTimeOffset Now() => clock;

    public override string ToString() => $"FixedEntropy({label})";

    private byte[] Derive(string what, int length) => SHA256.HashData(Encoding.UTF8.GetBytes($"securechat fuzz {label} {what}"))[..length];
}
