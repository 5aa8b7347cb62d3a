using SecureChat.Cli.Network;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Cli.Tests.Network;

public sealed class HelloReaderTests
{
    private static readonly byte[] Hello = FrameCodec.Encode("{\"type\":\"hello\"}"u8);

    [Fact]
    public async Task Read_AWholeFrame_ReturnsExactlyItsBytes()
    {
        byte[]? wire = await HelloReader.ReadAsync(new MemoryStream([.. Hello, 1, 2, 3]), 65536, CancellationToken.None);

        wire.Should().Equal(Hello);
    }

    [Fact]
    public async Task Read_AFrameLargerThanTheFirstBuffer_ArrivingInPieces_IsWhole()
    {
        byte[] payload = new byte[20_000];
        new Random(1).NextBytes(payload);
        byte[] frame = FrameCodec.Encode(payload);

        byte[]? wire = await HelloReader.ReadAsync(new TrickleStream(frame, 777), 65536, CancellationToken.None);

        wire.Should().Equal(frame);
    }

    [Fact]
    public async Task Read_NothingBeforeTheEnd_IsNull() =>
        (await HelloReader.ReadAsync(new MemoryStream(), 65536, CancellationToken.None)).Should().BeNull();

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public async Task Read_EndInsideTheFrame_IsALostConnection(int bytes)
    {
        Func<Task> read = () => HelloReader.ReadAsync(new MemoryStream(Hello[..bytes]), 65536, CancellationToken.None);

        await read.Should().ThrowAsync<ConnectionLostException>();
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(65537u)]
    [InlineData(0x47455420u)] // "GET "
    public async Task Read_ALengthOfZeroOrOverTheLimit_IsRefusedFromTheHeader(uint length)
    {
        byte[] header = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header, length);

        Func<Task> read = () => HelloReader.ReadAsync(new MemoryStream(header), 65536, CancellationToken.None);

        await read.Should().ThrowAsync<ProtocolViolationException>();
    }

    [Fact]
    public async Task Read_AStrangerAnnouncing64KiBAndSendingTenBytes_CostsFarLessThan64KiB()
    {
        byte[] stalled = [0, 1, 0, 0, .. "{\"type\":\""u8];
        using var stream = new MemoryStream(stalled);
        await Read(new MemoryStream(stalled)); // warm up, so that only the read itself is counted
        long before = GC.GetAllocatedBytesForCurrentThread();

        // A MemoryStream completes every read at once, on this thread, so this thread's count is the whole cost.
        Exception? failure = await Read(stream);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        failure.Should().BeOfType<ConnectionLostException>();
        allocated.Should().BeLessThan(16 * 1024, "the buffer grows with what arrives, not with what is announced");

        static async Task<Exception?> Read(Stream s)
        {
            try
            {
                await HelloReader.ReadAsync(s, 65536, CancellationToken.None);
                return null;
            }
            catch (ConnectionLostException e)
            {
                return e;
            }
        }
    }

    /// <summary>Gives at most <c>chunk</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
