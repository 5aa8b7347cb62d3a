using System.Buffers.Binary;
using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Framing;

public sealed class FrameReaderTests
{
    private const int Limit = 64 * 1024;

    private static readonly TimeSpan LongTimeout = TimeSpan.FromSeconds(30);

    // How long a test waits for something that should already have happened, so that a hang fails.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly byte[] First = FrameCodec.Encode(Encoding.UTF8.GetBytes("""{"type":"record","seq":0,"sealed":"AAEC"}"""));
    private static readonly byte[] Second = FrameCodec.Encode(Encoding.UTF8.GetBytes("""{"type":"record","seq":1,"sealed":"AwQF"}"""));
    private static readonly byte[] Third = FrameCodec.Encode(Encoding.UTF8.GetBytes("""{"type":"abort","reason":"busy"}"""));

    [Fact]
    public async Task ReadFrameAsync_SeveralFrames_ReturnsThemInOrderThenNull()
    {
        using var stream = new MemoryStream([.. First, .. Second, .. Third]);
        var reader = new FrameReader(stream);

        (await ReadAsync(reader)).Should().Equal(First);
        (await ReadAsync(reader)).Should().Equal(Second);
        (await ReadAsync(reader)).Should().Equal(Third);
        (await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ReadFrameAsync_Frame_PayloadIsTheBytesAfterThePrefix()
    {
        using var stream = new MemoryStream(First);
        var reader = new FrameReader(stream);

        Frame? frame = await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None);

        frame.Should().NotBeNull();
        frame!.Value.Payload.ToArray().Should().Equal(First.Skip(FrameCodec.HeaderSize));
    }

    [Fact]
    public async Task ReadFrameAsync_OneByteReads_ReassemblesEveryFrame()
    {
        using var stream = new ChunkedReadStream([.. First, .. Second, .. Third], 1);
        var reader = new FrameReader(stream);

        (await ReadAsync(reader)).Should().Equal(First);
        (await ReadAsync(reader)).Should().Equal(Second);
        (await ReadAsync(reader)).Should().Equal(Third);
        (await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ReadFrameAsync_TwoFramesSplitInTwoAtEveryOffset_ReturnsBothFrames()
    {
        byte[] bytes = [.. First, .. Second];
        for (int split = 1; split < bytes.Length; split++)
        {
            using var stream = new ChunkedReadStream(bytes, [split, int.MaxValue]);
            var reader = new FrameReader(stream);

            (await ReadAsync(reader)).Should().Equal(First, $"split at {split}");
            (await ReadAsync(reader)).Should().Equal(Second, $"split at {split}");
            (await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None)).Should().BeNull($"split at {split}");
        }
    }

    [Fact]
    public async Task ReadFrameAsync_EmptyStream_ReturnsNull()
    {
        using var stream = new MemoryStream();
        var reader = new FrameReader(stream);

        (await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ReadFrameAsync_PeerClosesBetweenFrames_ReturnsNull()
    {
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (near)
        {
            var reader = new FrameReader(near);
            await far.WriteAsync(First);
            await far.DisposeAsync();

            (await ReadAsync(reader)).Should().Equal(First);
            (await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask().WaitAsync(Patience)).Should().BeNull();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadFrameAsync_EofMidHeader_ThrowsConnectionLost(int headerBytes)
    {
        using var stream = new MemoryStream(First.AsSpan(0, headerBytes).ToArray());
        var reader = new FrameReader(stream);

        Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();

        await act.Should().ThrowAsync<ConnectionLostException>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    public async Task ReadFrameAsync_EofMidPayload_ThrowsConnectionLost(int missing)
    {
        int cut = First.Length - 1 - missing;
        using var stream = new MemoryStream(First.AsSpan(0, cut).ToArray());
        var reader = new FrameReader(stream);

        Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();

        await act.Should().ThrowAsync<ConnectionLostException>();
    }

    [Fact]
    public async Task ReadFrameAsync_EofAfterHeaderOnly_ThrowsConnectionLost()
    {
        using var stream = new MemoryStream(First.AsSpan(0, FrameCodec.HeaderSize).ToArray());
        var reader = new FrameReader(stream);

        Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();

        await act.Should().ThrowAsync<ConnectionLostException>();
    }

    [Fact]
    public async Task ReadFrameAsync_LengthZero_ThrowsProtocolViolation()
    {
        using var stream = new MemoryStream([0, 0, 0, 0, .. First]);
        var reader = new FrameReader(stream);

        Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();

        await act.Should().ThrowAsync<ProtocolViolationException>();
    }

    [Theory]
    [InlineData(Limit + 1u)]
    [InlineData(0x8000_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    public async Task ReadFrameAsync_LengthAboveTheLimit_ThrowsProtocolViolationFromTheHeaderAlone(uint announced)
    {
        // Only the header is there: refusing it must not wait for (or miss) the payload.
        using var stream = new MemoryStream(Header(announced));
        var reader = new FrameReader(stream);

        Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();

        await act.Should().ThrowAsync<ProtocolViolationException>();
    }

    [Fact]
    public async Task ReadFrameAsync_LengthAboveTheLimitOverAPipe_ThrowsWithoutWaitingForThePayload()
    {
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (near)
        await using (far)
        {
            var reader = new FrameReader(near);
            await far.WriteAsync(Header(0xFFFF_FFFF));

            Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask().WaitAsync(Patience);

            await act.Should().ThrowAsync<ProtocolViolationException>();
        }
    }

    [Fact]
    public async Task ReadFrameAsync_LengthExactlyAtTheLimit_ReturnsTheFrame()
    {
        byte[] wire = new byte[FrameCodec.HeaderSize + Limit];
        FrameCodec.WriteHeader(wire, Limit);
        Random.Shared.NextBytes(wire.AsSpan(FrameCodec.HeaderSize));
        using var stream = new MemoryStream(wire);
        var reader = new FrameReader(stream);

        (await ReadAsync(reader)).Should().Equal(wire);
    }

    [Fact]
    public async Task ReadFrameAsync_HugeLengthPrefix_IsRefusedWithoutAllocatingIt()
    {
        const int Announced = 60 * 1024 * 1024;
        byte[] bytes = [.. Header(Announced), .. new byte[1024]];

        // Once to load and JIT everything on the path, so the measurement sees only the read itself.
        await Refuse();

        using var stream = new MemoryStream(bytes);
        var reader = new FrameReader(stream);
        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<Frame?> read = reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        read.IsCompleted.Should().BeTrue("a MemoryStream completes reads synchronously, so the whole read ran on this thread");
        Func<Task> act = () => read.AsTask();
        await act.Should().ThrowAsync<ProtocolViolationException>();
        allocated.Should().BeLessThan(256 * 1024, $"a {Announced}-byte announcement above a {Limit}-byte limit must be refused before anything is allocated for it");

        async Task Refuse()
        {
            using var warmStream = new MemoryStream(bytes);
            Func<Task> warm = () => new FrameReader(warmStream).ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();
            await warm.Should().ThrowAsync<ProtocolViolationException>();
        }
    }

    [Fact]
    public async Task ReadFrameAsync_StreamThrowsIOException_ThrowsConnectionLostWithTheCause()
    {
        using var stream = new FailingStream(() => new IOException("reset by peer"));
        var reader = new FrameReader(stream);

        Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();

        (await act.Should().ThrowAsync<ConnectionLostException>()).WithInnerException<IOException>();
    }

    [Fact]
    public async Task ReadFrameAsync_StreamFailsMidFrame_ThrowsConnectionLostWithTheCause()
    {
        using var stream = new ChunkedReadStream(First.AsSpan(0, 6).ToArray(), [2], () => new IOException("reset by peer"));
        var reader = new FrameReader(stream);

        Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();

        (await act.Should().ThrowAsync<ConnectionLostException>()).WithInnerException<IOException>();
    }

    [Fact]
    public async Task ReadFrameAsync_DisposedStream_ThrowsConnectionLost()
    {
        var stream = new MemoryStream(First);
        await stream.DisposeAsync();
        var reader = new FrameReader(stream);

        Func<Task> act = () => reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask();

        (await act.Should().ThrowAsync<ConnectionLostException>()).WithInnerException<ObjectDisposedException>();
    }

    [Fact]
    public void Constructor_NullStream_ThrowsArgumentNull()
    {
        Action act = () => _ = new FrameReader(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public async Task ReadFrameAsync_FramesFromAFrameWriter_ArriveIntact()
    {
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (near)
        await using (far)
        {
            var writer = new FrameWriter(far);
            var reader = new FrameReader(near);

            await writer.WriteFrameAsync(First, CancellationToken.None);
            await writer.WriteFrameAsync(Second, CancellationToken.None);
            await writer.WriteFrameAsync(Third, CancellationToken.None);

            (await ReadAsync(reader)).Should().Equal(First);
            (await ReadAsync(reader)).Should().Equal(Second);
            (await ReadAsync(reader)).Should().Equal(Third);
        }
    }

    private static async Task<byte[]> ReadAsync(FrameReader reader)
    {
        Frame? frame = await reader.ReadFrameAsync(Limit, LongTimeout, CancellationToken.None).AsTask().WaitAsync(Patience);
        frame.Should().NotBeNull();
        return frame!.Value.Wire.ToArray();
    }

    private static byte[] Header(uint length)
    {
        byte[] header = new byte[FrameCodec.HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, length);
        return header;
    }
}
