using SecureChat.Cli.Network;

namespace SecureChat.Cli.Tests.Network;

public sealed class ReplayStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    public async Task Read_GivesTheReplayedBytesFirstThenTheInnerStream_InAnyChunkSize(int chunk)
    {
        byte[] replayed = [1, 2, 3, 4, 5];
        using var inner = new MemoryStream([6, 7, 8]);
        await using var stream = new ReplayStream(replayed, inner);

        var read = new List<byte>();
        byte[] buffer = new byte[chunk];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            read.AddRange(buffer[..n]);
        }

        read.Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
    }

    [Fact]
    public async Task Write_GoesStraightToTheInnerStream_AndDisposeClosesIt()
    {
        var inner = new MemoryStream();
        var stream = new ReplayStream(new byte[] { 9 }, inner);

        await stream.WriteAsync(new byte[] { 1, 2 });
        await stream.FlushAsync();
        inner.ToArray().Should().Equal(1, 2);
        await stream.DisposeAsync();

        inner.CanRead.Should().BeFalse("the replay stream owns the inner one");
    }
}
