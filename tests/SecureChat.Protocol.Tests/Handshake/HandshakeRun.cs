using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Handshake;

/// <summary>
/// Drives the two handshake state machines against each other without I/O, letting a test change any
/// frame (numbered 1 to 5) on its way.
/// </summary>
internal sealed class HandshakeRun
{
    public IdentityKey InitiatorKey { get; init; } = TestIdentities.Bob;

    public IdentityKey ResponderKey { get; init; } = TestIdentities.Alice;

    public IReadOnlyList<MessageSuite> InitiatorSuites { get; init; } = [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256];

    public IReadOnlyList<MessageSuite> ResponderSuites { get; init; } = [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256];

    public Secret? InitiatorPsk { get; init; }

    public Secret? ResponderPsk { get; init; }

    /// <summary>Changes frame n (1–5) in flight; the default passes it on unchanged.</summary>
    public Func<int, byte[], byte[]> OnTheWire { get; init; } = (_, frame) => frame;

    /// <summary>The frames as sent, before <see cref="OnTheWire"/>.</summary>
    public List<byte[]> Sent { get; } = [];

    public Outcome Run()
    {
        using var initiator = new InitiatorHandshake(InitiatorKey, "bob", InitiatorSuites, InitiatorPsk, HandshakeEntropy.System);
        using var responder = new ResponderHandshake(ResponderKey, "alice", ResponderSuites, ResponderPsk, HandshakeEntropy.System);
        HandshakeResult? initiatorResult = null;
        HandshakeResult? responderResult = null;
        try
        {
            byte[] f1 = Send(1, initiator.CreateHello());
            byte[] f2 = Send(2, Step("responder", () => responder.ReadHelloAndCreateHello(AsFrame(f1))));
            byte[] f3 = Send(3, Step("initiator", () => initiator.ReadHelloAndCreateKey(AsFrame(f2))));
            byte[] f4 = Send(4, Step("initiator", initiator.CreateFinish));
            Step("responder", () =>
            {
                responder.ReadKey(AsFrame(f3));
                return true;
            });
            (byte[] reply, responderResult) = Step("responder", () => responder.ReadFinishAndCreateFinish(AsFrame(f4)));
            byte[] f5 = Send(5, reply);
            initiatorResult = Step("initiator", () => initiator.ReadFinish(AsFrame(f5)));
            return new Outcome(initiatorResult, responderResult, null, null);
        }
        catch (StepFailedException e)
        {
            return new Outcome(initiatorResult, responderResult, e.Side, e.InnerException);
        }
    }

    private static Frame AsFrame(byte[] wire) => Received.SingleFrame(wire, FrameCodec.DefaultMaxHandshakePayload);

    private static T Step<T>(string side, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e)
        {
            throw new StepFailedException(side, e);
        }
    }

    private byte[] Send(int number, byte[] frame)
    {
        Sent.Add(frame);
        return OnTheWire(number, frame.ToArray());
    }

    public sealed record Outcome(HandshakeResult? Initiator, HandshakeResult? Responder, string? FailedSide, Exception? Failure) : IDisposable
    {
        public bool Completed => Initiator is not null && Responder is not null;

        public void Dispose()
        {
            Initiator?.Dispose();
            Responder?.Dispose();
        }
    }

    private sealed class StepFailedException(string side, Exception inner) : Exception(side, inner)
    {
        public string Side { get; } = side;
    }
}
