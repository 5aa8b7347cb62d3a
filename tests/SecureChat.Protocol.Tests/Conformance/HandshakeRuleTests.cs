using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// The handshake's reading rules of docs/protocol.md ("Reading a handshake frame", "Responder"), each
/// quoted and played against the real sessions through a relay that rewrites one frame.
/// </summary>
public sealed class HandshakeRuleTests
{
    [Theory]
    [InlineData("""{"confirm":"#","type":"finish"}""")]
    [InlineData("""{ "type":"finish","confirm":"#"}""")]
    [InlineData("""{"type":"finish","confirm":"#"} """)]
    [InlineData("""{"type":"fin\u0069sh","confirm":"#"}""")]
    public async Task Frame4_RespelledWithTheSameMembers_ResponderRefusesItBeforeItsTrustDecision(string spelling)
    {
        // Rule (Responder, step 12; issue 13, item 11): "Frame 4 must be byte for byte the canonical
        // encoding `{"type":"finish","confirm":"<base64>"}` … a frame 4 spelled any other way is a protocol
        // violation, found before the trust decision."
        bool responderDecided = false;
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number == 3 ? [Respell(f.Wire, spelling)] : [f.Wire]);
        await using (relay)
        {
            SessionOptions alice = SessionHarness.AliceOptions();
            alice = new SessionOptions
            {
                Identity = alice.Identity,
                HandshakeTimeout = SessionHarness.HandshakePatience,
                Name = alice.Name,
                TrustPeer = (_, _) =>
                {
                    responderDecided = true;
                    return ValueTask.FromResult(true);
                },
            };
            Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(r, alice));
            Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation()));

            Func<Task> respond = () => responding;
            (await respond.Should().ThrowAsync<ProtocolViolationException>()).Which.Message.Should().Contain("canonical");
            Func<Task> initiate = () => initiating;
            await initiate.Should().ThrowAsync<SessionException>("the initiator hears handshake-failed, or fails its own check of frame 5");
            responderDecided.Should().BeFalse("the trust decision (and the key it would remember) must not run for a handshake the peer cannot finish");
        }
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("2e0")]
    [InlineData("20e-1")]
    [InlineData("1.5")]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("-1")]
    [InlineData("18446744073709551617")]
    public async Task Frame1_VersionAnyNumberSpelledOtherThan2_UnsupportedVersion(string version)
    {
        // Rule (Responder, step 3; issue 13, item 5): "If the payload's top-level `version` member is a JSON
        // number whose text is anything but the single digit `2` (so `1`, `3`, … and also `2.0`, `2e0` and
        // `20e-1`), the abort reason is `unsupported-version`."
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number == 1
            ? [Rewrite(f.Wire, "\"version\":2,", $"\"version\":{version},")]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(r, SessionHarness.AliceOptions()));
            Func<Task> initiate = () => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation());
            (await initiate.Should().ThrowAsync<PeerAbortedException>()).Which.Reason.Should().Be(AbortReason.UnsupportedVersion);
            Func<Task> respond = () => responding;
            await respond.Should().ThrowAsync<ProtocolViolationException>();
        }
    }

    [Fact]
    public async Task Frame1_VersionAStringTwo_HandshakeFailedNotUnsupportedVersion()
    {
        // Rule (Responder, step 3): only a JSON number is another version; `"2"` is a mistyped member (pass 2).
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number == 1
            ? [Rewrite(f.Wire, "\"version\":2,", "\"version\":\"2\",")]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(r, SessionHarness.AliceOptions()));
            Func<Task> initiate = () => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation());
            (await initiate.Should().ThrowAsync<PeerAbortedException>()).Which.Reason.Should().Be(AbortReason.HandshakeFailed);
            Func<Task> respond = () => responding;
            await respond.Should().ThrowAsync<ProtocolViolationException>();
        }
    }

    [Fact]
    public async Task HandshakeFrame_OfAnotherType_IsAViolation()
    {
        // Rule (Reading a handshake frame, 3): "The type must be the expected one (`hello`, `key` or
        // `finish`); otherwise it is a protocol violation."
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number == 2
            ? [Rewrite(f.Wire, "\"type\":\"key\"", "\"type\":\"finish\"")]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation()));
            Func<Task> respond = () => SecureSession.RespondAsync(r, SessionHarness.AliceOptions());
            await respond.Should().ThrowAsync<ProtocolViolationException>();
            Func<Task> initiate = () => initiating;
            (await initiate.Should().ThrowAsync<PeerAbortedException>()).Which.Reason.Should().Be(AbortReason.HandshakeFailed);
        }
    }

    [Fact]
    public async Task HandshakeFrame_Abort_EndsTheHandshakeWithItsReasonAndNothingIsSentBack()
    {
        // Rule (Reading a handshake frame, 2): "If the type is `abort`, parse the abort frame strictly and
        // end the handshake with "the peer aborted" and its reason. Nothing is sent back."
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number == 2
            ? [FrameJson.EncodeAbort(AbortReason.Refused)]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation()));
            Func<Task> respond = () => SecureSession.RespondAsync(r, SessionHarness.AliceOptions());
            (await respond.Should().ThrowAsync<PeerAbortedException>()).Which.Reason.Should().Be(AbortReason.Refused);
            Func<Task> initiate = () => initiating;
            await initiate.Should().ThrowAsync<ConnectionLostException>("the responder sent nothing back, it only closed");
        }
    }

    private static byte[] Respell(byte[] wire, string spelling)
    {
        string json = Encoding.UTF8.GetString(wire, FrameCodec.HeaderSize, wire.Length - FrameCodec.HeaderSize);
        string confirm = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("confirm").GetString()!;
        return FrameCodec.Encode(Encoding.UTF8.GetBytes(spelling.Replace("#", confirm, StringComparison.Ordinal)));
    }

    internal static byte[] Rewrite(byte[] wire, string from, string to)
    {
        string json = Encoding.UTF8.GetString(wire, FrameCodec.HeaderSize, wire.Length - FrameCodec.HeaderSize);
        json.Should().Contain(from);
        return FrameCodec.Encode(Encoding.UTF8.GetBytes(json.Replace(from, to, StringComparison.Ordinal)));
    }
}
