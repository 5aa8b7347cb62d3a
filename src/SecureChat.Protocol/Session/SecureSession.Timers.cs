// The session's timers and background writes: the receipt delay, the keepalive that pings a quiet peer
// and declares a silent one gone (and runs the rekey timers), the background flush of receipts, pongs
// and pings, and the queue of events for the application.
using System.Runtime.CompilerServices;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    /// <summary>Sends the receipt after the receipt delay, so that one receipt covers a burst of messages.</summary>
    private void ScheduleReceipt()
    {
        if (_options.ReceiptDelay == TimeSpan.Zero)
        {
            ScheduleFlush();
        }
        else if (Interlocked.Exchange(ref _receiptDelayArmed, 1) == 0)
        {
            try
            {
                _receiptDelay.Change(_options.ReceiptDelay, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Shutting down: nothing more is sent.
            }
        }
    }

    private void OnReceiptDelayElapsed()
    {
        Volatile.Write(ref _receiptDelayArmed, 0);
        ScheduleFlush();
    }

    /// <summary>
    /// Queues an event for the application. While the queue is full (or holds <see cref="MaxQueuedChunks"/>
    /// file chunks) the pump waits and reads nothing, so
    /// that wait is not counted as the peer's silence (our pings still go out, so the peer hears us).
    /// </summary>
    // Pooled: called per received chunk, and a full queue makes it wait (issue 19).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask PublishAsync(SessionEvent item)
    {
        if (item is FileChunkReceived && !_chunkRoom.Wait(0))
        {
            Volatile.Write(ref _waitingForApplication, 1);
            try
            {
                await _chunkRoom.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _lastReceivedAt, Environment.TickCount64);
                Volatile.Write(ref _waitingForApplication, 0);
            }
        }

        if (_events.Writer.TryWrite(item))
        {
            return;
        }

        Volatile.Write(ref _waitingForApplication, 1);
        try
        {
            await _events.Writer.WriteAsync(item, _lifetime.Token).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _lastReceivedAt, Environment.TickCount64);
            Volatile.Write(ref _waitingForApplication, 0);
        }
    }

    private void OnKeepaliveTick()
    {
        if (Failure is not null || Volatile.Read(ref _shutDown) == 1 || _byeReceived)
        {
            return; // after the peer's goodbye nothing more is read, so silence means nothing
        }

        long now = Environment.TickCount64;
        long silence = now - Math.Max(Volatile.Read(ref _lastReceivedAt), _reader.LastProgressAt); // any byte is a sign of life
        long quiet = now - Volatile.Read(ref _lastSentAt);
        long interval = (long)_options.KeepaliveInterval.TotalMilliseconds;
        TimeSpan limit = _heardFromPeer ? _options.PeerTimeout : TimeSpan.FromTicks(Math.Max(_options.PeerTimeout.Ticks, _options.PeerDecisionTimeout.Ticks));
        if (silence >= (long)limit.TotalMilliseconds && Volatile.Read(ref _waitingForApplication) == 0)
        {
            Break(new SessionTimeoutException(_reader.InsideFrame
                ? $"Nothing from the peer for {limit.TotalSeconds:0.###} s, in the middle of a frame that had been arriving: the link or the peer is gone."
                : $"Nothing from the peer for {limit.TotalSeconds:0.###} s, not even an answer to a keepalive: it is gone."));
        }
        else if ((silence >= interval || quiet >= interval) && now - Volatile.Read(ref _lastPingAt) >= interval)
        {
            // Also when we have sent nothing for a while, though the peer's bytes keep coming: the receiver of a
            // long transfer pings, so the sender, which hears nothing else from it, knows it is there.
            Volatile.Write(ref _lastPingAt, now);
            Interlocked.Exchange(ref _pingDue, 1);
            ScheduleFlush();
        }

        CheckRekeyTimers(now);
    }

    private void ScheduleFlush()
    {
        if (Interlocked.Exchange(ref _flushScheduled, 1) == 0)
        {
            _ = Task.Run(FlushControlAsync);
        }
    }

    /// <summary>Writes whatever receipts, pongs, pings and file progress reports are due, in one turn at the write lock.</summary>
    private async Task FlushControlAsync()
    {
        try
        {
            await ControlFlushDelay.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            await _writeLock.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            try
            {
                Volatile.Write(ref _flushScheduled, 0);
                if (Failure is not null || _byeSent)
                {
                    return;
                }

                if (Interlocked.Exchange(ref _pongDue, 0) == 1)
                {
                    await WriteRecordLockedAsync(new InnerMessage(InnerMessage.PongKind)).ConfigureAwait(false);
                }

                if (Interlocked.Exchange(ref _pingDue, 0) == 1)
                {
                    await WriteRecordLockedAsync(new InnerMessage(InnerMessage.PingKind)).ConfigureAwait(false);
                }

                ulong due = (ulong)Interlocked.Read(ref _receiptDue);
                if (due > _receiptSent)
                {
                    _receiptSent = due;
                    await WriteRecordLockedAsync(new InnerMessage(InnerMessage.ReceiptKind, Through: due)).ConfigureAwait(false);
                }

                await WriteDueProgressLockedAsync().ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (SessionException e)
        {
            Break(e);
        }
    }
}
