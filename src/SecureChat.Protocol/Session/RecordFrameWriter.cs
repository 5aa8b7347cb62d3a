// Writes a record frame, {"type":"record","seq":n,"sealed":"<base64>"}, straight into one pooled
// buffer: the exact bytes the source-generated serialiser gives for RecordFrame (the deterministic
// example in docs/protocol.md checks them), without its intermediate copies, which for a 64 KiB
// message are two large-object allocations per record.
using System.Buffers;
using System.Buffers.Text;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Session;

internal static class RecordFrameWriter
{
    /// <summary>The frame up to the sequence number (CanonicalRecordFrame reads the same spelling).</summary>
    internal static ReadOnlySpan<byte> Prefix => "{\"type\":\"record\",\"seq\":"u8;

    /// <summary>Between the sequence number and the base64 of the sealed bytes.</summary>
    internal static ReadOnlySpan<byte> SealedMember => ",\"sealed\":\""u8;

    /// <summary>After the base64.</summary>
    internal static ReadOnlySpan<byte> Suffix => "\"}"u8;

    /// <summary>The frame carrying <paramref name="sealedBytes"/> as record <paramref name="sequence"/>.</summary>
    public static PooledFrame Write(ulong sequence, ReadOnlySpan<byte> sealedBytes)
    {
        Span<byte> digits = stackalloc byte[20];
        if (!Utf8Formatter.TryFormat(sequence, digits, out int digitCount))
        {
            throw new InvalidOperationException("A sequence number did not fit 20 digits.");
        }

        int payloadLength = checked(Prefix.Length + digitCount + SealedMember.Length + Base64.GetMaxEncodedToUtf8Length(sealedBytes.Length) + Suffix.Length);
        int frameLength = FrameCodec.HeaderSize + payloadLength;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(frameLength);
        Span<byte> frame = buffer.AsSpan(0, frameLength);
        FrameCodec.WriteHeader(frame, payloadLength);
        int at = FrameCodec.HeaderSize;
        at += Append(frame[at..], Prefix);
        at += Append(frame[at..], digits[..digitCount]);
        at += Append(frame[at..], SealedMember);
        Base64.EncodeToUtf8(sealedBytes, frame[at..], out _, out int encoded);
        at += encoded;
        at += Append(frame[at..], Suffix);
        return at == frameLength
            ? new PooledFrame(buffer, frameLength)
            : throw new InvalidOperationException("A record frame came out at the wrong length.");
    }

    private static int Append(Span<byte> destination, ReadOnlySpan<byte> part)
    {
        part.CopyTo(destination);
        return part.Length;
    }
}
