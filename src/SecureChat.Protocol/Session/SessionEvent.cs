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
public sealed record MessagesDelivered(ulong ThroughId) : SessionEvent
{
    /// <summary>The texts this receipt confirmed, oldest first (none that an earlier receipt or a resume confirmed).</summary>
    public IReadOnlyList<PendingText> Confirmed { get; init; } = [];
}

/// <summary>
/// The peer's clock differs from ours by more than <see cref="SecureSession.ClockSkewWarningThreshold"/>
/// (reported once per session). Timestamps shown may mislead; order is unaffected.
/// </summary>
/// <param name="Skew">Our clock minus the peer's.</param>
public sealed record ClockSkewDetected(TimeSpan Skew) : SessionEvent;

/// <summary>The peer ended the conversation with an authenticated goodbye: nothing was cut off.</summary>
public sealed record PeerClosed : SessionEvent;

/// <summary>
/// The session now carries a conversation (both sides exchanged <c>resume</c>); the application may send.
/// Comes first, before any text of the session.
/// </summary>
/// <param name="Continued">Whether an earlier session carried this conversation (a reconnect).</param>
/// <param name="Resent">Our unconfirmed texts sent again, with their original ids.</param>
public sealed record ConversationResumed(bool Continued, IReadOnlyList<PendingText> Resent) : SessionEvent;

/// <summary>The peer offers a file; answer with <see cref="SecureSession.AcceptFileAsync"/> or <see cref="SecureSession.RejectFileAsync"/>.</summary>
/// <param name="File">The peer's id for the transfer.</param>
/// <param name="Name">The name the peer gave: untrusted, never a path.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Sha256">The SHA-256 the whole file must have.</param>
public sealed record FileOffered(ulong File, string Name, long Size, ReadOnlyMemory<byte> Sha256) : SessionEvent;

/// <summary>The peer accepted our offer and holds <paramref name="Offset"/> bytes already (their SHA-256 is <paramref name="Prefix"/>).</summary>
/// <param name="File">Our id for the transfer.</param>
/// <param name="Offset">The bytes the peer holds from an earlier attempt (0 for a fresh start).</param>
/// <param name="Prefix">The SHA-256 of those bytes: send from <paramref name="Offset"/> only if ours match.</param>
public sealed record FileAccepted(ulong File, long Offset, ReadOnlyMemory<byte> Prefix) : SessionEvent;

/// <summary>The peer refused our offer, stopped the transfer, or found the file did not verify.</summary>
/// <param name="File">Our id for the transfer.</param>
/// <param name="Reason">The peer's sentence (untrusted text).</param>
public sealed record FileRejected(ulong File, string Reason) : SessionEvent;

/// <summary>Bytes of a file we accepted, in order; the last chunk has <paramref name="Complete"/> set.</summary>
/// <param name="File">The peer's id for the transfer.</param>
/// <param name="Offset">Where the data goes. The first chunk starts where we said we were, or at 0 (start over).</param>
/// <param name="Data">
/// The bytes, lent from a pooled buffer: valid until the next event is read from
/// <see cref="SecureSession.ReadEventsAsync"/> (or the reading ends). Copy them to keep them.
/// </param>
/// <param name="Complete">Whether the file is now whole: verify it, then confirm or reject.</param>
public sealed record FileChunkReceived(ulong File, long Offset, ReadOnlyMemory<byte> Data, bool Complete) : SessionEvent
{
    private int _returned;

    /// <summary>The pooled buffer behind <see cref="Data"/>, given back once the application has moved on.</summary>
    internal OpenedChunk? Lease { get; init; }

    /// <summary>Gives the lent buffer back, the first time only.</summary>
    internal void ReturnLease()
    {
        if (Lease is { } lease && Interlocked.Exchange(ref _returned, 1) == 0)
        {
            lease.Return();
        }
    }
}

/// <summary>The peer holds the first <paramref name="Held"/> bytes of our file (its <c>progress</c>): what a sender's bar shows.</summary>
/// <param name="File">Our id for the transfer.</param>
/// <param name="Held">The bytes the receiver holds, above its previous report and at most what we sent.</param>
public sealed record FileProgressConfirmed(ulong File, long Held) : SessionEvent;

/// <summary>The peer stopped sending its file.</summary>
/// <param name="File">The peer's id for the transfer.</param>
/// <param name="Reason">The peer's sentence (untrusted text).</param>
public sealed record FileCancelled(ulong File, string Reason) : SessionEvent;

/// <summary>The peer received our whole file and its SHA-256 matched.</summary>
/// <param name="File">Our id for the transfer.</param>
public sealed record FileVerified(ulong File) : SessionEvent;
