namespace SecureChat.Cli.Trust;

/// <summary>The known-peers file could not be read, parsed or written; the message names the file (and the line).</summary>
public sealed class KnownPeersException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public KnownPeersException()
        : base("The known-peers file cannot be used.")
    {
    }

    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    public KnownPeersException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public KnownPeersException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
