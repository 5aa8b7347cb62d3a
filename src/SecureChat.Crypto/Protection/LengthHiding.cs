// Length hiding: pad a plaintext to a whole number of buckets before encryption, so a ciphertext says
// only which bucket its message falls in. Signal pads to multiples of 160 bytes the same way: one 0x80
// byte after the message, then zeros (ISO/IEC 7816-4 padding). Removal runs only after the MAC has
// verified, so its timing cannot serve as a padding oracle.
namespace SecureChat.Crypto.Protection;

internal static class LengthHiding
{
    private const byte Marker = 0x80;

    /// <summary>The padded length of a message of <paramref name="length"/> bytes (always at least one byte longer).</summary>
    public static int PaddedLength(int length, int bucket) =>
        checked(((length / bucket) + 1) * bucket);

    /// <summary>Copies <paramref name="plaintext"/> into <paramref name="destination"/> and pads it to the bucket.</summary>
    public static void Pad(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        plaintext.CopyTo(destination);
        destination[plaintext.Length] = Marker;
        destination[(plaintext.Length + 1)..].Clear();
    }

    /// <summary>The length of the message inside <paramref name="padded"/>, or -1 if the padding is malformed.</summary>
    public static int UnpaddedLength(ReadOnlySpan<byte> padded)
    {
        int end = padded.LastIndexOfAnyExcept((byte)0);
        return end >= 0 && padded[end] == Marker ? end : -1;
    }
}
