using System.Buffers;
using System.Runtime.InteropServices;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>Issue 19: many lines, few writes — and a lone line never waits.</summary>
public sealed class SessionWriterTests
{
    [Fact]
    public async Task WriteAsync_NothingInFlight_FrameReachesTheStreamBeforeItReturns()
    {
        var stream = new GatedWriteStream();
        using var writer = new SessionWriter(new FrameWriter(stream), _ => { }, CancellationToken.None);

        ValueTask written = writer.WriteAsync(Frame(1));

        written.IsCompleted.Should().BeTrue("a lone frame is not held back for company");
        await written;
        stream.Writes.Should().ContainSingle().Which.Should().Equal(Frame(1));
    }

    [Fact]
    public async Task WriteAsync_PooledFrameNothingInFlight_IsWrittenFromItsOwnBufferUncopied()
    {
        // Issue 19: a 48 KiB chunk on an idle socket was copied into the gather buffer before its write.
        var stream = new GatedWriteStream();
        using var writer = new SessionWriter(new FrameWriter(stream), _ => { }, CancellationToken.None);
        byte[] frame = Frame(1);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(frame.Length);
        frame.CopyTo(buffer, 0);

        await writer.WriteAsync(new PooledFrame(buffer, frame.Length));

        stream.Buffers.Should().ContainSingle().Which.Should().BeSameAs(buffer, "an idle writer hands the frame's own buffer to the socket");
        stream.Writes.Should().ContainSingle().Which.Should().Equal(frame);
    }

    [Fact]
    public async Task WriteAsync_FramesBehindAPendingWrite_GoOutTogetherInOneWriteInOrder()
    {
        var stream = new GatedWriteStream { HoldWrites = true };
        using var writer = new SessionWriter(new FrameWriter(stream), _ => { }, CancellationToken.None);

        ValueTask first = writer.WriteAsync(Frame(1));
        await stream.WriteStarted.Task;
        Task[] behind = [writer.WriteAsync(Frame(2)).AsTask(), writer.WriteAsync(Frame(3)).AsTask(), writer.WriteAsync(Frame(4)).AsTask()];

        first.IsCompleted.Should().BeTrue("the sender goes on sealing while the socket holds the first write");
        behind.Should().OnlyContain(w => w.IsCompleted, "frames gathered under the cap do not make the sender wait");
        stream.HoldWrites = false;
        stream.Release();
        await writer.DrainAsync();

        stream.Writes.Should().HaveCount(2, "the three frames that queued behind the pending write share one write");
        stream.Writes[0].Should().Equal(Frame(1));
        stream.Writes[1].Should().Equal([.. Frame(2), .. Frame(3), .. Frame(4)]);
        writer.Writes.Should().Be(2);
    }

    [Fact]
    public async Task WriteAsync_MoreThanTheCapGathered_SenderWaitsUntilTheSocketTakesThem()
    {
        var stream = new GatedWriteStream { HoldWrites = true };
        using var writer = new SessionWriter(new FrameWriter(stream), _ => { }, CancellationToken.None);
        await writer.WriteAsync(Frame(1));
        await stream.WriteStarted.Task;

        byte[] large = FrameCodec.Encode(new byte[64 * 1024]);
        var waits = new List<Task>();
        for (int gathered = 0; gathered <= SessionWriter.MaxGatheredBytes; gathered += large.Length)
        {
            waits.Add(writer.WriteAsync(large).AsTask());
        }

        waits[^1].IsCompleted.Should().BeFalse("past the cap a peer that does not read holds the sender back");
        stream.HoldWrites = false;
        stream.Release();
        await waits[^1];
        stream.Writes.Skip(1).Sum(w => w.Length).Should().Be(large.Length * waits.Count);
    }

    [Fact]
    public async Task WriteAsync_PendingWriteFails_BreaksTheSessionAndRefusesLaterFrames()
    {
        var stream = new GatedWriteStream { HoldWrites = true };
        var reported = new TaskCompletionSource<SessionException>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool failureShownBeforeTheBreak = false;
        SessionWriter? writer = null;
        writer = new SessionWriter(
            new FrameWriter(stream),
            e =>
            {
                failureShownBeforeTheBreak = writer!.DrainAsync().IsFaulted;
                reported.TrySetResult(e);
            },
            CancellationToken.None);
        using var _ = writer;
        await writer.WriteAsync(Frame(1));
        await stream.WriteStarted.Task;
        await writer.WriteAsync(Frame(2));

        stream.Fail(new IOException("broken pipe"));
        Func<Task> drain = writer.DrainAsync;

        await drain.Should().ThrowAsync<ConnectionLostException>();
        reported.Task.IsCompleted.Should().BeTrue("whoever sees the drain fail finds the session already broken");
        (await reported.Task).Should().BeOfType<ConnectionLostException>();
        failureShownBeforeTheBreak.Should().BeFalse("a failed drain must never be seen on a session that is not yet broken");
        Func<Task> later = async () => await writer.WriteAsync(Frame(3));
        await later.Should().ThrowAsync<ConnectionLostException>();
    }

    [Fact]
    public async Task WriteAsync_WriteFailsAtOnce_ThatSenderHearsItAndTheSessionBreaks()
    {
        var stream = new GatedWriteStream { FailWith = new IOException("broken pipe") };
        SessionException? reported = null;
        using var writer = new SessionWriter(new FrameWriter(stream), e => reported = e, CancellationToken.None);

        Func<Task> write = async () => await writer.WriteAsync(Frame(1));

        await write.Should().ThrowAsync<ConnectionLostException>();
        reported.Should().BeOfType<ConnectionLostException>();
    }

    private static byte[] Frame(int seq) => FrameCodec.Encode(System.Text.Encoding.UTF8.GetBytes($$"""{"type":"record","seq":{{seq}},"sealed":"AAEC"}"""));

    /// <summary>A stream whose writes can be held pending, as a socket holds them when the peer is slow.</summary>
    private sealed class GatedWriteStream : Stream
    {
        private readonly List<byte[]> _writes = [];
        private readonly List<byte[]?> _buffers = [];
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool HoldWrites { get; set; }

        public Exception? FailWith { get; set; }

        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<byte[]> Writes
        {
            get
            {
                lock (_writes)
                {
                    return [.. _writes];
                }
            }
        }

        /// <summary>The array behind each write (null where the memory had none).</summary>
        public IReadOnlyList<byte[]?> Buffers
        {
            get
            {
                lock (_writes)
                {
                    return [.. _buffers];
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Release() => _gate.TrySetResult();

        public void Fail(Exception e) => _gate.TrySetException(e);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (FailWith is { } failure)
            {
                throw failure;
            }

            lock (_writes)
            {
                _writes.Add(buffer.ToArray());
                _buffers.Add(MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment) ? segment.Array : null);
            }

            if (HoldWrites)
            {
                TaskCompletionSource gate = _gate;
                WriteStarted.TrySetResult();
                await gate.Task.ConfigureAwait(false);
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
