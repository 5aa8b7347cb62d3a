namespace SecureChat.Cli.Network;

/// <summary>Nobody could be reached, or we could not listen: the message says where and what to check.</summary>
public sealed class UnreachableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public UnreachableException()
        : base("The peer could not be reached.")
    {
    }

    /// <summary>Creates the exception with a message that says what to check.</summary>
    public UnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
