using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Handshake;

public sealed class HandshakeStateMachineTests
{
    [Fact]
    public void Run_HonestPeers_DeriveMatchingChainsInEachDirection()
    {
        using HandshakeRun.Outcome outcome = new HandshakeRun().Run();

        outcome.Failure.Should().BeNull();
        NextKey(outcome.Initiator!.SendChain).Should().Equal(NextKey(outcome.Responder!.ReceiveChain));
        NextKey(outcome.Responder.SendChain).Should().Equal(NextKey(outcome.Initiator.ReceiveChain));
        NextKey(outcome.Initiator.SendChain).Should().NotEqual(NextKey(outcome.Responder.SendChain), "each direction has its own chain");
    }

    [Fact]
    public void Run_HonestPeers_EachLearnsTheOthersKeyAndName()
    {
        using HandshakeRun.Outcome outcome = new HandshakeRun().Run();

        outcome.Initiator!.Peer.PublicKey.Should().Be(TestIdentities.Alice.PublicKey);
        outcome.Initiator.Peer.Name.Should().Be("alice");
        outcome.Responder!.Peer.PublicKey.Should().Be(TestIdentities.Bob.PublicKey);
        outcome.Responder.Peer.Name.Should().Be("bob");
        outcome.Initiator.Peer.SafetyNumber.Should().Be(outcome.Responder.Peer.SafetyNumber);
    }

    [Fact]
    public void Run_TwoHandshakesOfTheSamePeers_DeriveDifferentKeys()
    {
        using HandshakeRun.Outcome first = new HandshakeRun().Run();
        using HandshakeRun.Outcome second = new HandshakeRun().Run();

        NextKey(first.Initiator!.SendChain).Should().NotEqual(NextKey(second.Initiator!.SendChain));
    }

    [Fact]
    public void Run_ResponderPrefersBlake2b_ChoosesItFromTheOffer()
    {
        using HandshakeRun.Outcome outcome = new HandshakeRun
        {
            ResponderSuites = [MessageSuite.AesCbcBlake2b256, MessageSuite.AesCbcHmacSha256],
        }.Run();

        outcome.Initiator!.Suite.Should().Be(MessageSuite.AesCbcBlake2b256);
        outcome.Responder!.Suite.Should().Be(MessageSuite.AesCbcBlake2b256);
    }

    [Fact]
    public void Run_NoCommonSuite_ResponderRefusesWithThatReason()
    {
        var run = new HandshakeRun
        {
            InitiatorSuites = [MessageSuite.AesCbcHmacSha256],
            ResponderSuites = [MessageSuite.AesCbcBlake2b256],
        };

        using HandshakeRun.Outcome outcome = run.Run();

        outcome.FailedSide.Should().Be("responder");
        outcome.Failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain(SuiteNames.AesCbcHmacSha256);
    }

    [Fact]
    public void Run_SamePreSharedKey_Completes()
    {
        using Secret psk1 = Secret.Copy("correct horse battery staple"u8);
        using Secret psk2 = Secret.Copy("correct horse battery staple"u8);

        using HandshakeRun.Outcome outcome = new HandshakeRun { InitiatorPsk = psk1, ResponderPsk = psk2 }.Run();

        outcome.Completed.Should().BeTrue();
    }

    [Theory]
    [InlineData("correct horse battery staple", "correct horse battery stapler")]
    [InlineData("correct horse battery staple", null)]
    [InlineData(null, "correct horse battery staple")]
    public void Run_PreSharedKeysDiffer_ResponderRejectsTheInitiatorsConfirmation(string? initiatorPsk, string? responderPsk)
    {
        using Secret? psk1 = initiatorPsk is null ? null : Secret.Copy(System.Text.Encoding.UTF8.GetBytes(initiatorPsk));
        using Secret? psk2 = responderPsk is null ? null : Secret.Copy(System.Text.Encoding.UTF8.GetBytes(responderPsk));

        using HandshakeRun.Outcome outcome = new HandshakeRun { InitiatorPsk = psk1, ResponderPsk = psk2 }.Run();

        outcome.FailedSide.Should().Be("responder");
        outcome.Failure.Should().BeOfType<IntegrityException>().Which.Message.Should().Contain("pre-shared key");
        outcome.Initiator.Should().BeNull();
        outcome.Responder.Should().BeNull();
    }

    [Fact]
    public void Initiator_CallsOutOfTurn_Throw()
    {
        using var initiator = new InitiatorHandshake(TestIdentities.Bob, "bob", [MessageSuite.AesCbcHmacSha256], null, HandshakeEntropy.System);

        FluentActions.Invoking(() => initiator.ReadFinish(new Frame(FrameCodec.Encode("{}"u8)))).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(initiator.CreateFinish).Should().Throw<InvalidOperationException>();
        initiator.CreateHello();
        FluentActions.Invoking(() => initiator.CreateHello()).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(initiator.CreateFinish).Should().Throw<InvalidOperationException>("the key frame comes first");
    }

    [Fact]
    public void Responder_CallsOutOfTurn_Throw()
    {
        using var responder = new ResponderHandshake(TestIdentities.Alice, "alice", [MessageSuite.AesCbcHmacSha256], null, HandshakeEntropy.System);

        FluentActions.Invoking(() => responder.ReadFinishAndCreateFinish(new Frame(FrameCodec.Encode("{}"u8)))).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => responder.ReadKey(new Frame(FrameCodec.Encode("{}"u8)))).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Initiator_AfterAFailedStep_RefusesToGoOn()
    {
        using var initiator = new InitiatorHandshake(TestIdentities.Bob, "bob", [MessageSuite.AesCbcHmacSha256], null, HandshakeEntropy.System);
        initiator.CreateHello();

        FluentActions.Invoking(() => initiator.ReadHelloAndCreateKey(new Frame(FrameCodec.Encode("""{"type":"hello"}"""u8))))
            .Should().Throw<ProtocolViolationException>();
        FluentActions.Invoking(() => initiator.ReadHelloAndCreateKey(new Frame(FrameCodec.Encode("""{"type":"hello"}"""u8))))
            .Should().Throw<InvalidOperationException>();
    }

    private static byte[] NextKey(ChainKey chain)
    {
        byte[] key = new byte[ChainKey.MessageKeySize];
        chain.Next(key);
        return key;
    }
}

public sealed class ResponderHelloCheckTests
{
    [Fact]
    public void ReadHello_LaterVersionWithNewFields_RefusedAsUnsupportedVersion()
    {
        using var responder = new ResponderHandshake(TestIdentities.Alice, "alice", [MessageSuite.AesCbcHmacSha256], null, HandshakeEntropy.System);
        byte[] hello = FrameCodec.Encode("""{"type":"hello","version":3,"kyber":"AAAA"}"""u8);

        FluentActions.Invoking(() => responder.ReadHelloAndCreateHello(new Frame(hello)))
            .Should().Throw<ProtocolViolationException>().WithMessage("*another protocol version*");
        responder.AbortReason.Should().Be(AbortReason.UnsupportedVersion);
    }

    [Fact]
    public void ReadHello_NullInTheSuiteOffer_IsAViolation()
    {
        var run = new HandshakeRun
        {
            OnTheWire = (n, frame) => n == 1 ? Rewrite(frame, "\"suites\":[", "\"suites\":[null,") : frame,
        };

        using HandshakeRun.Outcome outcome = run.Run();

        outcome.FailedSide.Should().Be("responder");
        outcome.Failure.Should().BeOfType<ProtocolViolationException>();
    }

    [Fact]
    public void ReadHello_UnknownSuiteNamesBesideAKnownOne_AreIgnored()
    {
        var run = new HandshakeRun
        {
            OnTheWire = (n, frame) => n == 1 ? Rewrite(frame, "\"suites\":[", "\"suites\":[\"rot13\",") : frame,
        };

        using HandshakeRun.Outcome outcome = run.Run();

        // The responder accepts the offer, but the changed frame 1 is caught by the transcript.
        outcome.FailedSide.Should().Be("responder");
        outcome.Failure.Should().BeOfType<IntegrityException>();
    }

    private static byte[] Rewrite(byte[] wire, string from, string to)
    {
        string json = System.Text.Encoding.UTF8.GetString(wire, FrameCodec.HeaderSize, wire.Length - FrameCodec.HeaderSize);
        json.Should().Contain(from);
        return FrameCodec.Encode(System.Text.Encoding.UTF8.GetBytes(json.Replace(from, to, StringComparison.Ordinal)));
    }
}
