// A conversation end of the baselines (SslStream and plain TCP) over any stream. Receipts work as in
// SecureChat's session, so that all three variants put the same receipt traffic on the wire: receiving
// a message makes a receipt due and schedules one background flush (Task.Run) unless one is pending;
// the flush takes the write lock and sends a single cumulative receipt for everything received by then.
// Under load many messages share one receipt; at one message per round trip each gets its own.

namespace SecureChat.Benchmarks.Variants;

/// <summary>Chat messages and coalesced cumulative receipts as length-prefixed JSON frames.</summary>
internal sealed partial class JsonFrameEnd : IConversationEnd
{
    private readonly Stream _stream;
    private readonly JsonFrameReader _reader;
    private readonly JsonFrameWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private ulong _lastSentId;
    private ulong _lastReceivedId;
    private long _receiptDue;
    private ulong _receiptSent;
    private int _flushScheduled;

    /// <summary>Takes over <paramref name="stream"/>, which the handshake (if any) has finished.</summary>
    public JsonFrameEnd(Stream stream)
    {
        _stream = stream;
        _reader = new JsonFrameReader(stream);
        _writer = new JsonFrameWriter(stream);
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(string text)
    {
        await _writeLock.WaitAsync(_lifetime.Token).ConfigureAwait(false);
        try
        {
            ulong id = ++_lastSentId;
            await _writer.WriteAsync(new ChatFrame(ChatFrame.TextKind, Id: id, SentAt: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Text: text), _lifetime.Token).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<Arrival> ReceiveAsync()
    {
        ChatFrame? frame;
        try
        {
            frame = await _reader.ReadAsync(_lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            return Arrival.Closed;
        }

        switch (frame)
        {
            case null:
                return Arrival.Closed;
            case { Kind: ChatFrame.TextKind, Id: { } id, Text: not null } when id == _lastReceivedId + 1:
                _lastReceivedId = id;
                Interlocked.Exchange(ref _receiptDue, (long)id);
                ScheduleFlush();
                return new Arrival(ArrivalKind.Text, id);
            case { Kind: ChatFrame.ReceiptKind, Through: { } through }:
                return new Arrival(ArrivalKind.Receipt, through);
            default:
                throw new InvalidDataException($"Unexpected frame: {frame.Kind}.");
        }
    }

    /// <summary>Stops both loops and closes the stream (and the TLS session over it).</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _writer.Dispose();
    }

    private void ScheduleFlush()
    {
        if (Interlocked.Exchange(ref _flushScheduled, 1) == 0)
        {
            _ = Task.Run(FlushReceiptAsync);
        }
    }

    private async Task FlushReceiptAsync()
    {
        try
        {
            await _writeLock.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            try
            {
                Volatile.Write(ref _flushScheduled, 0);
                ulong due = (ulong)Interlocked.Read(ref _receiptDue);
                if (due > _receiptSent)
                {
                    _receiptSent = due;
                    await _writer.WriteAsync(new ChatFrame(ChatFrame.ReceiptKind, Through: due), _lifetime.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Closing: the last receipt has nowhere to go.
        }
    }
}
