using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Framing;

public sealed class FrameWriterTests
{
    private static readonly byte[] Wire = FrameCodec.Encode("""{"type":"record","seq":3,"sealed":"AAEC"}"""u8);

    [Fact]
    public async Task WriteFrameAsync_Frame_WritesPrefixAndPayloadInOneWriteThenFlushes()
    {
        using var stream = new RecordingWriteStream();
        var writer = new FrameWriter(stream);

        await writer.WriteFrameAsync(Wire, CancellationToken.None);

        stream.Calls.Should().Equal("write", "flush");
        stream.Writes.Single().Should().Equal(Wire);
    }

    [Fact]
    public async Task WriteFrameAsync_OverABufferedStream_ReachesTheUnderlyingStream()
    {
        using var sink = new MemoryStream();
        using var buffered = new BufferedStream(sink, 4096);
        var writer = new FrameWriter(buffered);

        await writer.WriteFrameAsync(Wire, CancellationToken.None);

        sink.ToArray().Should().Equal(Wire, "the frame is flushed, not left in a buffer");
    }

    [Fact]
    public async Task WriteFrameAsync_StreamThrowsIOException_ThrowsConnectionLostWithTheCause()
    {
        using var stream = new FailingStream(() => new IOException("broken pipe"));
        var writer = new FrameWriter(stream);

        Func<Task> act = () => writer.WriteFrameAsync(Wire, CancellationToken.None).AsTask();

        (await act.Should().ThrowAsync<ConnectionLostException>()).WithInnerException<IOException>();
    }

    [Fact]
    public async Task WriteFrameAsync_DisposedStream_ThrowsConnectionLost()
    {
        var stream = new MemoryStream();
        await stream.DisposeAsync();
        var writer = new FrameWriter(stream);

        Func<Task> act = () => writer.WriteFrameAsync(Wire, CancellationToken.None).AsTask();

        (await act.Should().ThrowAsync<ConnectionLostException>()).WithInnerException<ObjectDisposedException>();
    }

    [Fact]
    public async Task WriteFrameAsync_CanceledToken_ThrowsOperationCanceled()
    {
        using var stream = new MemoryStream();
        var writer = new FrameWriter(stream);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Func<Task> act = () => writer.WriteFrameAsync(Wire, cts.Token).AsTask();

        await act.Should().ThrowAsync<OperationCanceledException>();
        stream.Length.Should().Be(0);
    }

    [Fact]
    public async Task WriteFrameAsync_Successes_LeaveTheWriterUsable()
    {
        using var stream = new RecordingWriteStream();
        var writer = new FrameWriter(stream);
        writer.IsBroken.Should().BeFalse();

        await writer.WriteFrameAsync(Wire, CancellationToken.None);
        await writer.WriteFrameAsync(Wire, CancellationToken.None);

        writer.IsBroken.Should().BeFalse();
        stream.Writes.Should().HaveCount(2);
    }

    [Fact]
    public async Task WriteFrameAsync_AfterAFailedWrite_ThrowsConnectionLostAndWritesNothing()
    {
        using var stream = new RecordingWriteStream { FailNextWrite = () => new IOException("broken pipe") };
        var writer = new FrameWriter(stream);
        Func<Task> first = () => writer.WriteFrameAsync(Wire, CancellationToken.None).AsTask();
        await first.Should().ThrowAsync<ConnectionLostException>();
        writer.IsBroken.Should().BeTrue();

        Func<Task> second = () => writer.WriteFrameAsync(FrameJson.EncodeAbort(AbortReason.SessionFailed), CancellationToken.None).AsTask();

        await second.Should().ThrowAsync<ConnectionLostException>();
        stream.Writes.Should().BeEmpty("after a failed write a frame may be half-sent, and anything more would be read as its rest");
    }

    [Fact]
    public async Task WriteFrameAsync_CanceledMidWrite_BreaksTheWriter()
    {
        // Nobody reads the other end, so a frame larger than the pipe's buffer blocks half-written.
        byte[] large = FrameCodec.Encode(new byte[200 * 1024]);
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await using (near)
        await using (far)
        {
            var writer = new FrameWriter(near);
            Func<Task> blocked = () => writer.WriteFrameAsync(large, cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            await blocked.Should().ThrowAsync<OperationCanceledException>();
            writer.IsBroken.Should().BeTrue();

            Func<Task> next = () => writer.WriteFrameAsync(Wire, CancellationToken.None).AsTask();

            await next.Should().ThrowAsync<ConnectionLostException>();
        }
    }

    [Fact]
    public void Constructor_NullStream_ThrowsArgumentNull()
    {
        Action act = () => _ = new FrameWriter(null!);

        act.Should().Throw<ArgumentNullException>();
    }
}
