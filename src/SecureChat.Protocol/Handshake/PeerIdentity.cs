using SecureChat.Crypto.Identity;

namespace SecureChat.Protocol.Handshake;

/// <summary>
/// Who the peer proved to be: its identity key and the name it announced (both bound into the handshake
/// transcript and confirmed), and the safety number of the two identity keys.
/// </summary>
public sealed class PeerIdentity
{
    private readonly Lazy<SafetyNumber> _safetyNumber;

    /// <summary>The peer <paramref name="publicKey"/> named <paramref name="name"/>, as seen by the holder of <paramref name="localKey"/>.</summary>
    public PeerIdentity(IdentityPublicKey publicKey, string name, IdentityPublicKey localKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(localKey);
        PublicKey = publicKey;
        Name = name;
        // The peer's half costs 5200 hashes (milliseconds): only those who show the number pay for it,
        // not a reconnection to a peer that is already known.
        _safetyNumber = new Lazy<SafetyNumber>(() => SafetyNumber.Compute(localKey, publicKey), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The peer's identity key.</summary>
    public IdentityPublicKey PublicKey { get; }

    /// <summary>The display name the peer announced.</summary>
    public string Name { get; }

    /// <summary>The fingerprint of the peer's identity key.</summary>
    public Fingerprint Fingerprint => PublicKey.Fingerprint;

    /// <summary>The 60-digit number both sides see, for comparing aloud (computed on first use).</summary>
    public SafetyNumber SafetyNumber => _safetyNumber.Value;

    /// <inheritdoc />
    public override string ToString() => $"PeerIdentity({Name}, {Fingerprint})";
}
