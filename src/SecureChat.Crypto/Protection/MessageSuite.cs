namespace SecureChat.Crypto.Protection;

/// <summary>The message protection suites. Both are AES-256-CBC, encrypt-then-MAC; they differ in the MAC.</summary>
/// <remarks>The numeric values are stable: the protocol may carry them.</remarks>
public enum MessageSuite
{
    /// <summary>AES-256-CBC (PKCS#7 padding, or ISO/IEC 7816-4 padding to a bucket when length hiding is on), then HMAC-SHA256 over header, IV and ciphertext. The default.</summary>
    AesCbcHmacSha256 = 1,

    /// <summary>AES-256-CBC (padded as for <see cref="AesCbcHmacSha256"/>), then keyed BLAKE2b-256 over header, IV and ciphertext.</summary>
    AesCbcBlake2b256 = 2,
}
