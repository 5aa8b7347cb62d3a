// The initiator's side of the handshake as an explicit state machine (docs/protocol.md, "Handshake"):
//   Start --CreateHello--> SentHello --ReadHelloAndCreateFinish--> SentFinish --ReadFinish--> Done
// Any failure moves to Failed and wipes every secret; an out-of-turn call throws. The result (the
// chains) is handed over once.
using System.Security.Cryptography;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Handshake;

/// <summary>Runs the initiator's half of the handshake over frames given to it; does no I/O.</summary>
internal sealed class InitiatorHandshake : IDisposable
{
    private readonly IdentityKey _identity;
    private readonly string _name;
    private readonly IReadOnlyList<MessageSuite> _suites;
    private readonly Secret? _preSharedKey;
    private readonly HandshakeEntropy _entropy;
    private readonly TranscriptHash _transcript = new();
    private readonly byte[] _nonce = new byte[HandshakeFields.NonceSize];
    private State _state = State.Start;
    private EphemeralKeyPair? _ephemeral;
    private KeySchedule? _keys;
    private IdentityPublicKey? _peerKey;
    private string _peerName = "";
    private MessageSuite _suite;

    public InitiatorHandshake(IdentityKey identity, string name, IReadOnlyList<MessageSuite> suites, Secret? preSharedKey, HandshakeEntropy entropy)
    {
        _identity = identity;
        _name = name;
        _suites = suites;
        _preSharedKey = preSharedKey;
        _entropy = entropy;
    }

    private enum State
    {
        Start,
        SentHello,
        SentFinish,
        Done,
        Failed,
    }

    /// <summary>Frame 1.</summary>
    public byte[] CreateHello()
    {
        HandshakeFields.CheckState(_state, State.Start, nameof(CreateHello));
        _entropy.FillNonce(_nonce);
        _ephemeral = _entropy.CreateEphemeral();
        var hello = new InitiatorHello(
            ProtocolVersion.Current,
            _suites.Select(SuiteNames.ToWireName).ToArray(),
            _nonce.ToArray(),
            _ephemeral.PublicKey.ToArray(),
            _identity.PublicKey.SubjectPublicKeyInfo.ToArray(),
            _name);
        byte[] frame = FrameJson.Encode(hello, ProtocolJsonContext.Default.InitiatorHello);
        _transcript.Append(frame);
        _state = State.SentHello;
        return frame;
    }

    /// <summary>Reads frame 2 and answers with frame 3.</summary>
    public byte[] ReadHelloAndCreateFinish(Frame frame)
    {
        HandshakeFields.CheckState(_state, State.SentHello, nameof(ReadHelloAndCreateFinish));
        return Guard(() =>
        {
            ResponderHello hello = HandshakeFields.Parse(frame, ResponderHello.TypeName, "responder", ProtocolJsonContext.Default.ResponderHello);
            HandshakeFields.CheckVersion(hello.Version);
            if (!SuiteNames.TryParse(hello.Suite, out _suite) || !_suites.Contains(_suite))
            {
                throw new ProtocolViolationException($"The responder chose the suite {PeerText.Quote(hello.Suite)}, which we did not offer.");
            }

            HandshakeFields.CheckNonce(hello.Nonce);
            HandshakeFields.CheckEphemeral(hello.Ephemeral);
            HandshakeFields.CheckName(hello.Name);
            IdentityPublicKey responder = HandshakeFields.ParseIdentity(hello.Identity);
            _transcript.Append(frame.Wire.Span);
            byte[] th2 = _transcript.GetCurrentHash();

            using Secret shared = HandshakeFields.Agree(_ephemeral!, hello.Ephemeral);
            using Secret responderSecret = HandshakeFields.Unwrap(_identity, hello.Wrapped, "responder");
            using Secret initiatorSecret = _entropy.CreateSecret();
            byte[] wrapped = HandshakeFields.Wrap(_entropy, responder, initiatorSecret.Span);
            _keys = KeySchedule.Create(shared.Span, responderSecret.Span, initiatorSecret.Span, _preSharedKey, _nonce, hello.Nonce);
            _peerKey = responder;
            _peerName = hello.Name;

            byte[] finish = FrameJson.Encode(new InitiatorFinish(wrapped, _keys.InitiatorConfirmation(th2)), ProtocolJsonContext.Default.InitiatorFinish);
            _transcript.Append(finish);
            _ephemeral!.Dispose();
            _state = State.SentFinish;
            return finish;
        });
    }

    /// <summary>Reads frame 4; on success the handshake is done and its result handed over.</summary>
    public HandshakeResult ReadFinish(Frame frame)
    {
        HandshakeFields.CheckState(_state, State.SentFinish, nameof(ReadFinish));
        return Guard(() =>
        {
            ResponderFinish finish = HandshakeFields.Parse(frame, ResponderFinish.TypeName, "responder", ProtocolJsonContext.Default.ResponderFinish);
            byte[] th3 = _transcript.GetCurrentHash();
            byte[] expected = _keys!.ResponderConfirmation(th3);
            if (!CryptographicOperations.FixedTimeEquals(expected, finish.Confirm))
            {
                throw new IntegrityException(
                    "The responder's key confirmation did not verify: it does not hold the identity key it announced, "
                    + "the pre-shared keys differ, or a handshake frame was changed on the way (someone in between?).");
            }

            var result = new HandshakeResult(
                Role.Initiator, _suite, PeerIdentity(), _keys.CreateChain(initiatorToResponder: true, th3), _keys.CreateChain(initiatorToResponder: false, th3));
            _state = State.Done;
            Wipe();
            return result;
        });
    }

    /// <summary>The peer, once it has proved itself: the safety number costs thousands of hashes, so only then.</summary>
    private PeerIdentity PeerIdentity() => new(_peerKey!, _peerName, _identity.PublicKey);

    public void Dispose()
    {
        Wipe();
        _transcript.Dispose();
    }

    private T Guard<T>(Func<T> step) => HandshakeFields.Guard(step, () =>
    {
        _state = State.Failed;
        Wipe();
    });

    private void Wipe()
    {
        _ephemeral?.Dispose();
        _keys?.Dispose();
        CryptographicOperations.ZeroMemory(_nonce);
    }
}
