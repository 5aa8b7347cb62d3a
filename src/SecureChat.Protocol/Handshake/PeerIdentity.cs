using SecureChat.Crypto.Identity;

namespace SecureChat.Protocol.Handshake;

/// <summary>
/// Who the peer proved to be: its identity key, the name it announced (both bound into the handshake
/// transcript and confirmed), and the safety number of the two identity keys.
/// </summary>
/// <param name="PublicKey">The peer's identity key.</param>
/// <param name="Name">The display name the peer announced.</param>
/// <param name="SafetyNumber">The 60-digit number both sides see, for comparing aloud.</param>
public sealed record PeerIdentity(IdentityPublicKey PublicKey, string Name, SafetyNumber SafetyNumber)
{
    /// <summary>The fingerprint of the peer's identity key.</summary>
    public Fingerprint Fingerprint => PublicKey.Fingerprint;
}
