using SecureChat.Crypto.Protection;

namespace SecureChat.Protocol.Handshake;

/// <summary>The wire names of the message suites.</summary>
public static class SuiteNames
{
    /// <summary>AES-256-CBC, then HMAC-SHA256 over the header, IV and ciphertext.</summary>
    public const string AesCbcHmacSha256 = "aes256cbc-hmacsha256";

    /// <summary>AES-256-CBC, then keyed BLAKE2b-256 over the header, IV and ciphertext.</summary>
    public const string AesCbcBlake2b256 = "aes256cbc-blake2b256";

    /// <summary>The wire name of <paramref name="suite"/>.</summary>
    public static string ToWireName(MessageSuite suite) => suite switch
    {
        MessageSuite.AesCbcHmacSha256 => AesCbcHmacSha256,
        MessageSuite.AesCbcBlake2b256 => AesCbcBlake2b256,
        _ => throw new ArgumentOutOfRangeException(nameof(suite), suite, "Not a message suite."),
    };

    /// <summary>The suite named <paramref name="wireName"/>, if this version knows it.</summary>
    public static bool TryParse(string wireName, out MessageSuite suite)
    {
        suite = wireName switch
        {
            AesCbcHmacSha256 => MessageSuite.AesCbcHmacSha256,
            AesCbcBlake2b256 => MessageSuite.AesCbcBlake2b256,
            _ => 0,
        };
        return suite != 0;
    }
}
