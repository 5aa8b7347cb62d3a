// Reads frames from a stream. Waiting for the first byte of a frame is bounded only by the caller (the
// session's keepalive decides how long silence may last). Once a frame has begun, the frame timeout bounds
// a stall, not the frame: it restarts on every read that brought bytes, so a large frame crossing a slow
// link stays alive while its bytes keep coming (issue 20), and a sender that stops mid-frame is caught.
// What bounds a whole exchange (a stranger trickling its hello) is the caller's deadline, not this one.
// Reads are buffered: one read from the stream takes whatever has arrived, often many frames, and the
// frames already buffered are handed out without another system call or timer.
// A file transfer brings a large frame (a chunk record) every few reads, often between small ones: the
// grown buffer is kept across small frames and let go only after a long run of them, and the stall clock
// is one timer kept by the reader, so neither costs an allocation per frame (issue 19).
using System.Runtime.CompilerServices;
using System.Net.Sockets;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Framing;

/// <summary>Reads length-prefixed frames from a stream, enforcing the size limit and the frame timeout.</summary>
public sealed class FrameReader
{
    private const int DefaultBufferSize = 16 * 1024;

    // How many frames in a row no larger than the default buffer let the grown buffer go: enough that a
    // transfer's receipts and texts between chunks keep it, few enough that a chat after one long message
    // does not hold it for long.
    internal const int SmallFramesBeforeShrinking = 64;

    private readonly Stream _stream;
    private readonly byte[] _defaultBuffer = new byte[DefaultBufferSize];
    private byte[] _buffer;
    private int _smallFramesInARow;

    // The stall clock of the frame being read, kept from frame to frame while it was never cancelled.
    private CancellationTokenSource? _stall;
    private int _start;
    private int _end;
    private long _lastProgressAt = Environment.TickCount64;

    /// <summary>Reads from <paramref name="stream"/>; the caller owns it.</summary>
    public FrameReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _buffer = _defaultBuffer;
    }

    /// <summary>When bytes last arrived (<see cref="Environment.TickCount64"/>), part of a frame or not: the sign of life that counts.</summary>
    internal long LastProgressAt => Volatile.Read(ref _lastProgressAt);

    /// <summary>The stall clock kept from frame to frame, for the test that it is kept.</summary>
    internal CancellationTokenSource? StallClock => _stall;

    /// <summary>Whether part of a frame has arrived and the rest has not.</summary>
    internal bool InsideFrame => Volatile.Read(ref _end) > Volatile.Read(ref _start);

    /// <summary>
    /// Reads the next frame, or returns <see langword="null"/> if the stream ended cleanly between frames.
    /// The frame is the caller's to keep.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The length prefix is 0 or above <paramref name="maxPayload"/>.</exception>
    /// <exception cref="SessionTimeoutException">The frame began, then no byte of it came for <paramref name="frameTimeout"/> (infinite: never).</exception>
    /// <exception cref="ConnectionLostException">The stream ended mid-frame or failed.</exception>
    public async ValueTask<Frame?> ReadFrameAsync(int maxPayload, TimeSpan frameTimeout, CancellationToken cancellationToken)
    {
        Frame? view = await ReadFrameViewAsync(maxPayload, frameTimeout, cancellationToken).ConfigureAwait(false);
        return view is { } frame ? new Frame(frame.Wire.ToArray()) : null;
    }

    /// <summary>
    /// As <see cref="ReadFrameAsync"/>, but the frame is a view of the reader's buffer, valid only until the
    /// next read: for a caller that is done with each frame before it asks for the next (the session).
    /// </summary>
    internal ValueTask<Frame?> ReadFrameViewAsync(int maxPayload, TimeSpan frameTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPayload);
        return TryTakeBuffered(maxPayload, out Frame frame)
            ? new ValueTask<Frame?>(frame)
            : ReadMoreAsync(maxPayload, frameTimeout, cancellationToken);
    }

    // Pooled: a frame that spans reads (every file chunk) would otherwise box this state machine (issue 19).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Frame?> ReadMoreAsync(int maxPayload, TimeSpan frameTimeout, CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            RestartBuffer();
            int first = await ReadSomeAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (first == 0)
            {
                return null;
            }

            _end = first;
            if (TryTakeBuffered(maxPayload, out Frame frame))
            {
                return frame;
            }
        }

        // A frame has begun: each further piece of it is due within the frame timeout. With no frame timeout
        // (the session's receive loop) only the caller's token applies, and no clock is needed.
        bool timed = frameTimeout != Timeout.InfiniteTimeSpan;
        CancellationTokenSource? stall = null;
        CancellationTokenRegistration caller = default;
        CancellationToken token = cancellationToken;
        if (timed)
        {
            stall = _stall ??= new CancellationTokenSource();
            caller = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), stall);
            stall.CancelAfter(frameTimeout);
            token = stall.Token;
        }

        try
        {
            while (true)
            {
                int buffered = _end - _start;
                int needed = buffered >= FrameCodec.HeaderSize
                    ? FrameCodec.HeaderSize + FrameCodec.ReadPayloadLength(_buffer.AsSpan(_start, FrameCodec.HeaderSize), maxPayload)
                    : FrameCodec.HeaderSize;
                MakeRoom(needed);
                int read = await ReadSomeAsync(_buffer.AsMemory(_end), token).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new ConnectionLostException("The connection closed in the middle of a frame.");
                }

                _end += read;
                if (TryTakeBuffered(maxPayload, out Frame frame))
                {
                    return frame;
                }

                stall?.CancelAfter(frameTimeout); // progress: the stall clock starts again
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SessionTimeoutException($"The peer began a frame, then sent nothing more of it for {frameTimeout.TotalSeconds:0.###} s.");
        }
        finally
        {
            if (stall is not null)
            {
                // Unregistering first means the caller's token can no longer cancel the clock; a clock that
                // fired or was cancelled cannot be reset and is replaced at the next frame.
                caller.Dispose();
                if (!stall.TryReset())
                {
                    stall.Dispose();
                    _stall = null;
                }
            }
        }
    }

    /// <summary>Takes the next frame if all of it is buffered; refuses a bad length as soon as its 4 bytes are.</summary>
    private bool TryTakeBuffered(int maxPayload, out Frame frame)
    {
        int buffered = _end - _start;
        if (buffered >= FrameCodec.HeaderSize)
        {
            int length = FrameCodec.HeaderSize + FrameCodec.ReadPayloadLength(_buffer.AsSpan(_start, FrameCodec.HeaderSize), maxPayload);
            if (buffered >= length)
            {
                frame = new Frame(_buffer.AsMemory(_start, length));
                _start += length;
                _smallFramesInARow = length > DefaultBufferSize ? 0 : _smallFramesInARow + 1;
                return true;
            }
        }

        frame = default;
        return false;
    }

    /// <summary>Makes room after the buffered bytes for a frame of <paramref name="frameLength"/> bytes in all.</summary>
    private void MakeRoom(int frameLength)
    {
        int buffered = _end - _start;
        if (_buffer.Length - _start >= frameLength && _end < _buffer.Length)
        {
            return;
        }

        // Only a frame within the limit, already checked, gets here: the size a peer can make us hold is
        // capped, and it is exactly the frame (no rounding up).
        byte[] target = frameLength > _buffer.Length ? GC.AllocateUninitializedArray<byte>(frameLength) : _buffer;
        _buffer.AsSpan(_start, buffered).CopyTo(target);
        _buffer = target;
        _start = 0;
        _end = buffered;
    }

    /// <summary>
    /// With nothing buffered, goes back to the default buffer if a large frame made it grow and a long run
    /// of small frames has followed: large frames among small ones (a file's chunks among receipts and
    /// texts) keep the large buffer rather than allocate it again for each.
    /// </summary>
    private void RestartBuffer()
    {
        _start = 0;
        _end = 0;
        if (!ReferenceEquals(_buffer, _defaultBuffer) && _smallFramesInARow >= SmallFramesBeforeShrinking)
        {
            _buffer = _defaultBuffer;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadSomeAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            int read = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                Volatile.Write(ref _lastProgressAt, Environment.TickCount64);
            }

            return read;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new ConnectionLostException($"The connection failed: {e.Message}", e);
        }
    }
}
