using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Framing;

/// <summary>
/// What the reader keeps from frame to frame (issue 19): the grown buffer while large frames come among
/// small ones, and the stall clock. The streams here complete synchronously, so a frame is read on this
/// thread and its allocations are counted here.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class FrameReaderReuseTests
{
    private const int Limit = 1024 * 1024;
    private const int LargePayload = 60 * 1024;
    private static readonly TimeSpan LongTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadFrameViewAsync_LargeFramesAmongSmallOnes_KeepTheGrownBuffer()
    {
        // A file transfer: a chunk record, a small frame, a chunk record... each read ending at a frame's end,
        // so the reader's buffer is empty before every frame.
        byte[] small = FrameCodec.Encode("{\"type\":\"small\"}"u8);
        byte[] large = FrameCodec.Encode(Enumerable.Range(0, LargePayload).Select(i => (byte)(i % 251)).ToArray());
        byte[][] frames = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? small : large).ToArray();
        var reader = new FrameReader(new BoundedReadStream(frames));

        long allocated = await ReadAllAsync(reader, frames, warmUp: 10, LongTimeout, CancellationToken.None);

        allocated.Should().BeLessThan(large.Length, "45 large frames among small ones must not each allocate a buffer");
    }

    [Fact]
    public async Task ReadFrameViewAsync_LongRunOfSmallFrames_LetsTheGrownBufferGo()
    {
        byte[] small = FrameCodec.Encode("{\"type\":\"small\"}"u8);
        byte[] large = FrameCodec.Encode(new byte[LargePayload]);
        byte[][] frames = [large, .. Enumerable.Repeat(small, FrameReader.SmallFramesBeforeShrinking), large];
        var reader = new FrameReader(new BoundedReadStream(frames));

        long allocated = await ReadAllAsync(reader, frames, warmUp: frames.Length - 1, LongTimeout, CancellationToken.None);

        allocated.Should().BeGreaterThanOrEqualTo(large.Length, "after a long run of small frames the large buffer was let go, so it is made again");
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(Timeout.Infinite)]
    public async Task ReadFrameViewAsync_FramesSpanningReads_ShareOneStallClock(int frameTimeoutMs)
    {
        // Counted by identity, not by bytes: a Debug build's async state machines allocate per frame anyway.
        TimeSpan frameTimeout = TimeSpan.FromMilliseconds(frameTimeoutMs);
        byte[] large = FrameCodec.Encode(new byte[20 * 1024]);
        byte[][] halves = [.. Enumerable.Repeat(large, 50).SelectMany(f => new[] { f[..(f.Length / 2)], f[(f.Length / 2)..] })];
        var reader = new FrameReader(new BoundedReadStream(halves));
        using var caller = new CancellationTokenSource();
        (await reader.ReadFrameViewAsync(Limit, frameTimeout, caller.Token)).Should().NotBeNull();
        CancellationTokenSource? first = reader.StallClock;

        for (int i = 1; i < 50; i++)
        {
            (await reader.ReadFrameViewAsync(Limit, frameTimeout, caller.Token))!.Value.Wire.Span.SequenceEqual(large).Should().BeTrue();
            reader.StallClock.Should().BeSameAs(first, $"frame {i} spanned two reads under the clock the first one started");
        }

        if (frameTimeout == Timeout.InfiniteTimeSpan)
        {
            first.Should().BeNull("with no frame timeout there is no stall to time");
        }
        else
        {
            first.Should().NotBeNull();
        }
    }

    [Fact]
    public async Task ReadFrameAsync_StallAfterFramesThatReusedTheClock_StillTimesOut()
    {
        (byte[] wire, byte[][] whole) = GrowingFramesThenPartOfOne();
        var reader = new FrameReader(new StallingReadStream(wire));
        foreach (byte[] expected in whole)
        {
            (await reader.ReadFrameAsync(Limit, TimeSpan.FromMilliseconds(200), CancellationToken.None))!.Value.Wire.ToArray().Should().Equal(expected);
        }

        Func<Task> act = () => reader.ReadFrameAsync(Limit, TimeSpan.FromMilliseconds(200), CancellationToken.None).AsTask().WaitAsync(Patience);

        await act.Should().ThrowAsync<SessionTimeoutException>();
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(Timeout.Infinite)]
    public async Task ReadFrameAsync_CallerCancelsMidFrameAfterFramesThatReusedTheClock_ThrowsOperationCanceled(int frameTimeoutMs)
    {
        TimeSpan frameTimeout = TimeSpan.FromMilliseconds(frameTimeoutMs);
        (byte[] wire, byte[][] whole) = GrowingFramesThenPartOfOne();
        var reader = new FrameReader(new StallingReadStream(wire));
        using var caller = new CancellationTokenSource();
        foreach (byte[] expected in whole)
        {
            (await reader.ReadFrameAsync(Limit, frameTimeout, caller.Token))!.Value.Wire.ToArray().Should().Equal(expected);
        }

        Task<Frame?> read = reader.ReadFrameAsync(Limit, frameTimeout, caller.Token).AsTask();
        reader.InsideFrame.Should().BeTrue("the last frame's first bytes have arrived and the rest never will");
        await caller.CancelAsync();
        Func<Task> act = () => read.WaitAsync(Patience);

        await act.Should().ThrowAsync<OperationCanceledException>("the caller gave up; the peer did not stall");
    }

    // Frames each larger than the last, so each outgrows the buffer and spans two reads, then the start of one more.
    private static (byte[] Wire, byte[][] Whole) GrowingFramesThenPartOfOne()
    {
        byte[][] whole = [.. new[] { 20, 24, 28 }.Select(k => FrameCodec.Encode(new byte[k * 1024]))];
        byte[] last = FrameCodec.Encode(new byte[32 * 1024]);
        return ([.. whole.SelectMany(f => f), .. last.AsSpan(0, 100)], whole);
    }

    private static async Task<long> ReadAllAsync(FrameReader reader, byte[][] frames, int warmUp, TimeSpan frameTimeout, CancellationToken cancellationToken)
    {
        long allocated = 0;
        for (int i = 0; i < frames.Length; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            ValueTask<Frame?> pending = reader.ReadFrameViewAsync(Limit, frameTimeout, cancellationToken);
            bool synchronous = pending.IsCompleted;
            Frame? frame = await pending;
            if (i >= warmUp)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }

            synchronous.Should().BeTrue("the stream completes every read synchronously, so this thread did all the work");

            frame!.Value.Wire.Span.SequenceEqual(frames[i]).Should().BeTrue($"frame {i} arrives intact");
        }

        (await reader.ReadFrameViewAsync(Limit, frameTimeout, cancellationToken)).Should().BeNull();
        return allocated;
    }
}

/// <summary>A stream over pieces whose reads complete synchronously and never cross from one piece into the next.</summary>
internal sealed class BoundedReadStream(byte[][] pieces) : Stream
{
    private int _piece;
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_piece == pieces.Length)
        {
            return 0;
        }

        int n = Math.Min(buffer.Length, pieces[_piece].Length - _offset);
        pieces[_piece].AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        if (_offset == pieces[_piece].Length)
        {
            _piece++;
            _offset = 0;
        }

        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
