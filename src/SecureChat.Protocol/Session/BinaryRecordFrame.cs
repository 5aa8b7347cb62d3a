// The binary record frame (docs/protocol.md, "Binary record frame"): u8(0x00) ‖ u64(seq) ‖ sealed, the
// frame that carries a file chunk. A JSON record frame base64-encodes its sealed bytes, 4 wire bytes for
// every 3, which a chunk cannot afford on a slow link; a payload whose first byte is 0x00 cannot be JSON
// (which starts with '{' or whitespace), so the two kinds never meet.
using System.Buffers;
using System.Buffers.Binary;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Session;

internal static class BinaryRecordFrame
{
    /// <summary>The first payload byte of a binary record frame.</summary>
    public const byte Tag = 0x00;

    /// <summary>The tag and the sequence number before the sealed bytes.</summary>
    public const int HeaderSize = 1 + 8;

    /// <summary>Whether a session payload is a binary record frame rather than JSON.</summary>
    public static bool Is(ReadOnlySpan<byte> payload) => payload.Length > 0 && payload[0] == Tag;

    /// <summary>A pooled frame for <paramref name="sealedLength"/> sealed bytes, with its sealed part to fill.</summary>
    public static PooledFrame Rent(ulong sequence, int sealedLength, out Memory<byte> sealedPart)
    {
        int payloadLength = checked(HeaderSize + sealedLength);
        int frameLength = FrameCodec.HeaderSize + payloadLength;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(frameLength);
        Span<byte> frame = buffer.AsSpan(0, frameLength);
        FrameCodec.WriteHeader(frame, payloadLength);
        frame[FrameCodec.HeaderSize] = Tag;
        BinaryPrimitives.WriteUInt64BigEndian(frame[(FrameCodec.HeaderSize + 1)..], sequence);
        sealedPart = buffer.AsMemory(FrameCodec.HeaderSize + HeaderSize, sealedLength);
        return new PooledFrame(buffer, frameLength);
    }

    /// <summary>The sequence number of a binary record frame's payload; its sealed bytes follow the header.</summary>
    /// <exception cref="ProtocolViolationException">The payload is shorter than its header.</exception>
    public static ulong ReadSequence(ReadOnlySpan<byte> payload) =>
        payload.Length >= HeaderSize && payload[0] == Tag
            ? BinaryPrimitives.ReadUInt64BigEndian(payload[1..])
            : throw new ProtocolViolationException($"A binary record frame is {payload.Length} bytes, shorter than its {HeaderSize}-byte header.");
}
