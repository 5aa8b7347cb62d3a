using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Commands;

/// <summary>
/// How long each side waits, as the session's options take them. The defaults are the protocol's
/// (docs/protocol.md); the hidden command-line options shorten them for tests and odd networks.
/// </summary>
public sealed record ChatTimeouts
{
    /// <summary>The protocol's defaults.</summary>
    public static readonly ChatTimeouts Default = new();

    /// <summary>The whole handshake, frames 1 to 4.</summary>
    public TimeSpan Handshake { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The rest of a frame once its first byte has arrived.</summary>
    public TimeSpan Frame { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Silence after which we ping the peer.</summary>
    public TimeSpan Keepalive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Silence after which the peer is declared gone.</summary>
    public TimeSpan Peer { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>How long the peer may take to decide whether to trust us before its first record.</summary>
    public TimeSpan PeerDecision { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Records sent after which this side starts a rekey (protocol 2).</summary>
    public long RekeyAfterRecords { get; init; } = 1000;

    /// <summary>Time after which this side starts a rekey (protocol 2).</summary>
    public TimeSpan RekeyInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Session options for <paramref name="identity"/> and the rest, with these timeouts.</summary>
    internal SessionOptions ToSessionOptions(IdentityKey identity, string name, Secret? psk, IReadOnlyList<MessageSuite> suites, TrustDecision trust, Func<PeerIdentity, ReadOnlyMemory<byte>, Conversation>? resolveConversation = null, Func<PeerIdentity, bool>? expectResponder = null) => new()
    {
        ExpectResponder = expectResponder,
        ResolveConversation = resolveConversation ?? SessionOptions.NewConversation,
        Identity = identity,
        Name = name,
        PreSharedKey = psk,
        Suites = suites,
        TrustPeer = trust,
        HandshakeTimeout = Handshake,
        FrameTimeout = Frame,
        KeepaliveInterval = Keepalive,
        PeerTimeout = Peer,
        PeerDecisionTimeout = PeerDecision,
        RekeyAfterRecords = RekeyAfterRecords,
        RekeyInterval = RekeyInterval,
    };
}
