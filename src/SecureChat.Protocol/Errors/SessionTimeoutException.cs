namespace SecureChat.Protocol.Errors;

/// <summary>The peer did not answer in time: a stalled frame, a slow handshake or a silent peer.</summary>
public sealed class SessionTimeoutException : SessionException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SessionTimeoutException()
        : base("The peer did not answer in time.")
    {
    }

    /// <summary>Creates the exception with a message that says what failed.</summary>
    public SessionTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public SessionTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether the peer's bytes were still arriving when the time ran out: a slow link, not a silent peer.</summary>
    public bool SlowLink { get; init; }

    /// <inheritdoc/>
    internal override SessionException Again() => new SessionTimeoutException(Message, this) { SlowLink = SlowLink };
}
