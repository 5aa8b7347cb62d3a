namespace SecureChat.Protocol.Session;

/// <summary>Something the peer did, in the order it happened.</summary>
public abstract record SessionEvent;

/// <summary>A chat message arrived, authenticated and in order.</summary>
/// <param name="Id">The peer's id for it (1, 2, 3… in this session).</param>
/// <param name="Text">The message.</param>
/// <param name="SentAt">The peer's clock when it was sent: for display only; order comes from sequence numbers.</param>
/// <param name="ReceivedAt">Our clock when it arrived.</param>
public sealed record MessageReceived(ulong Id, string Text, DateTimeOffset SentAt, DateTimeOffset ReceivedAt) : SessionEvent
{
    /// <summary>Our clock minus the peer's, as far as this message tells (network delay included).</summary>
    public TimeSpan ClockSkew => ReceivedAt - SentAt;
}

/// <summary>The peer confirmed that every message we sent with an id up to <paramref name="ThroughId"/> arrived.</summary>
/// <param name="ThroughId">The highest id delivered.</param>
public sealed record MessagesDelivered(ulong ThroughId) : SessionEvent;

/// <summary>
/// The peer's clock differs from ours by more than <see cref="SecureSession.ClockSkewWarningThreshold"/>
/// (reported once per session). Timestamps shown may mislead; order is unaffected.
/// </summary>
/// <param name="Skew">Our clock minus the peer's.</param>
public sealed record ClockSkewDetected(TimeSpan Skew) : SessionEvent;

/// <summary>The peer ended the conversation with an authenticated goodbye: nothing was cut off.</summary>
public sealed record PeerClosed : SessionEvent;
