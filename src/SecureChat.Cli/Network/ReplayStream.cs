// The listener reads a caller's first frame itself (to hold strangers to a short deadline before any
// handshake work), then hands the session a stream that gives those bytes back first, so the protocol
// reads the hello exactly as it came off the wire.
namespace SecureChat.Cli.Network;

/// <summary>A stream that reads <c>replayed</c> bytes first, then from the inner stream; writes go straight through.</summary>
internal sealed class ReplayStream : Stream
{
    private readonly Stream _inner;
    private ReadOnlyMemory<byte> _replay;
    private long _readPendingSince;

    /// <summary>Reads <paramref name="replay"/> first, then <paramref name="inner"/>, which it owns from now on.</summary>
    public ReplayStream(ReadOnlyMemory<byte> replay, Stream inner)
    {
        _replay = replay;
        _inner = inner;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => TryReplay(buffer, out int replayed) ? replayed : _inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        TryReplay(buffer.Span, out int replayed) ? ValueTask.FromResult(replayed) : ReadInnerAsync(buffer, cancellationToken);

    /// <summary>
    /// How long a read has been waiting for the caller's bytes (zero when none is): how the listener tells a
    /// handshake stalled by its caller from one waiting for our own user's trust decision.
    /// </summary>
    public TimeSpan WaitingForPeer
    {
        get
        {
            long since = Volatile.Read(ref _readPendingSince);
            return since == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Environment.TickCount64 - since);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _readPendingSince, Environment.TickCount64);
        try
        {
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _readPendingSince, 0);
        }
    }

    private bool TryReplay(Span<byte> buffer, out int replayed)
    {
        replayed = 0;
        if (_replay.IsEmpty || buffer.IsEmpty)
        {
            return false;
        }

        replayed = Math.Min(buffer.Length, _replay.Length);
        _replay.Span[..replayed].CopyTo(buffer);
        _replay = _replay[replayed..];
        return true;
    }
}
