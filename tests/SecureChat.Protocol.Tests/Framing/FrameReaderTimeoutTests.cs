using System.Diagnostics;
using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Framing;

/// <summary>The frame timeout and cancellation of <see cref="FrameReader"/>, on short clocks, run alone.</summary>
[Collection(TimingSensitive.Name)]
public sealed class FrameReaderTimeoutTests
{
    private const int Limit = 64 * 1024;

    private static readonly TimeSpan LongTimeout = TimeSpan.FromSeconds(30);

    // How long a test waits for something that should already have happened, so that a hang fails.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly byte[] First = FrameCodec.Encode(Encoding.UTF8.GetBytes("""{"type":"record","seq":0,"sealed":"AAEC"}"""));

    [Theory]
    [InlineData(2)]
    [InlineData(FrameCodec.HeaderSize + 5)]
    public async Task ReadFrameAsync_FrameStartsThenStalls_ThrowsSessionTimeoutAfterAboutTheFrameTimeout(int sent)
    {
        TimeSpan frameTimeout = TimeSpan.FromMilliseconds(200);
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (near)
        await using (far)
        {
            var reader = new FrameReader(near);
            Task<Frame?> read = reader.ReadFrameAsync(Limit, frameTimeout, CancellationToken.None).AsTask();

            var clock = Stopwatch.StartNew();
            await far.WriteAsync(First.AsMemory(0, sent));
            await far.FlushAsync();
            Func<Task> act = () => read.WaitAsync(Patience);

            await act.Should().ThrowAsync<SessionTimeoutException>();
            clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(150)).And.BeLessThan(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task ReadFrameAsync_FrameTrickledLongerThanTheFrameTimeout_ArrivesWhileBytesKeepComing()
    {
        // Issue 20 item 1: the frame timeout bounds a stall, not the frame. Each byte arrives far within it,
        // and the whole frame takes about 5 times as long: a slow link, which must not kill the frame.
        TimeSpan frameTimeout = TimeSpan.FromSeconds(1);
        TimeSpan gap = TimeSpan.FromMilliseconds(25);
        byte[] slow = FrameCodec.Encode(Encoding.UTF8.GetBytes($$"""{"type":"record","seq":0,"sealed":"{{new string('A', 196)}}"}"""));
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (near)
        await using (far)
        {
            var reader = new FrameReader(near);
            Task<Frame?> read = reader.ReadFrameAsync(Limit, frameTimeout, CancellationToken.None).AsTask();
            var clock = Stopwatch.StartNew();
            Task trickle = TrickleAsync(far, slow, gap, CancellationToken.None);

            Frame? frame = await read.WaitAsync(Patience * 3);

            frame!.Value.Wire.ToArray().Should().Equal(slow);
            clock.Elapsed.Should().BeGreaterThan(frameTimeout * 2, "the frame took longer than the frame timeout");
            await trickle;
        }
    }

    [Fact]
    public async Task ReadFrameAsync_SilenceBeforeTheFirstByte_IsNotLimitedByTheFrameTimeout()
    {
        TimeSpan frameTimeout = TimeSpan.FromMilliseconds(100);
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (near)
        await using (far)
        {
            var reader = new FrameReader(near);
            Task<Frame?> read = reader.ReadFrameAsync(Limit, frameTimeout, CancellationToken.None).AsTask();

            await Task.Delay(frameTimeout * 5);
            read.IsCompleted.Should().BeFalse("only the caller's token bounds the wait for a frame to begin");

            await far.WriteAsync(First);
            await far.FlushAsync();
            Frame? frame = await read.WaitAsync(Patience);
            frame.Should().NotBeNull();
            frame!.Value.Wire.ToArray().Should().Equal(First);
        }
    }

    [Fact]
    public async Task ReadFrameAsync_FrameTimeout_CountsFromTheFirstByteNotFromTheCall()
    {
        TimeSpan frameTimeout = TimeSpan.FromSeconds(1);
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (near)
        await using (far)
        {
            var reader = new FrameReader(near);
            Task<Frame?> read = reader.ReadFrameAsync(Limit, frameTimeout, CancellationToken.None).AsTask();
            await Task.Delay(frameTimeout * 1.5);

            // Begin the frame, then finish it well within the frame timeout counted from here.
            await far.WriteAsync(First.AsMemory(0, 2));
            await far.FlushAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(20));
            await far.WriteAsync(First.AsMemory(2));
            await far.FlushAsync();

            Frame? frame = await read.WaitAsync(Patience);
            frame!.Value.Wire.ToArray().Should().Equal(First);
        }
    }

    [Fact]
    public async Task ReadFrameAsync_CallerCancelsBeforeTheFirstByte_ThrowsOperationCanceled()
    {
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await using (near)
        await using (far)
        {
            var reader = new FrameReader(near);

            Func<Task> act = () => reader.ReadFrameAsync(Limit, TimeSpan.FromMilliseconds(50), cts.Token).AsTask().WaitAsync(Patience);

            await act.Should().ThrowAsync<OperationCanceledException>();
        }
    }

    [Fact]
    public async Task ReadFrameAsync_CallerCancelsMidFrame_ThrowsOperationCanceledNotTimeout()
    {
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        using var cts = new CancellationTokenSource();
        await using (near)
        await using (far)
        {
            var reader = new FrameReader(near);
            Task<Frame?> read = reader.ReadFrameAsync(Limit, LongTimeout, cts.Token).AsTask();
            await far.WriteAsync(First.AsMemory(0, 2));
            await far.FlushAsync();
            await Task.Delay(100);
            read.IsCompleted.Should().BeFalse();

            await cts.CancelAsync();
            Func<Task> act = () => read.WaitAsync(Patience);

            await act.Should().ThrowAsync<OperationCanceledException>("the caller gave up; the peer did not stall");
        }
    }

    private static async Task TrickleAsync(Stream stream, byte[] bytes, TimeSpan gap, CancellationToken cancellationToken)
    {
        try
        {
            foreach (byte b in bytes)
            {
                await stream.WriteAsync(new[] { b }, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                await Task.Delay(gap, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
