using System.Diagnostics.CodeAnalysis;

namespace SecureChat.Crypto;

/// <summary>
/// Builds every exception the library throws, so messages stay consistent and never carry key bytes.
/// </summary>
internal static class Error
{
    [DoesNotReturn]
    public static void ThrowAuthenticationFailed() => throw new AuthenticationFailedException();

    [DoesNotReturn]
    public static void ThrowInvalidKey(string reason) => throw new InvalidKeyException(reason);

    [DoesNotReturn]
    public static void ThrowInvalidKey(string reason, Exception inner) => throw new InvalidKeyException(reason, inner);

    [DoesNotReturn]
    public static void ThrowKeyFile(string message) => throw new KeyFileException(message);

    [DoesNotReturn]
    public static void ThrowKeyFile(string message, Exception inner) => throw new KeyFileException(message, inner);

    [DoesNotReturn]
    public static void ThrowLength(string paramName, int expected, int actual) =>
        throw new ArgumentException($"Expected {expected} bytes but got {actual}.", paramName);

    [DoesNotReturn]
    public static void ThrowDestinationTooSmall(string paramName, int needed, int actual) =>
        throw new ArgumentException($"The destination needs {needed} bytes but has {actual}.", paramName);

    [DoesNotReturn]
    public static void ThrowOutOfRange(string paramName, object value, string rule) =>
        throw new ArgumentOutOfRangeException(paramName, value, rule);
}
