using System.Security.Cryptography;

namespace SecureChat.Crypto;

/// <summary>
/// Data failed an authenticity check: a MAC did not verify or a wrapped secret could not be unwrapped.
/// </summary>
/// <remarks>
/// Every such failure raises this one type with one generic message, whatever the cause (bad tag,
/// bad padding, wrong key, truncation), so that an attacker learns nothing from which check failed.
/// </remarks>
public sealed class AuthenticationFailedException : CryptographicException
{
    /// <summary>Creates the exception with the generic message.</summary>
    public AuthenticationFailedException()
        : base("Authentication failed: the data was not produced by the holder of the key.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AuthenticationFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public AuthenticationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
