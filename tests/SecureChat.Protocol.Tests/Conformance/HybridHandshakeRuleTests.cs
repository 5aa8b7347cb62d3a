using System.Text;
using SecureChat.Crypto.Agreement;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// The hybrid rules of protocol version 2 (docs/protocol.md, "Frame 1", "Frame 2", "ML-KEM-768 keys",
/// "Responder" step 3 and 5): each quoted and played against the real sessions through a relay that
/// rewrites one member of one frame (issue 18).
/// </summary>
public sealed class HybridHandshakeRuleTests
{
    [Fact]
    public async Task Frame1_AVersion1Hello_UnsupportedVersion()
    {
        // Rule (Responder, step 3): "a frame 1 of version 1 (no `kemKey`) … the abort reason is
        // `unsupported-version`": a version-1 peer learns that it is too old, not that it is wrong.
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number == 1
            ? [AsVersion1(f.Wire)]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(r, SessionHarness.AliceOptions()));
            Func<Task> initiate = () => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation());
            (await initiate.Should().ThrowAsync<PeerAbortedException>()).Which.Reason.Should().Be(AbortReason.UnsupportedVersion);
            Func<Task> respond = () => responding;
            (await respond.Should().ThrowAsync<ProtocolViolationException>()).Which.Message.Should().Contain("version 2");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1149)]
    public async Task Frame1_KemKeyFailsTheModulusCheck_HandshakeFailed(int offset)
    {
        // Rule (ML-KEM-768 keys): "every 12-bit coefficient … must be below q = 3329 (the modulus check of
        // FIPS 203 section 7.2) … a key that fails is a protocol violation (`handshake-failed`)". 0xFF 0xFF
        // at an even coefficient's first byte makes it 0xFFF = 4095.
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number == 1
            ? [ChangeMember(f.Wire, "kemKey", key => { key[offset] = 0xFF; key[offset + 1] |= 0x0F; return key; })]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(r, SessionHarness.AliceOptions()));
            Func<Task> initiate = () => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation());
            (await initiate.Should().ThrowAsync<PeerAbortedException>()).Which.Reason.Should().Be(AbortReason.HandshakeFailed);
            Func<Task> respond = () => responding;
            (await respond.Should().ThrowAsync<ProtocolViolationException>()).Which.Message.Should().Contain("modulus check");
        }
    }

    [Theory]
    [InlineData("kemKey", 1, MlKem768.EncapsulationKeySize - 1)]
    [InlineData("kemKey", 1, MlKem768.EncapsulationKeySize + 3)]
    [InlineData("kemCiphertext", 2, MlKem768.CiphertextSize - 1)]
    public async Task HelloKemMember_OfAnotherLength_IsAViolation(string member, int frame, int length)
    {
        // Rule (Frame 1, Frame 2): `kemKey` "exactly 1184 bytes", `kemCiphertext` "exactly 1088 bytes".
        Toward toward = frame == 1 ? Toward.Responder : Toward.Initiator;
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == toward && f.Number == 1
            ? [ChangeMember(f.Wire, member, bytes => bytes.Concat(new byte[8]).Take(length).ToArray())]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(r, SessionHarness.AliceOptions()));
            Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation()));
            Func<Task> violator = frame == 1 ? () => responding : () => initiating;
            (await violator.Should().ThrowAsync<ProtocolViolationException>()).Which.Message.Should().Contain($"not {(frame == 1 ? 1184 : 1088)}");
            Func<Task> other = frame == 1 ? () => initiating : () => responding;
            (await other.Should().ThrowAsync<PeerAbortedException>()).Which.Reason.Should().Be(AbortReason.HandshakeFailed);
        }
    }

    [Fact]
    public async Task Frame2_KemCiphertextChanged_BothSidesFailTheConfirmation()
    {
        // Rule (Key schedule; Security properties): the ML-KEM secret is in PRK and the ciphertext in TH3, so
        // a changed ciphertext (which decapsulates, by implicit rejection, to another secret) fails the
        // responder's check of confirm_i: no session opens.
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Initiator && f.Number == 1
            ? [ChangeMember(f.Wire, "kemCiphertext", ct => { ct[500] ^= 0x01; return ct; })]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation()));
            Func<Task> respond = () => SecureSession.RespondAsync(r, SessionHarness.AliceOptions());
            await respond.Should().ThrowAsync<IntegrityException>();
            Func<Task> initiate = () => initiating;
            await initiate.Should().ThrowAsync<SessionException>();
        }
    }

    [Fact]
    public async Task Frame1_KemKeySwappedForAnAttackersKey_HandshakeFails()
    {
        // Rule (Transcript binding): "TH3 and TH4 … cover … the ML-KEM encapsulation key and ciphertext": a
        // man in the middle that substitutes its own encapsulation key (to learn the ML-KEM secret) is found
        // at the confirmation.
        using MlKem768DecapsulationKey mallory = MlKem768DecapsulationKey.Generate();
        byte[] malloryKey = mallory.EncapsulationKey.Encoded.ToArray();
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number == 1
            ? [ChangeMember(f.Wire, "kemKey", _ => malloryKey)]
            : [f.Wire]);
        await using (relay)
        {
            Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(i, SessionHarness.BobOptions(), new Conversation()));
            Func<Task> respond = () => SecureSession.RespondAsync(r, SessionHarness.AliceOptions());
            await respond.Should().ThrowAsync<IntegrityException>();
            Func<Task> initiate = () => initiating;
            await initiate.Should().ThrowAsync<SessionException>();
        }
    }

    /// <summary>Replaces the base64 value of one member, leaving every other byte of the frame as it was.</summary>
    internal static byte[] ChangeMember(byte[] wire, string member, Func<byte[], byte[]> change)
    {
        string json = Encoding.UTF8.GetString(wire, FrameCodec.HeaderSize, wire.Length - FrameCodec.HeaderSize);
        string value = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty(member).GetString()!;
        string changed = Convert.ToBase64String(change(Convert.FromBase64String(value)));
        return HandshakeRuleTests.Rewrite(wire, $"\"{member}\":\"{value}\"", $"\"{member}\":\"{changed}\"");
    }

    /// <summary>Frame 1 as a version-1 initiator sends it: version 1 and no ML-KEM key.</summary>
    private static byte[] AsVersion1(byte[] wire)
    {
        string json = Encoding.UTF8.GetString(wire, FrameCodec.HeaderSize, wire.Length - FrameCodec.HeaderSize);
        string value = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("kemKey").GetString()!;
        json = json.Replace($",\"kemKey\":\"{value}\"", "", StringComparison.Ordinal).Replace("\"version\":2,", "\"version\":1,", StringComparison.Ordinal);
        return FrameCodec.Encode(Encoding.UTF8.GetBytes(json));
    }
}
