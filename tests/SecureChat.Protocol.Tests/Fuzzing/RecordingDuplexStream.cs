// Shared with fuzz/SecureChat.Fuzz (linked there): no test framework here.
using System.IO.Pipelines;

namespace SecureChat.Protocol.Tests.Fuzzing;

/// <summary>
/// One end of an in-memory connection that keeps a copy of every write. A session writes each frame in one
/// write, so the copies are the frames exactly as sent.
/// </summary>
internal sealed class RecordingDuplexStream : Stream
{
    private readonly Stream _reading;
    private readonly Stream _writing;
    private readonly List<byte[]> _written;

    private RecordingDuplexStream(Stream reading, Stream writing, List<byte[]> written)
    {
        _reading = reading;
        _writing = writing;
        _written = written;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Two connected ends; what each end writes is added to its list.</summary>
    public static (RecordingDuplexStream A, RecordingDuplexStream B) CreatePair(List<byte[]> writtenByA, List<byte[]> writtenByB)
    {
        var aToB = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var bToA = new Pipe(new PipeOptions(useSynchronizationContext: false));
        return (new RecordingDuplexStream(bToA.Reader.AsStream(), aToB.Writer.AsStream(), writtenByA),
                new RecordingDuplexStream(aToB.Reader.AsStream(), bToA.Writer.AsStream(), writtenByB));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _reading.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _reading.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _reading.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_written)
        {
            _written.Add(buffer.ToArray());
        }

        return _writing.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

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
