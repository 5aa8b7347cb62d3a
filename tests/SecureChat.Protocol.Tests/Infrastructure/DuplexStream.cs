using System.IO.Pipelines;

namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>One end of an in-memory, full-duplex connection. Disposing it ends the peer's reads (EOF).</summary>
internal sealed class DuplexStream : Stream
{
    private readonly Stream _reading;
    private readonly Stream _writing;

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

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _writing.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _writing.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _writing.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => _writing.FlushAsync(cancellationToken);

    public override void Flush() => _writing.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writing.Dispose();
            _reading.Dispose();
        }

        base.Dispose(disposing);
    }
}
