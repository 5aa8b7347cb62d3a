namespace SecureChat.Crypto.Tests;

/// <summary>Checks that text meant for logs does not show secret bytes in any usual encoding.</summary>
internal static class Redaction
{
    private const int Window = 8;

    /// <summary>
    /// Fails if <paramref name="text"/> holds the hex (any case) of any 8 consecutive bytes of
    /// <paramref name="secret"/>, or the start of its base64 or base64url form.
    /// </summary>
    public static void ShouldNotReveal(this string text, byte[] secret)
    {
        for (int i = 0; i + Window <= secret.Length; i++)
        {
            text.Should().NotContainEquivalentOf(Convert.ToHexString(secret, i, Window));
        }

        string base64 = Convert.ToBase64String(secret);
        text.Should().NotContain(base64[..Math.Min(12, base64.Length)]);
        text.Should().NotContain(base64[..Math.Min(12, base64.Length)].Replace('+', '-').Replace('/', '_'));
    }
}
