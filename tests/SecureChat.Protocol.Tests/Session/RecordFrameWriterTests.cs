using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>The hand-laid record frame must be byte for byte what the source-generated serialiser writes.</summary>
public class RecordFrameWriterTests
{
    public static TheoryData<ulong, int> Cases() => new()
    {
        { 0UL, 64 }, { 1UL, 208 }, { 9UL, 1 }, { 10UL, 2 }, { 12_345UL, 3 }, { ulong.MaxValue, 65_584 }, { 1UL << 40, 160 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_GivesTheSerialisersBytes(ulong sequence, int sealedLength)
    {
        byte[] sealedBytes = new byte[sealedLength];
        new Random(sealedLength).NextBytes(sealedBytes);
        byte[] expected = FrameJson.Encode(new RecordFrame(sequence, sealedBytes), ProtocolJsonContext.Default.RecordFrame);

        PooledFrame frame = RecordFrameWriter.Write(sequence, sealedBytes);
        try
        {
            frame.Wire.ToArray().Should().Equal(expected);
        }
        finally
        {
            frame.Return();
        }
    }
}
