namespace SecureChat.Cli;

/// <summary>A setting that cannot be used: a missing PSK variable, an unreadable PSK file, an unsafe folder (exit 78).</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ConfigurationException()
        : base("A setting cannot be used.")
    {
    }

    /// <summary>Creates the exception with a message that says what to fix.</summary>
    public ConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
