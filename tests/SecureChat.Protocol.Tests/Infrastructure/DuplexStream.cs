using System.IO.Pipelines;

namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>One end of an in-memory, full-duplex connection. Disposing it ends the peer's reads (EOF).</summary>
internal sealed class DuplexStream : Stream
{
    private readonly Stream _reading;
    private readonly Stream _writing;
    private int _disposed;

    private DuplexStream(Stream reading, Stream writing)
    {
        _reading = reading;
        _writing = writing;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Two connected ends. The pipes hold at most 64 KiB each way, as a socket buffer would.</summary>
    public static (DuplexStream A, DuplexStream B) CreatePair()
    {
        var options = new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false);
        var aToB = new Pipe(options);
        var bToA = new Pipe(options);
        return (new DuplexStream(bToA.Reader.AsStream(), aToB.Writer.AsStream()),
                new DuplexStream(aToB.Reader.AsStream(), bToA.Writer.AsStream()));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _reading.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _reading.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _reading.Read(buffer, offset, count);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _writing.WriteAsync(buffer, cancellationToken);
        }
        catch (InvalidOperationException e) when (Volatile.Read(ref _disposed) == 1)
        {
            throw Disposed(e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => _writing.Write(buffer, offset, count);

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _writing.FlushAsync(cancellationToken);
        }
        catch (InvalidOperationException e) when (Volatile.Read(ref _disposed) == 1)
        {
            throw Disposed(e);
        }
    }

    public override void Flush() => _writing.Flush();

    /// <summary>
    /// A pipe whose writer was completed by our own Dispose says InvalidOperationException; a socket stream
    /// says ObjectDisposedException, which is what the session expects when a write races its own close.
    /// </summary>
    private static ObjectDisposedException Disposed(InvalidOperationException e) => new("The stream was disposed while writing.", e);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Volatile.Write(ref _disposed, 1);
            _writing.Dispose();
            _reading.Dispose();
        }

        base.Dispose(disposing);
    }
}
