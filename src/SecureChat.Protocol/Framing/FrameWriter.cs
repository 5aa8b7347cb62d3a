// Writes frames to a stream, prefix and payload in one write so that a frame is never interleaved with
// another. Not thread-safe: the session serialises writers.
using System.Net.Sockets;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Framing;

/// <summary>Writes length-prefixed frames to a stream.</summary>
public sealed class FrameWriter
{
    private readonly Stream _stream;

    /// <summary>Writes to <paramref name="stream"/>; the caller owns it.</summary>
    public FrameWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>Writes one whole frame (as made by <see cref="FrameCodec.Encode"/>) and flushes it.</summary>
    /// <exception cref="ConnectionLostException">The stream failed.</exception>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> wire, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(wire, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new ConnectionLostException($"The connection failed: {e.Message}", e);
        }
    }
}
