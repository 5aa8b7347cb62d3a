using SecureChat.Crypto.Identity;

namespace SecureChat.Cli.Trust;

/// <summary>One remembered key.</summary>
/// <param name="Label">The name or address the key is remembered under.</param>
/// <param name="Fingerprint">The fingerprint of the peer's identity key.</param>
/// <param name="FirstSeen">When this key was first remembered, under any label (UTC, whole seconds).</param>
public sealed record KnownPeer(PeerLabel Label, Fingerprint Fingerprint, DateTimeOffset FirstSeen);
