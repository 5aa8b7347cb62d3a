using System.Security.Cryptography;

namespace SecureChat.Crypto;

/// <summary>
/// Key material was refused: a malformed or non-canonical encoding, a point that is not on the curve,
/// an unsupported key size, or a secret of the wrong length.
/// </summary>
public sealed class InvalidKeyException : CryptographicException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public InvalidKeyException()
        : base("The key is invalid.")
    {
    }

    /// <summary>Creates the exception with a message that says what was wrong (never the key itself).</summary>
    public InvalidKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public InvalidKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
