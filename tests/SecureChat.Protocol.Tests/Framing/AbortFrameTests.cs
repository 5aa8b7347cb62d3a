using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Tests.Framing;

public sealed class AbortFrameTests
{
    public static TheoryData<AbortReason> EveryReason => new(Enum.GetValues<AbortReason>());

    [Theory]
    [MemberData(nameof(EveryReason))]
    public void EncodeAbort_ThenParseAbort_RoundTripsTheReason(AbortReason reason)
    {
        byte[] wire = FrameJson.EncodeAbort(reason);

        FrameCodec.TryReadFrame(wire, FrameCodec.DefaultMaxHandshakePayload, out int frameLength).Should().BeTrue();
        frameLength.Should().Be(wire.Length);
        ReadOnlySpan<byte> payload = new Frame(wire).Payload.Span;
        FrameJson.ReadType(payload).Should().Be(AbortFrame.TypeName);
        PeerAbortedException aborted = FrameJson.ParseAbort(payload);
        aborted.Reason.Should().Be(reason);
        aborted.Message.Should().Contain(AbortReasons.Describe(reason));
    }

    [Theory]
    [MemberData(nameof(EveryReason))]
    public void EncodeAbort_Reason_CarriesItsWireName(AbortReason reason)
    {
        byte[] wire = FrameJson.EncodeAbort(reason);

        AbortFrame frame = FrameJson.Parse(new Frame(wire).Payload.Span, ProtocolJsonContext.Default.AbortFrame);
        frame.Type.Should().Be(AbortFrame.TypeName);
        frame.Reason.Should().Be(AbortReasons.ToWireName(reason));
    }

    [Fact]
    public void EncodeAbort_EveryReason_HasItsOwnWireName()
    {
        AbortReason[] reasons = Enum.GetValues<AbortReason>();

        reasons.Select(AbortReasons.ToWireName).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void EncodeAbort_Busy_IsTheDocumentedWireFormWithTypeFirst()
    {
        byte[] wire = FrameJson.EncodeAbort(AbortReason.Busy);

        Encoding.UTF8.GetString(new Frame(wire).Payload.Span).Should().Be("""{"type":"abort","reason":"busy"}""");
    }

    [Theory]
    [InlineData("""{"type":"abort","reason":"tired"}""")]
    [InlineData("""{"type":"abort","reason":""}""")]
    [InlineData("""{"type":"abort","reason":"Busy"}""")]
    [InlineData("""{"type":"abort","reason":"unspecified"}""")]
    [InlineData("""{"reason":"from-a-later-version","type":"abort"}""")]
    public void ParseAbort_UnknownReason_IsUnspecified(string json)
    {
        PeerAbortedException aborted = FrameJson.ParseAbort(Encoding.UTF8.GetBytes(json));

        aborted.Reason.Should().Be(AbortReason.Unspecified);
    }

    [Theory]
    [InlineData("""{"type":"abort","reason":"handshake-failed"}""", AbortReason.HandshakeFailed)]
    [InlineData("""{"type":"abort","reason":"session-failed"}""", AbortReason.SessionFailed)]
    [InlineData("""{"type":"abort","reason":"timeout"}""", AbortReason.Timeout)]
    [InlineData("""{"type":"abort","reason":"busy"}""", AbortReason.Busy)]
    [InlineData("""{"type":"abort","reason":"refused"}""", AbortReason.Refused)]
    [InlineData("""{"type":"abort","reason":"unsupported-version"}""", AbortReason.UnsupportedVersion)]
    [InlineData("""{"type":"abort","reason":"no-common-suite"}""", AbortReason.NoCommonSuite)]
    public void ParseAbort_KnownWireName_IsItsReason(string json, AbortReason expected)
    {
        FrameJson.ParseAbort(Encoding.UTF8.GetBytes(json)).Reason.Should().Be(expected);
    }

    [Theory]
    [InlineData("""{"type":"abort"}""")]
    [InlineData("""{"type":"abort","reason":null}""")]
    [InlineData("""{"type":"abort","reason":3}""")]
    [InlineData("""{"type":"abort","reason":["busy"]}""")]
    [InlineData("""{"type":"abort","reason":"busy","detail":"the check that failed"}""")]
    [InlineData("""{"type":"abort","reason":"busy","reason":"timeout"}""")]
    [InlineData("""{"type":"abort","reason":"busy"}x""")]
    [InlineData("""null""")]
    [InlineData("""[]""")]
    public void ParseAbort_Malformed_ThrowsProtocolViolation(string json)
    {
        Action act = () => FrameJson.ParseAbort(Encoding.UTF8.GetBytes(json));

        act.Should().ThrowExactly<ProtocolViolationException>();
    }
}
