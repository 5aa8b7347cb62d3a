// Reads frames from a stream. Waiting for the first byte of a frame is bounded only by the caller (the
// session's keepalive decides how long silence may last); once a frame has begun, all of it must arrive
// within the frame timeout, so a sender that stalls mid-frame cannot hold a connection (slowloris).
using System.Net.Sockets;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Framing;

/// <summary>Reads length-prefixed frames from a stream, enforcing the size limit and the frame timeout.</summary>
public sealed class FrameReader
{
    private readonly Stream _stream;
    private readonly byte[] _header = new byte[FrameCodec.HeaderSize];

    /// <summary>Reads from <paramref name="stream"/>; the caller owns it.</summary>
    public FrameReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>
    /// Reads the next frame, or returns <see langword="null"/> if the stream ended cleanly between frames.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The length prefix is 0 or above <paramref name="maxPayload"/>.</exception>
    /// <exception cref="SessionTimeoutException">The frame began but did not finish within <paramref name="frameTimeout"/>.</exception>
    /// <exception cref="ConnectionLostException">The stream ended mid-frame or failed.</exception>
    public async ValueTask<Frame?> ReadFrameAsync(int maxPayload, TimeSpan frameTimeout, CancellationToken cancellationToken)
    {
        int first = await ReadSomeAsync(_header, cancellationToken).ConfigureAwait(false);
        if (first == 0)
        {
            return null;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(frameTimeout);
        try
        {
            await ReadExactlyAsync(_header.AsMemory(first), deadline.Token).ConfigureAwait(false);
            int payload = FrameCodec.ReadPayloadLength(_header, maxPayload);
            byte[] wire = GC.AllocateUninitializedArray<byte>(FrameCodec.HeaderSize + payload);
            _header.CopyTo(wire, 0);
            await ReadExactlyAsync(wire.AsMemory(FrameCodec.HeaderSize), deadline.Token).ConfigureAwait(false);
            return new Frame(wire);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SessionTimeoutException($"The peer began a frame but did not finish it within {frameTimeout.TotalSeconds:0.###} s.");
        }
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int read = await ReadSomeAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ConnectionLostException("The connection closed in the middle of a frame.");
            }

            buffer = buffer[read..];
        }
    }

    private async ValueTask<int> ReadSomeAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new ConnectionLostException($"The connection failed: {e.Message}", e);
        }
    }
}
