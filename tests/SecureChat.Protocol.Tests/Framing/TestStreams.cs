namespace SecureChat.Protocol.Tests.Framing;

/// <summary>
/// A read-only stream over fixed bytes that hands them out in chosen pieces: each read returns at most the
/// next chunk size (the last size repeats). Completes synchronously, like a socket with data waiting.
/// Once the bytes are used up it reports EOF, or throws what <paramref name="failAtEnd"/> makes.
/// </summary>
internal sealed class ChunkedReadStream(byte[] data, int[] chunkSizes, Func<Exception>? failAtEnd = null) : Stream
{
    public ChunkedReadStream(byte[] data, int chunkSize)
        : this(data, [chunkSize])
    {
    }

    private int _position;
    private int _reads;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int chunk = chunkSizes.Length == 0 ? int.MaxValue : chunkSizes[Math.Min(_reads, chunkSizes.Length - 1)];
        _reads++;
        if (_position == data.Length && failAtEnd is not null)
        {
            throw failAtEnd();
        }

        int n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A stream whose every read, write and flush fails with the exception <paramref name="failure"/> makes.</summary>
internal sealed class FailingStream(Func<Exception> failure) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw failure();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromException<int>(failure());

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromException<int>(failure());

    public override void Write(byte[] buffer, int offset, int count) => throw failure();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromException(failure());

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromException(failure());

    public override void Flush() => throw failure();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.FromException(failure());

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>A write-only stream that records each write and each flush, in order.</summary>
internal sealed class RecordingWriteStream : Stream
{
    private readonly List<string> _calls = [];
    private readonly List<byte[]> _writes = [];

    /// <summary>"write" or "flush", one per call.</summary>
    public IReadOnlyList<string> Calls => _calls;

    /// <summary>The bytes of each write.</summary>
    public IReadOnlyList<byte[]> Writes => _writes;

    /// <summary>When set, the next write throws what it makes (and writes nothing); then it is cleared.</summary>
    public Func<Exception>? FailNextWrite { get; set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (FailNextWrite is { } failure)
        {
            FailNextWrite = null;
            throw failure();
        }

        _calls.Add("write");
        _writes.Add(buffer.ToArray());
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
#pragma warning disable CA1031 // The failure is handed back the way an asynchronous write reports it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ValueTask.FromException(e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _calls.Add("flush");

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
