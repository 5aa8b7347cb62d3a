// The initiator's side of the handshake as an explicit state machine (docs/protocol.md, "Handshake"):
//   Start --CreateHello--> SentHello --ReadHelloAndCreateKey--> SentKey --CreateFinish--> SentFinish --ReadFinish--> Done
// The key frame goes out before CreateFinish unwraps the responder's secret, so that the responder
// unwraps ours at the same time: the handshake's two RSA private-key operations overlap.
// Pin before proof: a responder the caller does not expect is refused on its frame 2, before frame 3 or 4
// exists, because frame 4's confirmation is keyed by the pre-shared key and would let a fake responder test
// guesses of it offline.
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
    private readonly Func<PeerIdentity, bool>? _expectResponder;
    private readonly TranscriptHash _transcript = new();
    private readonly byte[] _nonce = new byte[HandshakeFields.NonceSize];
    private State _state = State.Start;
    private EphemeralKeyPair? _ephemeral;
    private MlKem768DecapsulationKey? _kemKey;
    private Secret? _kemShared;
    private KeySchedule? _keys;
    private Secret? _shared;
    private Secret? _initiatorSecret;
    private byte[] _wrappedForUs = [];
    private byte[] _responderNonce = [];
    private IdentityPublicKey? _peerKey;
    private string _peerName = "";
    private MessageSuite _suite;

    public InitiatorHandshake(IdentityKey identity, string name, IReadOnlyList<MessageSuite> suites, Secret? preSharedKey, HandshakeEntropy entropy, Func<PeerIdentity, bool>? expectResponder = null)
    {
        _expectResponder = expectResponder;
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
        SentKey,
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
        _kemKey = _entropy.CreateKemKey();
        var hello = new InitiatorHello(
            ProtocolVersion.Current,
            _suites.Select(SuiteNames.ToWireName).ToArray(),
            _nonce.ToArray(),
            _ephemeral.PublicKey.ToArray(),
            _kemKey.EncapsulationKey.Encoded.ToArray(),
            _identity.PublicKey.SubjectPublicKeyInfo.ToArray(),
            _name);
        byte[] frame = FrameJson.Encode(hello, ProtocolJsonContext.Default.InitiatorHello);
        _transcript.Append(frame);
        _state = State.SentHello;
        return frame;
    }

    /// <summary>Reads frame 2 and answers with frame 3, the key frame: send it before <see cref="CreateFinish"/>.</summary>
    public byte[] ReadHelloAndCreateKey(Frame frame)
    {
        HandshakeFields.CheckState(_state, State.SentHello, nameof(ReadHelloAndCreateKey));
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
            HandshakeFields.CheckKemCiphertext(hello.KemCiphertext);
            HandshakeFields.CheckName(hello.Name);
            IdentityPublicKey responder = HandshakeFields.ParseIdentity(hello.Identity);
            if (_expectResponder is not null && !_expectResponder(new PeerIdentity(responder, hello.Name, _identity.PublicKey)))
            {
                throw new IdentityRefusedException(
                    $"Refused the responder \"{hello.Name}\" ({responder.Fingerprint}) before proving anything to it: it is not the peer expected here.");
            }

            _transcript.Append(frame.Wire.Span);

            _shared = HandshakeFields.Agree(_ephemeral!, hello.Ephemeral);
            _ephemeral!.Dispose();

            // Implicit rejection (FIPS 203): a changed ciphertext gives another secret, not an error, and
            // the handshake fails at the responder's confirmation of frame 5, which covers the ciphertext.
            _kemShared = _kemKey!.Decapsulate(hello.KemCiphertext);
            _kemKey.Dispose();
            _initiatorSecret = _entropy.CreateSecret();
            byte[] wrapped = HandshakeFields.Wrap(_entropy, responder, _initiatorSecret.Span);
            _wrappedForUs = hello.Wrapped;
            _responderNonce = hello.Nonce;
            _peerKey = responder;
            _peerName = hello.Name;

            byte[] key = FrameJson.Encode(new InitiatorKey(wrapped), ProtocolJsonContext.Default.InitiatorKey);
            _transcript.Append(key);
            _state = State.SentKey;
            return key;
        });
    }

    /// <summary>Unwraps the responder's secret, runs the key schedule and makes frame 4, our key confirmation.</summary>
    public byte[] CreateFinish()
    {
        HandshakeFields.CheckState(_state, State.SentKey, nameof(CreateFinish));
        return Guard(() =>
        {
            byte[] th3 = _transcript.GetCurrentHash();
            using Secret responderSecret = HandshakeFields.Unwrap(_identity, _wrappedForUs, "responder");
            _keys = KeySchedule.Create(_shared!.Span, _kemShared!.Span, responderSecret.Span, _initiatorSecret!.Span, _preSharedKey, _nonce, _responderNonce);
            byte[] finish = FrameJson.Encode(new InitiatorFinish(_keys.InitiatorConfirmation(th3)), ProtocolJsonContext.Default.InitiatorFinish);
            _transcript.Append(finish);
            WipeSecrets();
            _state = State.SentFinish;
            return finish;
        });
    }

    /// <summary>Reads frame 5; on success the handshake is done and its result handed over.</summary>
    public HandshakeResult ReadFinish(Frame frame)
    {
        HandshakeFields.CheckState(_state, State.SentFinish, nameof(ReadFinish));
        return Guard(() =>
        {
            ResponderFinish finish = HandshakeFields.Parse(frame, ResponderFinish.TypeName, "responder", ProtocolJsonContext.Default.ResponderFinish);
            byte[] th4 = _transcript.GetCurrentHash();
            byte[] expected = _keys!.ResponderConfirmation(th4);
            if (!CryptographicOperations.FixedTimeEquals(expected, finish.Confirm))
            {
                throw new IntegrityException(
                    "The responder's key confirmation did not verify: it does not hold the identity key it announced, "
                    + "the pre-shared keys differ, or a handshake frame was changed on the way (someone in between?).");
            }

            var result = new HandshakeResult(
                Role.Initiator, _suite, PeerIdentity(), _keys.CreateChain(initiatorToResponder: true, th4), _keys.CreateChain(initiatorToResponder: false, th4));
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
        _kemKey?.Dispose();
        _keys?.Dispose();
        WipeSecrets();
        CryptographicOperations.ZeroMemory(_nonce);
    }

    /// <summary>The inputs of the key schedule, once it has run (or the handshake has failed).</summary>
    private void WipeSecrets()
    {
        _shared?.Dispose();
        _kemShared?.Dispose();
        _initiatorSecret?.Dispose();
    }
}
