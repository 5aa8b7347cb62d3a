// Reads a caller's first frame for the listener's waiting room. Unlike the protocol's FrameReader, it does
// not allocate the announced length up front: a stranger that announces 64 KiB and sends ten bytes costs
// ten bytes (and a small buffer), so a room full of stalled hellos stays cheap. The length itself is
// checked against the handshake limit from the header alone, as the protocol requires.
using System.Net.Sockets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Cli.Network;

/// <summary>Reads one whole frame, growing its buffer only as bytes actually arrive.</summary>
internal static class HelloReader
{
    private const int FirstBuffer = 4096; // a real hello (an RSA-3072 key, an ML-KEM-768 key and the rest) is about 2.4 KiB

    /// <summary>
    /// The frame's bytes (length prefix and payload), or <see langword="null"/> if the stream ended before
    /// its first byte. Cancel <paramref name="cancellationToken"/> to give up (the hello timeout).
    /// </summary>
    /// <exception cref="ProtocolViolationException">The length prefix is 0 or above <paramref name="maxPayload"/>.</exception>
    /// <exception cref="ConnectionLostException">The stream ended mid-frame or failed.</exception>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxPayload, CancellationToken cancellationToken)
    {
        byte[] header = new byte[FrameCodec.HeaderSize];
        int read = 0;
        while (read < header.Length)
        {
            int n = await ReadSomeAsync(stream, header.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? null : throw new ConnectionLostException("The connection closed in the middle of a frame.");
            }

            read += n;
        }

        int payload = FrameCodec.ReadPayloadLength(header, maxPayload);
        byte[] wire = new byte[FrameCodec.HeaderSize + Math.Min(payload, FirstBuffer)];
        header.CopyTo(wire, 0);
        int filled = FrameCodec.HeaderSize;
        int total = FrameCodec.HeaderSize + payload;
        while (filled < total)
        {
            if (filled == wire.Length)
            {
                Array.Resize(ref wire, (int)Math.Min(total, (long)wire.Length * 2));
            }

            int n = await ReadSomeAsync(stream, wire.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new ConnectionLostException("The connection closed in the middle of a frame.");
            }

            filled += n;
        }

        return wire;
    }

    private static async ValueTask<int> ReadSomeAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new ConnectionLostException($"The connection failed: {e.Message}", e);
        }
    }
}
