using System.Text;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Tests.Framing;

/// <summary>The reader takes whatever has arrived in one read and hands out the buffered frames without reading again.</summary>
public sealed class FrameReaderBufferingTests
{
    private const int Limit = 1024 * 1024;
    private static readonly TimeSpan LongTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReadFrameAsync_ManyFramesInOneRead_ReadsTheStreamOnce()
    {
        byte[][] frames = Enumerable.Range(0, 50).Select(i => FrameCodec.Encode(Encoding.UTF8.GetBytes($$"""{"type":"record","seq":{{i}}}"""))).ToArray();
        using var stream = new CountingStream(frames.SelectMany(f => f).ToArray());
        var reader = new FrameReader(stream);

        foreach (byte[] expected in frames)
        {
            Frame? frame = await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None);
            frame!.Value.Wire.ToArray().Should().Equal(expected);
        }

        stream.Reads.Should().Be(1, "all 50 frames arrived together, so one read of the stream is enough");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ReadFrameAsync_FramesLargerThanTheBuffer_ArriveIntactBetweenSmallOnes(int chunk)
    {
        byte[] small = FrameCodec.Encode("{\"type\":\"small\"}"u8);
        byte[] large = FrameCodec.Encode(Enumerable.Range(0, 200_000).Select(i => (byte)('a' + (i % 26))).ToArray());
        byte[] wire = [.. small, .. large, .. small, .. large, .. large, .. small];
        using var stream = new ChunkedReadStream(wire, chunk);
        var reader = new FrameReader(stream);

        foreach (byte[] expected in new[] { small, large, small, large, large, small })
        {
            Frame? frame = await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None);
            frame!.Value.Wire.ToArray().Should().Equal(expected);
        }

        (await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ReadFrameAsync_ReturnsACopyThatLaterReadsDoNotChange()
    {
        byte[] first = FrameCodec.Encode("{\"type\":\"one\"}"u8);
        byte[] second = FrameCodec.Encode("{\"type\":\"two\"}"u8);
        using var stream = new MemoryStream([.. first, .. second]);
        var reader = new FrameReader(stream);

        Frame? kept = await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None);
        await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None);

        kept!.Value.Wire.ToArray().Should().Equal(first, "a frame from ReadFrameAsync is the caller's to keep (the handshake keeps them)");
    }

    /// <summary>A stream that hands out everything it has in one read, and counts the reads.</summary>
    private sealed class CountingStream(byte[] data) : MemoryStream(data)
    {
        public int Reads { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}
