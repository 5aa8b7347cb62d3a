namespace SecureChat.Protocol.Errors;

/// <summary>The connection ended before the session did: closed, reset, or cut without the peer's authenticated goodbye.</summary>
public sealed class ConnectionLostException : SessionException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ConnectionLostException()
        : base("The connection was lost.")
    {
    }

    /// <summary>Creates the exception with a message that says what failed.</summary>
    public ConnectionLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public ConnectionLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    internal override SessionException Again() => new ConnectionLostException(Message, this);
}
