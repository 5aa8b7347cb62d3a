using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// A hostile length prefix is refused before anything of that length is allocated. The allocation counter
/// is process-wide, so these run alone (another test moving a file would be counted too).
/// </summary>
[Collection(ProcessWideMeasurements.Name)]
public sealed class HostileLengthAllocationTests
{
    [Theory]
    [InlineData(0x00000000u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    public async Task Respond_HostileLengthPrefix_RefusedWithoutAllocatingIt(uint length)
    {
        (DuplexStream client, DuplexStream server) = DuplexStream.CreatePair();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        Task<SecureSession> responding = SecureSession.RespondAsync(server, SessionHarness.AliceOptions());
        byte[] header = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header, length);

        await client.WriteAsync(header);

        await FluentActions.Awaiting(() => responding).Should().ThrowAsync<ProtocolViolationException>();
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(64 * 1024 * 1024, "the announced length is never allocated");
    }
}
