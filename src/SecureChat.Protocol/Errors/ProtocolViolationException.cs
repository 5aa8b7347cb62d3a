namespace SecureChat.Protocol.Errors;

/// <summary>The peer broke the protocol: a malformed, oversized or unexpected frame.</summary>
public sealed class ProtocolViolationException : SessionException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ProtocolViolationException()
        : base("The peer broke the protocol.")
    {
    }

    /// <summary>Creates the exception with a message that says what failed.</summary>
    public ProtocolViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public ProtocolViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    internal override SessionException Again() => new ProtocolViolationException(Message, this);
}
