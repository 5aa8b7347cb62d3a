namespace SecureChat.Protocol.Errors;

/// <summary>Authentication or integrity failed: a MAC, a confirmation or a key unwrap did not verify, or a record arrived out of sequence. Someone may be tampering with the connection.</summary>
public sealed class IntegrityException : SessionException
{
    /// <summary>Creates the exception with a default message.</summary>
    public IntegrityException()
        : base("The peer could not be authenticated, or a record failed its integrity check.")
    {
    }

    /// <summary>Creates the exception with a message that says what failed.</summary>
    public IntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public IntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    internal override SessionException Again() => new IntegrityException(Message, this);
}
