using System.Buffers.Binary;
using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Tests.Framing;

public sealed class FrameCodecTests
{
    private const int Limit = 64 * 1024;

    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"type":"record","seq":7,"sealed":"AAEC"}""");

    [Fact]
    public void TryReadFrame_WholeFrame_ReturnsTrueWithHeaderPlusPayloadLength()
    {
        byte[] wire = FrameCodec.Encode(Payload);

        bool complete = FrameCodec.TryReadFrame(wire, Limit, out int frameLength);

        complete.Should().BeTrue();
        frameLength.Should().Be(FrameCodec.HeaderSize + Payload.Length);
        new Frame(wire.AsMemory(0, frameLength)).Payload.ToArray().Should().Equal(Payload);
    }

    [Fact]
    public void TryReadFrame_FrameFollowedByMoreBytes_ReturnsOnlyTheFirstFrame()
    {
        byte[] first = FrameCodec.Encode(Payload);
        byte[] second = FrameCodec.Encode("{\"type\":\"x\"}"u8);
        byte[] buffer = [.. first, .. second];

        FrameCodec.TryReadFrame(buffer, Limit, out int frameLength).Should().BeTrue();

        frameLength.Should().Be(first.Length);
    }

    [Fact]
    public void TryReadFrame_EveryStrictPrefix_ReturnsFalseUntilTheFrameIsComplete()
    {
        byte[] wire = FrameCodec.Encode(Payload);

        for (int split = 0; split < wire.Length; split++)
        {
            bool complete = FrameCodec.TryReadFrame(wire.AsSpan(0, split), Limit, out int frameLength);

            complete.Should().BeFalse($"{split} of {wire.Length} bytes are not a whole frame");
            frameLength.Should().Be(0);
        }

        FrameCodec.TryReadFrame(wire, Limit, out int wholeLength).Should().BeTrue();
        wholeLength.Should().Be(wire.Length);
    }

    [Fact]
    public void TryReadFrame_FedOneByteAtATime_CompletesExactlyAtEachFramesLastByte()
    {
        byte[] first = FrameCodec.Encode(Payload);
        byte[] second = FrameCodec.Encode("{\"type\":\"abort\",\"reason\":\"busy\"}"u8);
        byte[] stream = [.. first, .. second];
        var buffer = new List<byte>();
        var frames = new List<(int CompletedAt, byte[] Wire)>();

        for (int i = 0; i < stream.Length; i++)
        {
            buffer.Add(stream[i]);
            if (FrameCodec.TryReadFrame(buffer.ToArray(), Limit, out int frameLength))
            {
                frames.Add((i, buffer.Take(frameLength).ToArray()));
                buffer.RemoveRange(0, frameLength);
            }
        }

        frames.Should().HaveCount(2);
        frames[0].CompletedAt.Should().Be(first.Length - 1);
        frames[0].Wire.Should().Equal(first);
        frames[1].CompletedAt.Should().Be(stream.Length - 1);
        frames[1].Wire.Should().Equal(second);
        buffer.Should().BeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TryReadFrame_FewerBytesThanAHeader_ReturnsFalse(int length)
    {
        byte[] buffer = new byte[length];
        Array.Fill(buffer, (byte)0xFF);

        FrameCodec.TryReadFrame(buffer, Limit, out int frameLength).Should().BeFalse();

        frameLength.Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void TryReadFrame_LengthZero_ThrowsProtocolViolation(int trailingBytes)
    {
        byte[] buffer = new byte[FrameCodec.HeaderSize + trailingBytes];

        Action act = () => FrameCodec.TryReadFrame(buffer, Limit, out _);

        act.Should().Throw<ProtocolViolationException>();
    }

    [Theory]
    [InlineData(Limit + 1u)]
    [InlineData(60u * 1024 * 1024)]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(0x8000_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    public void TryReadFrame_LengthAboveTheLimit_ThrowsProtocolViolationFromTheHeaderAlone(uint announced)
    {
        byte[] header = new byte[FrameCodec.HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, announced);

        Action act = () => FrameCodec.TryReadFrame(header, Limit, out _);

        act.Should().Throw<ProtocolViolationException>();
    }

    [Fact]
    public void TryReadFrame_FourGibLengthWithTheLargestLimit_ThrowsProtocolViolation()
    {
        byte[] header = [0xFF, 0xFF, 0xFF, 0xFF];

        Action act = () => FrameCodec.TryReadFrame(header, int.MaxValue, out _);

        act.Should().Throw<ProtocolViolationException>();
    }

    [Fact]
    public void TryReadFrame_LengthExactlyAtTheLimit_IsAccepted()
    {
        byte[] wire = new byte[FrameCodec.HeaderSize + Limit];
        FrameCodec.WriteHeader(wire, Limit);

        FrameCodec.TryReadFrame(wire.AsSpan(0, FrameCodec.HeaderSize), Limit, out _).Should().BeFalse("only the header has arrived");
        FrameCodec.TryReadFrame(wire.AsSpan(0, wire.Length - 1), Limit, out _).Should().BeFalse("one byte is missing");
        FrameCodec.TryReadFrame(wire, Limit, out int frameLength).Should().BeTrue();
        frameLength.Should().Be(wire.Length);
    }

    [Fact]
    public void ReadPayloadLength_Header_IsBigEndian()
    {
        byte[] header = [0x00, 0x01, 0x02, 0x03];

        FrameCodec.ReadPayloadLength(header, int.MaxValue).Should().Be(0x0001_0203);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ReadPayloadLength_LimitNotPositive_ThrowsArgumentOutOfRange(int maxPayload)
    {
        byte[] header = [0x00, 0x00, 0x00, 0x01];

        Action act = () => FrameCodec.ReadPayloadLength(header, maxPayload);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void WriteHeader_PayloadLength_WritesFourBigEndianBytes()
    {
        byte[] header = new byte[FrameCodec.HeaderSize];

        FrameCodec.WriteHeader(header, 300);

        header.Should().Equal(0x00, 0x00, 0x01, 0x2C);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65_536)]
    [InlineData(16_777_217)]
    [InlineData(int.MaxValue)]
    public void WriteHeader_ThenReadPayloadLength_RoundTrips(int payloadLength)
    {
        byte[] header = new byte[FrameCodec.HeaderSize];

        FrameCodec.WriteHeader(header, payloadLength);

        FrameCodec.ReadPayloadLength(header, int.MaxValue).Should().Be(payloadLength);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WriteHeader_LengthNotPositive_ThrowsArgumentOutOfRange(int payloadLength)
    {
        byte[] header = new byte[FrameCodec.HeaderSize];

        Action act = () => FrameCodec.WriteHeader(header, payloadLength);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Encode_Payload_IsPrefixedByItsBigEndianLength()
    {
        byte[] wire = FrameCodec.Encode(Payload);

        wire.Should().HaveCount(FrameCodec.HeaderSize + Payload.Length);
        BinaryPrimitives.ReadUInt32BigEndian(wire).Should().Be((uint)Payload.Length);
        wire.Skip(FrameCodec.HeaderSize).Should().Equal(Payload);
    }

    [Fact]
    public void Encode_ThenTryReadFrame_RoundTripsThePayload()
    {
        byte[] wire = FrameCodec.Encode(Payload);

        FrameCodec.TryReadFrame(wire, Limit, out int frameLength).Should().BeTrue();

        var frame = new Frame(wire.AsMemory(0, frameLength));
        frame.Payload.ToArray().Should().Equal(Payload);
        frame.Wire.ToArray().Should().Equal(wire);
    }

    [Fact]
    public void Encode_EmptyPayload_ThrowsArgumentOutOfRange()
    {
        Action act = () => FrameCodec.Encode([]);

        act.Should().Throw<ArgumentOutOfRangeException>("an empty frame is not a frame the peer would accept");
    }
}
