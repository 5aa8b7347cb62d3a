// Shared with fuzz/SecureChat.Fuzz (linked there): no test framework here.
using System.Security.Cryptography;
using System.Text;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Fuzzing;

/// <summary>
/// A real conversation between two real sessions (a handshake with a PSK, texts both ways, receipts and
/// goodbyes), with every random choice fixed, and every frame as it was written. Because the randomness
/// is known, so is every secret the two sides derived: the fuzz targets replay the responder against it,
/// and the secret-hygiene tests look for each secret where it must never appear.
/// </summary>
internal sealed class CapturedConversation
{
    public const string InitiatorName = "bob";
    public const string ResponderName = "alice";

    /// <summary>Texts of several sizes and alphabets, so the records cover more than one padding bucket.</summary>
    public static readonly IReadOnlyList<(bool FromInitiator, string Text)> Script =
    [
        (true, "Hello, Alice! The meeting is at noon."),
        (false, "Hi, Bob. 😀 ünïcödé, \"quotes\", <tags> & a\ttab."),
        (true, "A longer note: " + string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 8))),
        (false, "okay, 4 2 4 2"),
        (true, "last one"),
    ];

    private static readonly DateTimeOffset Clock = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The conversation's id is fixed too: it travels in the first record, so a random one would keep a replay from matching.</summary>
    private static readonly byte[] ConversationId = [.. Enumerable.Range(0xc0, Conversation.IdSize).Select(b => (byte)b)];

    private CapturedConversation(byte[] initiatorPkcs8, byte[] responderPkcs8, byte[] psk, FixedEntropy initiatorEntropy, FixedEntropy responderEntropy)
    {
        InitiatorPkcs8 = initiatorPkcs8;
        ResponderPkcs8 = responderPkcs8;
        InitiatorKey = IdentityKey.ImportPkcs8(initiatorPkcs8);
        ResponderKey = IdentityKey.ImportPkcs8(responderPkcs8);
        Psk = psk;
        InitiatorEntropy = initiatorEntropy;
        ResponderEntropy = responderEntropy;
    }

    /// <summary>The initiator's identity private key, PKCS#8 DER: the most secret bytes of all.</summary>
    public byte[] InitiatorPkcs8 { get; }

    public byte[] ResponderPkcs8 { get; }

    public IdentityKey InitiatorKey { get; }

    public IdentityKey ResponderKey { get; }

    public byte[] Psk { get; }

    public FixedEntropy InitiatorEntropy { get; }

    public FixedEntropy ResponderEntropy { get; }

    /// <summary>Every frame the initiator wrote, in order: hello, key, finish, then its records (its resume first).</summary>
    public List<byte[]> ToResponder { get; } = [];

    /// <summary>Every frame the responder wrote, in order: hello, finish, then its records (its resume first).</summary>
    public List<byte[]> ToInitiator { get; } = [];

    public byte[] Frame1 => ToResponder[0];

    public byte[] Frame2 => ToInitiator[0];

    public byte[] Frame3 => ToResponder[1];

    public byte[] Frame4 => ToResponder[2];

    public byte[] Frame5 => ToInitiator[1];

    /// <summary>What the responder reads in the captured handshake: frames 1, 3 and 4, back to back.</summary>
    public byte[] ResponderInput => [.. Frame1, .. Frame3, .. Frame4];

    /// <summary>The initiator's records (from its fourth frame on), as sealed for the initiator-to-responder chain.</summary>
    public IReadOnlyList<byte[]> InitiatorRecords => ToResponder.Skip(3).ToList();

    public IReadOnlyList<byte[]> ResponderRecords => ToInitiator.Skip(2).ToList();

    public static MessageSuite Suite => MessageSuite.AesCbcHmacSha256;

    /// <summary>Every secret the handshake and the ratchet derived, by name (for the hygiene tests and the targets).</summary>
    public Dictionary<string, byte[]> Secrets { get; } = [];

    /// <summary>The plaintext inner message of each record, initiator's first, as opened with the known keys.</summary>
    public List<byte[]> InnerPlaintexts { get; } = [];

    public byte[] InitiatorChain => Secrets["chain.initiator"];

    public byte[] ResponderChain => Secrets["chain.responder"];

    /// <summary>Runs the conversation between two new RSA-2048 identities (2048 keeps every replayed unwrap cheap).</summary>
    public static Task<CapturedConversation> RecordWithNewKeysAsync()
    {
        using RSA initiator = RSA.Create(2048);
        using RSA responder = RSA.Create(2048);
        return RecordAsync(initiator.ExportPkcs8PrivateKey(), responder.ExportPkcs8PrivateKey());
    }

    /// <summary>
    /// Runs the conversation between the two identities given as PKCS#8 DER. Given the two OAEP wraps of an
    /// earlier run, it replays that run byte for byte (the fuzz harness does, in every process).
    /// </summary>
    public static async Task<CapturedConversation> RecordAsync(byte[] initiatorPkcs8, byte[] responderPkcs8, byte[]? initiatorWrap = null, byte[]? responderWrap = null)
    {
        var capture = new CapturedConversation(
            initiatorPkcs8,
            responderPkcs8,
            Encoding.UTF8.GetBytes("fuzz pre-shared key, not for real use"),
            new FixedEntropy("initiator", Clock) { Wrapped = initiatorWrap },
            new FixedEntropy("responder", Clock) { Wrapped = responderWrap });
        await capture.RunAsync().ConfigureAwait(false);
        capture.DeriveSecrets();
        return capture;
    }

    /// <summary>Options for a session or state machine that replays one side of this conversation.</summary>
    public SessionOptions Options(bool initiator, Secret psk, FixedEntropy entropy) => new()
    {
        Identity = initiator ? InitiatorKey : ResponderKey,
        Name = initiator ? InitiatorName : ResponderName,
        PreSharedKey = psk,
        TrustPeer = (_, _) => ValueTask.FromResult(true),
        Entropy = entropy,
    };

    private async Task RunAsync()
    {
        (RecordingDuplexStream bobStream, RecordingDuplexStream aliceStream) = RecordingDuplexStream.CreatePair(ToResponder, ToInitiator);
        using Secret bobPsk = Secret.Copy(Psk);
        using Secret alicePsk = Secret.Copy(Psk);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(aliceStream, Options(false, alicePsk, ResponderEntropy), deadline.Token));
        SecureSession bob = await SecureSession.InitiateAsync(bobStream, Options(true, bobPsk, InitiatorEntropy), new Conversation(ConversationId), deadline.Token).ConfigureAwait(false);
        SecureSession alice = await responding.ConfigureAwait(false);
        await using (bob.ConfigureAwait(false))
        await using (alice.ConfigureAwait(false))
        {
            // One turn at a time, each text confirmed before the next, so that the frames come in one fixed order.
            await using IAsyncEnumerator<SessionEvent> bobEvents = bob.ReadEventsAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
            await using IAsyncEnumerator<SessionEvent> aliceEvents = alice.ReadEventsAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
            foreach ((bool fromInitiator, string text) in Script)
            {
                ulong id = await (fromInitiator ? bob : alice).SendAsync(text, deadline.Token).ConfigureAwait(false);
                await NextAsync(fromInitiator ? aliceEvents : bobEvents, e => e is MessageReceived m && m.Text == text).ConfigureAwait(false);
                await NextAsync(fromInitiator ? bobEvents : aliceEvents, e => e is MessagesDelivered d && d.ThroughId == id).ConfigureAwait(false);
            }

            await bob.CloseAsync(deadline.Token).ConfigureAwait(false);
            await NextAsync(aliceEvents, e => e is PeerClosed).ConfigureAwait(false);
            await alice.CloseAsync(deadline.Token).ConfigureAwait(false);
        }
    }

    private static async Task NextAsync(IAsyncEnumerator<SessionEvent> events, Func<SessionEvent, bool> wanted)
    {
        while (await events.MoveNextAsync().ConfigureAwait(false))
        {
            if (wanted(events.Current))
            {
                return;
            }
        }

        throw new InvalidOperationException("The conversation ended before an expected event.");
    }

    private void DeriveSecrets()
    {
        using EphemeralKeyPair initiatorEphemeral = EphemeralKeyPair.FromPrivateKey(InitiatorEntropy.EphemeralPrivateKey);
        using EphemeralKeyPair responderEphemeral = EphemeralKeyPair.FromPrivateKey(ResponderEntropy.EphemeralPrivateKey);
        using Secret dh = initiatorEphemeral.DeriveSharedSecret(responderEphemeral.PublicKey);
        using MlKem768DecapsulationKey kemKey = MlKem768DecapsulationKey.FromSeed(InitiatorEntropy.KemSeed);
        byte[] kemCiphertext = new byte[MlKem768.CiphertextSize];
        using Secret kem = ResponderEntropy.Encapsulate(kemKey.EncapsulationKey, kemCiphertext);
        using Secret psk = Secret.Copy(Psk);
        byte[] pskKey = new byte[KeySchedule.SecretSize];
        KeySchedule.DerivePskKey(psk, pskKey);
        Secrets["psk"] = Psk;
        Secrets["psk_key"] = pskKey;
        Secrets["dh"] = dh.Span.ToArray();
        Secrets["kem"] = kem.Span.ToArray();
        Secrets["initiator.kem.seed"] = InitiatorEntropy.KemSeed;
        Secrets["initiator.ephemeral.private"] = InitiatorEntropy.EphemeralPrivateKey;
        Secrets["responder.ephemeral.private"] = ResponderEntropy.EphemeralPrivateKey;
        Secrets["initiator.secret"] = InitiatorEntropy.SecretBytes;
        Secrets["responder.secret"] = ResponderEntropy.SecretBytes;
        Secrets["initiator.identity.pkcs8"] = InitiatorPkcs8;
        Secrets["responder.identity.pkcs8"] = ResponderPkcs8;

        using KeySchedule keys = KeySchedule.Create(
            dh.Span, kem.Span, ResponderEntropy.SecretBytes, InitiatorEntropy.SecretBytes, psk, InitiatorEntropy.Nonce, ResponderEntropy.Nonce);
        byte[] th3 = SHA256.HashData([.. Frame1, .. Frame2, .. Frame3]);
        byte[] th4 = SHA256.HashData([.. Frame1, .. Frame2, .. Frame3, .. Frame4]);
        Secrets["prk"] = keys.Prk.ToArray();
        Secrets["initiator.finished_key"] = Derive(keys, "initiator finished", th3);
        Secrets["responder.finished_key"] = Derive(keys, "responder finished", th4);
        Secrets["chain.initiator"] = Derive(keys, "initiator chain", th4);
        Secrets["chain.responder"] = Derive(keys, "responder chain", th4);

        OpenRecords("initiator", InitiatorChain, Direction.InitiatorToResponder, InitiatorRecords);
        OpenRecords("responder", ResponderChain, Direction.ResponderToInitiator, ResponderRecords);
    }

    private void OpenRecords(string side, byte[] chainKey, Direction direction, IReadOnlyList<byte[]> frames)
    {
        using var chain = new ChainKey(chainKey);
        MessageProtection protection = MessageProtection.Create(Suite, MessageProtection.DefaultPaddingBucket);
        for (int seq = 0; seq < frames.Count; seq++)
        {
            byte[] messageKey = new byte[ChainKey.MessageKeySize];
            chain.Next(messageKey);
            Secrets[$"{side}.record{seq}.message_key"] = messageKey;
            Secrets[$"{side}.record{seq}.mac_key"] = messageKey[..32];
            Secrets[$"{side}.record{seq}.enc_key"] = messageKey[32..];
            byte[] header = new byte[RecordHeader.Size];
            RecordHeader.Write(header, Suite, direction, (ulong)seq);
            RecordFrame record = FrameJson.Parse(frames[seq].AsSpan(FrameCodec.HeaderSize), ProtocolJsonContext.Default.RecordFrame);
            InnerPlaintexts.Add(protection.Open(messageKey, header, record.Sealed));
        }
    }

    private static byte[] Derive(KeySchedule keys, string label, byte[] transcriptHash)
    {
        byte[] key = new byte[32];
        keys.DeriveKey(label, transcriptHash, key);
        return key;
    }
}
