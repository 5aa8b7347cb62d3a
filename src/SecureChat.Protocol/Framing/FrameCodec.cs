// The frame format: a 4-byte unsigned big-endian length N, then N bytes of payload (UTF-8 JSON).
// Pure: no I/O, no allocation. A length of 0 or above the limit is refused from the header alone, so a
// hostile length prefix (up to 4 GiB) never causes an allocation.
using System.Buffers.Binary;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Framing;

/// <summary>Reads and writes the length prefix of frames.</summary>
public static class FrameCodec
{
    /// <summary>The size of the length prefix.</summary>
    public const int HeaderSize = 4;

    /// <summary>The default largest payload during the handshake: 64 KiB.</summary>
    public const int DefaultMaxHandshakePayload = 64 * 1024;

    /// <summary>The default largest payload once the session is established: 1 MiB.</summary>
    public const int DefaultMaxSessionPayload = 1024 * 1024;

    /// <summary>
    /// Looks for one whole frame at the start of <paramref name="buffer"/>. Returns <see langword="false"/>
    /// when more bytes are needed; otherwise <paramref name="frameLength"/> is header plus payload.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The length prefix is 0 or above <paramref name="maxPayload"/>.</exception>
    public static bool TryReadFrame(ReadOnlySpan<byte> buffer, int maxPayload, out int frameLength)
    {
        frameLength = 0;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        int payload = ReadPayloadLength(buffer[..HeaderSize], maxPayload);
        if (buffer.Length - HeaderSize < payload)
        {
            return false;
        }

        frameLength = HeaderSize + payload;
        return true;
    }

    /// <summary>Decodes and checks a length prefix.</summary>
    /// <exception cref="ProtocolViolationException">The length is 0 or above <paramref name="maxPayload"/>.</exception>
    public static int ReadPayloadLength(ReadOnlySpan<byte> header, int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPayload);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length == 0)
        {
            throw new ProtocolViolationException("The peer sent an empty frame (length 0).");
        }

        if (length > (uint)maxPayload)
        {
            throw new ProtocolViolationException($"The peer announced a frame of {length} bytes; the limit is {maxPayload}.");
        }

        return (int)length;
    }

    /// <summary>Writes the length prefix for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static void WriteHeader(Span<byte> header, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(payloadLength);
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)payloadLength);
    }

    /// <summary>A whole frame (prefix and payload) for <paramref name="payload"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[HeaderSize + payload.Length];
        WriteHeader(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }
}
