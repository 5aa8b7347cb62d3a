using SecureChat.Crypto;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Handshake;

/// <summary>
/// Issue 16 item 3: a handshake step blames the peer only for what the peer's frame can cause; a defect of
/// ours (any other exception) propagates as itself, so that it is reported as ours (exit 70), not as "the
/// peer broke the protocol" (exit 76). Either way the step fails the handshake and wipes it.
/// </summary>
public sealed class HandshakeGuardTests
{
    [Fact]
    public void Step_DefectOfOurs_PropagatesUnchanged_AndFailsTheHandshake()
    {
        MessageSuite[] suites = [MessageSuite.AesCbcHmacSha256];
        using var initiator = new InitiatorHandshake(TestIdentities.Bob, "bob", suites, null, new DefectiveEntropy());
        using var responder = new ResponderHandshake(TestIdentities.Alice, "alice", suites, null, HandshakeEntropy.System);
        byte[] hello = initiator.CreateHello();
        byte[] reply = responder.ReadHelloAndCreateHello(Received.SingleFrame(hello, FrameCodec.DefaultMaxHandshakePayload));

        Action step = () => initiator.ReadHelloAndCreateKey(Received.SingleFrame(reply, FrameCodec.DefaultMaxHandshakePayload));

        step.Should().Throw<InvalidOperationException>().WithMessage("a defect for the test");
        Action next = () => initiator.CreateFinish();
        next.Should().Throw<InvalidOperationException>().WithMessage("*out of turn*Failed*");
    }

    [Fact]
    public void Guard_KeyRefusedByTheCryptoLibrary_IsThePeersViolation()
    {
        bool failed = false;

        Action step = () => HandshakeFields.Guard<int>(() => throw new InvalidKeyException("not a point on the curve"), () => failed = true);

        step.Should().Throw<ProtocolViolationException>().WithInnerException<InvalidKeyException>();
        failed.Should().BeTrue();
    }

    [Fact]
    public void Guard_SessionException_PassesThroughAfterFailing()
    {
        bool failed = false;
        var refusal = new IntegrityException("changed on the way");

        Action step = () => HandshakeFields.Guard<int>(() => throw refusal, () => failed = true);

        step.Should().Throw<IntegrityException>().Which.Should().BeSameAs(refusal);
        failed.Should().BeTrue();
    }

    [Fact]
    public void Guard_OtherException_IsNotBlamedOnThePeer()
    {
        bool failed = false;

        Action step = () => HandshakeFields.Guard<int>(() => throw new ArgumentException("our own bad argument"), () => failed = true);

        step.Should().Throw<ArgumentException>().WithMessage("our own bad argument");
        failed.Should().BeTrue();
    }

    /// <summary>Randomness with a defect: making the initiator's secret throws.</summary>
    private sealed class DefectiveEntropy : HandshakeEntropy
    {
        public override Secret CreateSecret() => throw new InvalidOperationException("a defect for the test");
    }
}
