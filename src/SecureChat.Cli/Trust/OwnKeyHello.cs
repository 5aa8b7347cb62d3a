// Two apps that share one home folder share one identity. The connector sees its own key in the listener's
// frame 2 and refuses before proof; the listener then only hears "refused" from a caller that proved
// nothing. To tell its user why, the listener looks at the identity the caller announced in frame 1: if it
// is the listener's own key, the refusal is almost surely the other app's own-key check. The frame is not
// proof of anything, so this only words a message; it never accepts or refuses anyone.
using System.Text.Json;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Framing;

namespace SecureChat.Cli.Trust;

/// <summary>Whether a caller's hello (frame 1) announced our own identity key.</summary>
internal static class OwnKeyHello
{
    /// <summary>True if <paramref name="helloFrame"/> (length prefix and payload) names <paramref name="own"/> as the caller's identity.</summary>
    public static bool Announces(ReadOnlySpan<byte> helloFrame, Fingerprint own)
    {
        ArgumentNullException.ThrowIfNull(own);
        if (helloFrame.Length <= FrameCodec.HeaderSize)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(helloFrame[FrameCodec.HeaderSize..]);
            using JsonDocument hello = JsonDocument.ParseValue(ref reader);
            return hello.RootElement.ValueKind == JsonValueKind.Object
                && hello.RootElement.TryGetProperty("identity", out JsonElement identity)
                && identity.ValueKind == JsonValueKind.String
                && identity.TryGetBytesFromBase64(out byte[]? key)
                && Fingerprint.Of(key).Equals(own);
        }
        catch (JsonException)
        {
            return false; // a malformed hello was already refused for that; here it just names no key
        }
    }
}
