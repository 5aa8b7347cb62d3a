// The fast way in for a record frame: a payload spelled exactly as RecordFrameWriter spells it,
// {"type":"record","seq":<digits>,"sealed":"<canonical base64>"}, with no leading zero, no whitespace and
// nothing else, is read without the JSON parser, without a string for its type and without an array for
// its sealed bytes. Every such payload is valid JSON that the parser would read to the same sequence
// number and bytes; anything else (other spellings a peer may use) goes through the parser as before, so
// what the session accepts does not change, only what it costs.
using System.Buffers.Text;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Session;

internal static class CanonicalRecordFrame
{
    /// <summary>
    /// Whether <paramref name="payload"/> is a record frame in our own canonical spelling; then its sequence
    /// number and the base64 text of its sealed bytes (canonical, checked).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out ulong sequence, out ReadOnlySpan<byte> sealedBase64)
    {
        sequence = 0;
        sealedBase64 = default;
        if (!payload.StartsWith(RecordFrameWriter.Prefix) || !payload.EndsWith(RecordFrameWriter.Suffix))
        {
            return false;
        }

        ReadOnlySpan<byte> rest = payload[RecordFrameWriter.Prefix.Length..^RecordFrameWriter.Suffix.Length];
        int digits = rest.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (digits <= 0 || (digits > 1 && rest[0] == (byte)'0') || !rest[digits..].StartsWith(RecordFrameWriter.SealedMember))
        {
            return false;
        }

        if (!Utf8Parser.TryParse(rest[..digits], out sequence, out int consumed) || consumed != digits)
        {
            return false; // more than a ulong holds: the parser gives the precise error
        }

        sealedBase64 = rest[(digits + RecordFrameWriter.SealedMember.Length)..];
        return CanonicalBase64Converter.IsCanonical(sealedBase64);
    }

    /// <summary>How many bytes <paramref name="sealedBase64"/> (canonical) decodes to.</summary>
    public static int DecodedLength(ReadOnlySpan<byte> sealedBase64) =>
        sealedBase64.Length / 4 * 3 - (sealedBase64.EndsWith("=="u8) ? 2 : sealedBase64.EndsWith("="u8) ? 1 : 0);
}
