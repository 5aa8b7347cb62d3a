using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;

namespace SecureChat.Protocol.Session;

/// <summary>Decides whether to talk to a peer that has proved its identity. Return <see langword="false"/> to refuse.</summary>
public delegate ValueTask<bool> TrustDecision(PeerIdentity peer, CancellationToken cancellationToken);

/// <summary>Who we are, what we accept, and how long we wait. Immutable once a session starts.</summary>
public sealed class SessionOptions
{
    /// <summary>Our long-term identity key. The caller owns it and keeps it alive for the session.</summary>
    public required IdentityKey Identity { get; init; }

    /// <summary>The display name we announce (see <see cref="PeerName"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Called once the peer has proved its identity, before any chat data flows.</summary>
    public required TrustDecision TrustPeer { get; init; }

    /// <summary>
    /// The initiator's check of whom it expects, run on the responder's key and name from frame 2 before
    /// frame 3 or 4 is sent (docs/protocol.md, "Pin before proof"): the key is not proved yet, but a key that
    /// is not the expected one is refused at once, so a fake responder learns nothing derived from the
    /// pre-shared key. Return <see langword="false"/> to refuse; null expects nobody in particular.
    /// </summary>
    public Func<PeerIdentity, bool>? ExpectResponder { get; init; }

    /// <summary>An optional pre-shared key both sides must hold (any length from 1 byte). The caller owns it.</summary>
    public Secret? PreSharedKey { get; init; }

    /// <summary>The message suites we offer (initiator) or accept (responder), most preferred first.</summary>
    public IReadOnlyList<MessageSuite> Suites { get; init; } = [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256];

    /// <summary>The whole handshake, frames 1 to 5, must finish within this (default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Once a frame has begun, all of it must arrive within this (default 10 s).</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After this much silence from the peer we send a ping (default 15 s).</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>After this much silence from the peer it is declared gone (default 45 s).</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How long the peer may stay silent before its first record (default 5 min): its user may still be
    /// comparing the safety number before accepting us, and only then does its session start reading.
    /// </summary>
    public TimeSpan PeerDecisionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a receipt may wait to cover the messages that follow (default 20 ms, like the delayed
    /// acknowledgements of TCP and QUIC); zero sends one for every message at once. Up to 1 s.
    /// </summary>
    public TimeSpan ReceiptDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// After this many records sent since the session opened or since the last rekey, this side starts a
    /// rekey with fresh key agreement (default 1,000; at least 1).
    /// </summary>
    public long RekeyAfterRecords { get; init; } = 1000;

    /// <summary>After this long since the session opened or since the last rekey, this side starts one (default 10 min).</summary>
    public TimeSpan RekeyInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest frame payload we accept during the handshake (default 64 KiB, at least 8 KiB).</summary>
    public int MaxHandshakePayload { get; init; } = FrameCodec.DefaultMaxHandshakePayload;

    /// <summary>The largest frame payload we accept once the session is established (default 1 MiB).</summary>
    public int MaxSessionPayload { get; init; } = FrameCodec.DefaultMaxSessionPayload;

    /// <summary>
    /// The responder's side of conversations that survive a dropped connection: given the peer and the
    /// conversation id its <c>resume</c> names, returns the conversation we hold with that id for that
    /// peer, or a new one with that id. Every session carries a conversation: the initiator's first record
    /// is <c>resume</c>, and nothing is sent (but pings, pongs and a goodbye) until it has come. By default
    /// each session starts a new conversation with the id the initiator gave (nothing is kept across sessions).
    /// </summary>
    public Func<PeerIdentity, ReadOnlyMemory<byte>, Conversation> ResolveConversation { get; init; } = NewConversation;

    /// <summary>The default <see cref="ResolveConversation"/>: a new conversation with the id the initiator gave.</summary>
    public static Func<PeerIdentity, ReadOnlyMemory<byte>, Conversation> NewConversation { get; } = (_, id) => new Conversation(id.Span);

    /// <summary>Randomness and clock; replaced only by the deterministic example's test.</summary>
    internal HandshakeEntropy Entropy { get; init; } = HandshakeEntropy.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Identity);
        ArgumentNullException.ThrowIfNull(TrustPeer);
        ArgumentNullException.ThrowIfNull(ResolveConversation);
        PeerName.Validate(Name, nameof(Name));
        if (Suites.Count == 0 || Suites.Distinct().Count() != Suites.Count || Suites.Any(s => !Enum.IsDefined(s)))
        {
            throw new ArgumentException("Give one or more distinct message suites.", nameof(Suites));
        }

        if (PreSharedKey is { Length: 0 })
        {
            throw new ArgumentException("A pre-shared key is at least one byte.", nameof(PreSharedKey));
        }

        foreach ((string name, TimeSpan value) in new[]
        {
            (nameof(HandshakeTimeout), HandshakeTimeout), (nameof(FrameTimeout), FrameTimeout),
            (nameof(KeepaliveInterval), KeepaliveInterval), (nameof(PeerTimeout), PeerTimeout), (nameof(PeerDecisionTimeout), PeerDecisionTimeout),
            (nameof(RekeyInterval), RekeyInterval),
        })
        {
            if (value < TimeSpan.FromMilliseconds(3) || value > TimeSpan.FromDays(1))
            {
                throw new ArgumentOutOfRangeException(name, value, "A timeout is 3 ms to 1 day.");
            }
        }

        if (PeerTimeout <= KeepaliveInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(PeerTimeout), PeerTimeout, "The peer timeout is longer than the keepalive interval.");
        }

        if (ReceiptDelay < TimeSpan.Zero || ReceiptDelay > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiptDelay), ReceiptDelay, "The receipt delay is 0 to 1 s.");
        }

        // A version 2 frame 2 with an RSA-8192 identity key and its ML-KEM ciphertext is about 4,700 bytes.
        ArgumentOutOfRangeException.ThrowIfLessThan(RekeyAfterRecords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHandshakePayload, 8192);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessionPayload, 4096);
    }
}
