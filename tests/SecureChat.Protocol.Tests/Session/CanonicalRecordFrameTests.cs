using System.Text;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>Issue 19: our own record spelling is read without the parser; every other spelling is left to it.</summary>
public sealed class CanonicalRecordFrameTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(7UL)]
    [InlineData(ulong.MaxValue)]
    public void TryRead_FrameAsTheWriterSpellsIt_GivesItsSequenceAndSealedBytes(ulong sequence)
    {
        byte[] sealedBytes = Enumerable.Range(0, 208).Select(i => (byte)i).ToArray();
        PooledFrame frame = RecordFrameWriter.Write(sequence, sealedBytes);
        byte[] payload = frame.Wire[FrameCodec.HeaderSize..].ToArray();
        frame.Return();

        CanonicalRecordFrame.TryRead(payload, out ulong read, out ReadOnlySpan<byte> base64).Should().BeTrue();

        read.Should().Be(sequence);
        Convert.FromBase64String(Encoding.ASCII.GetString(base64)).Should().Equal(sealedBytes);
        CanonicalRecordFrame.DecodedLength(base64).Should().Be(sealedBytes.Length);
    }

    [Theory]
    [InlineData("""{"type":"record","seq":07,"sealed":"AAEC"}""")] // a leading zero: not JSON
    [InlineData("""{"type":"record","seq":-1,"sealed":"AAEC"}""")]
    [InlineData("""{"type":"record","seq":18446744073709551616,"sealed":"AAEC"}""")] // 2^64
    [InlineData("""{"type":"record","seq":7,"sealed":"AAF="}""")] // unused bits set: not canonical
    [InlineData("""{"type":"record","seq":7,"sealed":"AA\u0045C"}""")] // an escape
    [InlineData("""{"type":"record", "seq":7,"sealed":"AAEC"}""")] // whitespace
    [InlineData("""{"seq":7,"type":"record","sealed":"AAEC"}""")] // another order
    [InlineData("""{"type":"record","seq":7,"sealed":"AAEC","extra":1}""")]
    [InlineData("""{"type":"record","seq":7,"sealed":"AA"EC"}""")]
    [InlineData("""{"type":"abort","seq":7,"sealed":"AAEC"}""")]
    public void TryRead_AnyOtherSpelling_IsLeftToTheParser(string payload)
    {
        CanonicalRecordFrame.TryRead(Encoding.UTF8.GetBytes(payload), out _, out _).Should().BeFalse();
    }
}
