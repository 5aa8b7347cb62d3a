namespace SecureChat.Cli.Trust;

/// <summary>What to do with a peer whose key is not in the known peers yet. A changed key is refused under every policy.</summary>
public enum TrustPolicy
{
    /// <summary>Show the peer's fingerprint and safety number and let the user decide.</summary>
    Ask,

    /// <summary>Trust on first use without asking, as SSH's <c>StrictHostKeyChecking=accept-new</c>.</summary>
    AcceptNew,

    /// <summary>Accept only peers already known (or the pinned fingerprint).</summary>
    Strict,
}
