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

    /// <summary>
    /// Whether a write was interrupted or failed, so that a frame may be half-written: nothing more may be
    /// written, not even an abort, since it would be read as the rest of that frame.
    /// </summary>
    public bool IsBroken { get; private set; }

    /// <summary>
    /// Best effort, within 1 s: tells the peer why we are ending, unless a frame may be half-written (an
    /// abort spliced into it would be garbage) or the peer is already gone.
    /// </summary>
    public async ValueTask TryWriteAbortAsync(AbortReason reason)
    {
        if (IsBroken)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await WriteFrameAsync(FrameJson.EncodeAbort(reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SessionException or OperationCanceledException)
        {
            // The peer may be gone already.
        }
    }

    /// <summary>Writes one whole frame (as made by <see cref="FrameCodec.Encode"/>) and flushes it.</summary>
    /// <exception cref="ConnectionLostException">The stream failed.</exception>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> wire, CancellationToken cancellationToken)
    {
        if (IsBroken)
        {
            throw new ConnectionLostException("An earlier write was interrupted; the connection cannot carry another frame.");
        }

        try
        {
            await _stream.WriteAsync(wire, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            IsBroken = true;
            throw;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            IsBroken = true;
            throw new ConnectionLostException($"The connection failed: {e.Message}", e);
        }
    }
}
