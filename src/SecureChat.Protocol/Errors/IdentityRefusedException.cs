namespace SecureChat.Protocol.Errors;

/// <summary>The trust decision refused the peer's identity, so the session ended before any chat data flowed.</summary>
public sealed class IdentityRefusedException : SessionException
{
    /// <summary>Creates the exception with a default message.</summary>
    public IdentityRefusedException()
        : base("The peer's identity was refused.")
    {
    }

    /// <summary>Creates the exception with a message that says what failed.</summary>
    public IdentityRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public IdentityRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    internal override SessionException Again() => new IdentityRefusedException(Message, this);
}
