// The session's writer: many records, few writes. A record written while nothing is in flight goes to
// the socket at once, so a lone line is never delayed. While a write is still in the socket's hands (the
// peer or the link is slower than the sender), the records sealed meanwhile gather in a buffer and go out
// together in the next write, and the sender goes on sealing instead of waiting: one system call, and on
// the peer one read, for a whole burst. At most MaxGatheredBytes wait; beyond that the sender waits for the
// socket, so a peer that stops reading still stops a sender.
// Records reach the buffer in the order they were sealed (callers hold the session's write lock), and the
// buffer reaches the stream in that order, so sequence numbers stay in wire order.
// A frame that goes out at once is written from its own pooled buffer (ownership passes to the writer,
// which returns it once written): only frames that gather are copied, so a 48 KiB chunk on an idle
// socket is never copied twice.
using System.Buffers;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Session;

/// <summary>Writes the session's record frames, gathering those that queue behind a pending write into one.</summary>
internal sealed class SessionWriter : IDisposable
{
    /// <summary>How many bytes may wait behind a pending write before the sender waits too.</summary>
    public const int MaxGatheredBytes = 256 * 1024;

    private const int InitialCapacity = 4096;

    private readonly FrameWriter _writer;
    private readonly CancellationToken _lifetime;
    private readonly Action<SessionException> _broken;
    private readonly Lock _gate = new();
    private byte[] _gathering = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    private byte[] _writing = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    private int _gathered;
    private bool _flushing;
    private Exception? _failure;
    private TaskCompletionSource? _drained;
    private bool _disposed;

    /// <summary>
    /// Writes through <paramref name="writer"/> until <paramref name="lifetime"/> ends; a write that fails
    /// in the background is reported to <paramref name="broken"/> (the session's Break).
    /// </summary>
    public SessionWriter(FrameWriter writer, Action<SessionException> broken, CancellationToken lifetime)
    {
        _writer = writer;
        _lifetime = lifetime;
        _broken = broken;
    }

    /// <summary>How many writes reached the stream (for the test that shows a burst gathered into few).</summary>
    internal int Writes { get; private set; }

    /// <summary>As <see cref="WriteAsync(PooledFrame)"/> for a frame the caller keeps (copied into a pooled buffer first).</summary>
    public ValueTask WriteAsync(ReadOnlySpan<byte> frame)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(frame.Length);
        frame.CopyTo(buffer);
        return WriteAsync(new PooledFrame(buffer, frame.Length));
    }

    /// <summary>
    /// Queues one whole frame, taking ownership of its pooled buffer (the writer returns it, at once if it
    /// copies the frame behind a pending write, else once the frame is written), and writes it now if
    /// nothing is in flight. Completes once the frame is written or gathered behind a pending write, or,
    /// past <see cref="MaxGatheredBytes"/>, once the gathered frames have been written.
    /// </summary>
    /// <exception cref="ConnectionLostException">An earlier write failed (or this one failed at once).</exception>
    /// <exception cref="OperationCanceledException">The session's lifetime ended.</exception>
    public ValueTask WriteAsync(PooledFrame frame)
    {
        bool startFlush;
        bool overfull;
        lock (_gate)
        {
            try
            {
                ThrowIfFailed();
                startFlush = !_flushing;
                if (!startFlush)
                {
                    Append(frame.Wire.Span);
                }
            }
            catch
            {
                frame.Return();
                throw;
            }

            _flushing = true;
            overfull = _gathered > MaxGatheredBytes;
        }

        if (startFlush)
        {
            // Runs on this thread until the socket cannot take the bytes at once; then it goes on in the
            // background and this sender carries on (write-behind).
            Task flush = FlushAsync(frame);
            if (!flush.IsCompleted)
            {
                return ValueTask.CompletedTask;
            }

            if (flush.IsFaulted)
            {
                return new ValueTask(flush); // what the stream threw beyond the failures FrameWriter names
            }

            lock (_gate)
            {
                // The write failed at once: this sender hears it (and the session has been broken).
                return _failure is null ? ValueTask.CompletedTask : ValueTask.FromException(_failure);
            }
        }

        frame.Return(); // copied behind the pending write
        return overfull ? new ValueTask(DrainAsync()) : ValueTask.CompletedTask;
    }

    /// <summary>Completes once every frame queued so far has been written; throws if a write failed.</summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                return Task.FromException(_failure);
            }

            if (!_flushing)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>Gives the buffers back to the pool, at once or when the write still in flight ends.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (!_flushing)
            {
                ReturnBuffers();
            }
        }
    }

    /// <summary>Writes <paramref name="first"/> (and returns its buffer), then whatever gathered meanwhile, until nothing is left.</summary>
    private async Task FlushAsync(PooledFrame first)
    {
        try
        {
            Writes++;
            await _writer.WriteFrameAsync(first.Wire, _lifetime).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SessionException or OperationCanceledException)
        {
            Fail(e);
            return;
        }
        finally
        {
            first.Return();
        }

        while (true)
        {
            int length;
            lock (_gate)
            {
                if (_gathered == 0 || _disposed)
                {
                    StopFlushing();
                    return;
                }

                (_gathering, _writing) = (_writing, _gathering);
                length = _gathered;
                _gathered = 0;
            }

            try
            {
                Writes++;
                await _writer.WriteFrameAsync(_writing.AsMemory(0, length), _lifetime).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SessionException or OperationCanceledException)
            {
                Fail(e);
                return;
            }
        }
    }

    /// <summary>
    /// A write failed: the session breaks before the failure shows here, so whoever sees a failed write or
    /// drain finds the session broken too, never a failed drain on a session that looks alive. Frames
    /// gathered meanwhile are lost with the connection, as the session now says. Not rethrown: nobody
    /// awaits a flush that went on in the background; every later write and drain reports the failure.
    /// </summary>
    private void Fail(Exception e)
    {
        if (e is SessionException failure)
        {
            _broken(failure);
        }

        lock (_gate)
        {
            _failure = e;
            StopFlushing();
        }
    }

    private void Append(ReadOnlySpan<byte> frame)
    {
        if (_gathering.Length - _gathered < frame.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_gathered + frame.Length, 2 * _gathering.Length));
            _gathering.AsSpan(0, _gathered).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_gathering);
            _gathering = larger;
        }

        frame.CopyTo(_gathering.AsSpan(_gathered));
        _gathered += frame.Length;
    }

    private void ThrowIfFailed()
    {
        switch (_failure)
        {
            case null when !_disposed:
                return;
            case null or OperationCanceledException:
                // Only once the session is shutting down: the caller turns this into the session's state.
                throw new OperationCanceledException(_lifetime);
            default:
                throw new ConnectionLostException("An earlier write failed; the connection cannot carry another frame.", _failure);
        }
    }

    private void StopFlushing()
    {
        _flushing = false;
        if (_disposed)
        {
            ReturnBuffers();
        }

        CompleteDrain();
    }

    private void ReturnBuffers()
    {
        if (_gathering.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_gathering);
            ArrayPool<byte>.Shared.Return(_writing);
            _gathering = [];
            _writing = [];
            _gathered = 0;
        }
    }

    private void CompleteDrain()
    {
        if (_drained is { } drained)
        {
            _drained = null;
            if (_failure is null)
            {
                drained.TrySetResult();
            }
            else
            {
                drained.TrySetException(_failure);
            }
        }
    }
}
