namespace SecureChat.Cli.Commands;

/// <summary>A command was given something it cannot act on (a peer that matches nothing); exit 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public UsageException()
        : base("Bad usage.")
    {
    }

    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
