namespace SecureChat.Protocol.Errors;

/// <summary>
/// The peer ended the session with an <c>abort</c> frame. Abort frames are not authenticated, so the
/// reason is the peer's word (or an attacker's): it can end a session, which cutting the connection
/// could too, but never changes what was said in it.
/// </summary>
public sealed class PeerAbortedException : SessionException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PeerAbortedException()
        : this(AbortReason.Unspecified)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PeerAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public PeerAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an abort frame that gave <paramref name="reason"/>.</summary>
    public PeerAbortedException(AbortReason reason)
        : base($"The peer ended the session: {AbortReasons.Describe(reason)}")
    {
        Reason = reason;
    }

    /// <summary>The reason the peer gave.</summary>
    public AbortReason Reason { get; private init; }

    /// <inheritdoc/>
    internal override SessionException Again() => new PeerAbortedException(Message, this) { Reason = Reason };
}
