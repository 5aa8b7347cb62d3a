// The responder's side of the handshake as an explicit state machine (docs/protocol.md, "Handshake"):
//   Start --ReadHelloAndCreateHello--> SentHello --ReadKey--> GotKey --ReadFinishAndCreateFinish--> Done
// Any failure moves to Failed, wipes every secret and leaves in AbortReason the generic reason to tell
// the peer; an out-of-turn call throws.
using System.Security.Cryptography;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Handshake;

/// <summary>Runs the responder's half of the handshake over frames given to it; does no I/O.</summary>
internal sealed class ResponderHandshake : IDisposable
{
    /// <summary>More offered suites than this is not an offer but an attempt to make us work.</summary>
    public const int MaxOfferedSuites = 16;

    private readonly IdentityKey _identity;
    private readonly string _name;
    private readonly IReadOnlyList<MessageSuite> _suites;
    private readonly Secret? _preSharedKey;
    private readonly HandshakeEntropy _entropy;
    private readonly TranscriptHash _transcript = new();
    private State _state = State.Start;
    private byte[] _initiatorNonce = [];
    private readonly byte[] _nonce = new byte[HandshakeFields.NonceSize];
    private Secret? _shared;
    private Secret? _kemShared;
    private Secret? _responderSecret;
    private Secret? _initiatorSecret;
    private IdentityPublicKey? _peerKey;
    private string _peerName = "";
    private MessageSuite _suite;

    public ResponderHandshake(IdentityKey identity, string name, IReadOnlyList<MessageSuite> suites, Secret? preSharedKey, HandshakeEntropy entropy)
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
        GotKey,
        Done,
        Failed,
    }

    /// <summary>The generic reason to give the peer when a step has failed.</summary>
    public AbortReason AbortReason { get; private set; } = AbortReason.HandshakeFailed;

    /// <summary>Reads frame 1 and answers with frame 2.</summary>
    public byte[] ReadHelloAndCreateHello(Frame frame)
    {
        HandshakeFields.CheckState(_state, State.Start, nameof(ReadHelloAndCreateHello));
        return Guard(() =>
        {
            if (FrameJson.HasNumberOtherThan(frame.Payload.Span, "version", ProtocolVersion.Current))
            {
                AbortReason = AbortReason.UnsupportedVersion;
                throw new ProtocolViolationException($"The peer speaks another protocol version; this program speaks version {ProtocolVersion.Current}.");
            }

            InitiatorHello hello = HandshakeFields.Parse(frame, InitiatorHello.TypeName, "initiator", ProtocolJsonContext.Default.InitiatorHello);
            HandshakeFields.CheckVersion(hello.Version);

            _suite = ChooseSuite(hello.Suites);
            HandshakeFields.CheckNonce(hello.Nonce);
            HandshakeFields.CheckEphemeral(hello.Ephemeral);
            HandshakeFields.CheckKemKey(hello.KemKey);
            HandshakeFields.CheckName(hello.Name);
            IdentityPublicKey initiator = HandshakeFields.ParseIdentity(hello.Identity);
            MlKem768EncapsulationKey kemKey = HandshakeFields.ImportKemKey(hello.KemKey);
            _transcript.Append(frame.Wire.Span);
            _initiatorNonce = hello.Nonce;

            _entropy.FillNonce(_nonce);
            using EphemeralKeyPair ephemeral = _entropy.CreateEphemeral();
            _shared = HandshakeFields.Agree(ephemeral, hello.Ephemeral);
            byte[] kemCiphertext = new byte[MlKem768.CiphertextSize];
            _kemShared = _entropy.Encapsulate(kemKey, kemCiphertext);
            _responderSecret = _entropy.CreateSecret();
            byte[] wrapped = HandshakeFields.Wrap(_entropy, initiator, _responderSecret.Span);
            _peerKey = initiator;
            _peerName = hello.Name;

            var reply = new ResponderHello(
                ProtocolVersion.Current,
                SuiteNames.ToWireName(_suite),
                _nonce.ToArray(),
                ephemeral.PublicKey.ToArray(),
                kemCiphertext,
                _identity.PublicKey.SubjectPublicKeyInfo.ToArray(),
                _name,
                wrapped);
            byte[] replyFrame = FrameJson.Encode(reply, ProtocolJsonContext.Default.ResponderHello);
            _transcript.Append(replyFrame);
            _state = State.SentHello;
            return replyFrame;
        });
    }

    /// <summary>Reads frame 3 and unwraps the initiator's secret (while the initiator unwraps ours).</summary>
    public void ReadKey(Frame frame)
    {
        HandshakeFields.CheckState(_state, State.SentHello, nameof(ReadKey));
        Guard(() =>
        {
            InitiatorKey key = HandshakeFields.Parse(frame, InitiatorKey.TypeName, "initiator", ProtocolJsonContext.Default.InitiatorKey);
            _initiatorSecret = HandshakeFields.Unwrap(_identity, key.Wrapped, "initiator");
            _transcript.Append(frame.Wire.Span);
            _state = State.GotKey;
            return true;
        });
    }

    /// <summary>Reads frame 4, checks the initiator's confirmation and answers with frame 5 and the result.</summary>
    public (byte[] Finish, HandshakeResult Result) ReadFinishAndCreateFinish(Frame frame)
    {
        HandshakeFields.CheckState(_state, State.GotKey, nameof(ReadFinishAndCreateFinish));
        return Guard(() =>
        {
            InitiatorFinish finish = HandshakeFields.Parse(frame, InitiatorFinish.TypeName, "initiator", ProtocolJsonContext.Default.InitiatorFinish);
            byte[] th3 = _transcript.GetCurrentHash();
            using KeySchedule keys = KeySchedule.Create(
                _shared!.Span, _kemShared!.Span, _responderSecret!.Span, _initiatorSecret!.Span, _preSharedKey, _initiatorNonce, _nonce);
            if (!CryptographicOperations.FixedTimeEquals(keys.InitiatorConfirmation(th3), finish.Confirm))
            {
                throw new IntegrityException(
                    "The initiator's key confirmation did not verify: the pre-shared keys differ, it does not hold the identity key "
                    + "it announced, or a handshake frame was changed on the way (someone in between?).");
            }

            // Frame 4 is the last frame the responder hashes and the only one the initiator never sees
            // confirmed back: a re-spelled frame 4 (same members, other order or escapes) would complete
            // the handshake here only. So it must be byte for byte the canonical encoding (issue 13, item 11).
            byte[] canonical = FrameJson.Encode(new InitiatorFinish(finish.Confirm), ProtocolJsonContext.Default.InitiatorFinish);
            if (!frame.Wire.Span.SequenceEqual(canonical))
            {
                throw new ProtocolViolationException("The initiator's finish frame is not in canonical form ({\"type\":\"finish\",\"confirm\":…}, compact).");
            }

            _transcript.Append(frame.Wire.Span);
            byte[] th4 = _transcript.GetCurrentHash();
            byte[] reply = FrameJson.Encode(new ResponderFinish(keys.ResponderConfirmation(th4)), ProtocolJsonContext.Default.ResponderFinish);
            var result = new HandshakeResult(
                Role.Responder, _suite, PeerIdentity(), keys.CreateChain(initiatorToResponder: false, th4), keys.CreateChain(initiatorToResponder: true, th4));
            _state = State.Done;
            Wipe();
            return (reply, result);
        });
    }

    /// <summary>The peer, once it has proved itself: the safety number costs thousands of hashes, so only then.</summary>
    private PeerIdentity PeerIdentity() => new(_peerKey!, _peerName, _identity.PublicKey);

    public void Dispose()
    {
        Wipe();
        _transcript.Dispose();
    }

    private MessageSuite ChooseSuite(IReadOnlyList<string> offered)
    {
        if (offered.Count is 0 or > MaxOfferedSuites || offered.Any(s => s is null))
        {
            throw new ProtocolViolationException($"The initiator offered {offered.Count} suites; an offer has 1 to {MaxOfferedSuites} names, none null.");
        }

        foreach (MessageSuite suite in _suites)
        {
            if (offered.Contains(SuiteNames.ToWireName(suite)))
            {
                return suite;
            }
        }

        AbortReason = AbortReason.NoCommonSuite;
        throw new ProtocolViolationException(
            $"The initiator offered only {string.Join(", ", offered.Take(4).Select(PeerText.Quote))}; we accept {string.Join(", ", _suites.Select(SuiteNames.ToWireName))}.");
    }

    private T Guard<T>(Func<T> step) => HandshakeFields.Guard(step, () =>
    {
        _state = State.Failed;
        Wipe();
    });

    private void Wipe()
    {
        _shared?.Dispose();
        _kemShared?.Dispose();
        _responderSecret?.Dispose();
        _initiatorSecret?.Dispose();
        CryptographicOperations.ZeroMemory(_nonce);
    }
}
