namespace SecureChat.Crypto;

/// <summary>
/// Builds every exception the library throws (<c>throw Error.X(...)</c>), so messages stay consistent and
/// never carry key bytes.
/// </summary>
internal static class Error
{
    public static AuthenticationFailedException AuthenticationFailed() => new();

    public static InvalidKeyException InvalidKey(string reason) => new(reason);

    public static InvalidKeyException InvalidKey(string reason, Exception inner) => new(reason, inner);

    public static KeyFileException KeyFile(string message) => new(message);

    public static KeyFileException KeyFile(string message, Exception inner) => new(message, inner);

    public static ArgumentException Length(string paramName, int expected, int actual) =>
        new($"Expected {expected} bytes but got {actual}.", paramName);

    public static ArgumentException DestinationTooSmall(string paramName, int needed, int actual) =>
        new($"The destination needs {needed} bytes but has {actual}.", paramName);

    public static ArgumentException Overlap(string paramName, string other) =>
        new($"'{paramName}' must not overlap '{other}'.", paramName);

    public static ArgumentOutOfRangeException OutOfRange(string paramName, object value, string rule) =>
        new(paramName, value, rule);
}
