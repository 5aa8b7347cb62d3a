// Every random choice a session makes, in one place, so that the deterministic example of
// docs/protocol.md can be reproduced byte for byte by a test that substitutes fixed values. Production
// code only ever uses System.
using System.Security.Cryptography;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Protocol.Handshake;

/// <summary>The source of nonces, ephemeral keys, ML-KEM keys and encapsulations, wrapped secrets, record IVs and timestamps.</summary>
internal class HandshakeEntropy
{
    /// <summary>The operating system's CSPRNG and clock.</summary>
    public static HandshakeEntropy System { get; } = new();

    public virtual void FillNonce(Span<byte> nonce) => RandomNumberGenerator.Fill(nonce);

    public virtual EphemeralKeyPair CreateEphemeral() => EphemeralKeyPair.Generate();

    /// <summary>A fresh ML-KEM-768 key pair (the example derives it from its seed d ‖ z).</summary>
    public virtual MlKem768DecapsulationKey CreateKemKey() => MlKem768DecapsulationKey.Generate();

    /// <summary>Encapsulates to the peer's key: writes the ciphertext, returns the shared secret (the example fixes m).</summary>
    public virtual Secret Encapsulate(MlKem768EncapsulationKey key, Span<byte> ciphertext) => key.Encapsulate(ciphertext);

    public virtual Secret CreateSecret() => Secret.Random(IdentityKey.WrappedSecretSize);

    /// <summary>RSA-OAEP is randomised; the example records the ciphertext it got once.</summary>
    public virtual byte[] Wrap(IdentityPublicKey recipient, ReadOnlySpan<byte> secret) => recipient.Wrap(secret);

    /// <summary>The sealer of one direction's records: random IVs; a test's fixed entropy fixes them through Crypto's test seam.</summary>
    public virtual MessageSealer CreateSealer(MessageProtection protection) => new(protection);

    public virtual DateTimeOffset Now() => DateTimeOffset.UtcNow;
}
