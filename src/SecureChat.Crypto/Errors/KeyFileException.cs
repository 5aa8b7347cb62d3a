using System.Security.Cryptography;

namespace SecureChat.Crypto;

/// <summary>
/// An identity key file could not be used: it is readable by others, it is not a private key,
/// its passphrase is wrong or missing, or it could not be read or written.
/// </summary>
public sealed class KeyFileException : CryptographicException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public KeyFileException()
        : base("The key file cannot be used.")
    {
    }

    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    public KeyFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public KeyFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
