using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Handshake;

/// <summary>
/// The full deterministic example of docs/protocol.md: with the inputs it lists (keys, nonces, ephemeral
/// scalars, secrets, OAEP ciphertexts, IVs, the clock), the real code must produce every frame and every
/// derived value it lists, byte for byte. To write a fresh example (new RSA keys and OAEP ciphertexts),
/// run this test with SECURECHAT_WRITE_EXAMPLE=/some/file and paste that file into the specification.
/// </summary>
public sealed class DeterministicExampleTests
{
    private const string WriteVariable = "SECURECHAT_WRITE_EXAMPLE";
    private const string Psk = "example pre-shared key";
    private const string FileName = "note.txt";
    private const string FileContent = "A file of a few bytes.";

    // Inputs added with the resume, file and BLAKE2b parts: an older documented example lacks them.
    private const string DefaultConversation = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
    private const string DefaultBlake2bIv = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    private const string DefaultMlKemD = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf";
    private const string DefaultMlKemZ = "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    private const string DefaultMlKemM = "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f";
    private const byte BobIvBase = 0x80;
    private const byte AliceIvBase = 0x20;

    [Fact]
    public async Task Example_InTheSpecification_ReproducesByteForByte()
    {
        string? target = Environment.GetEnvironmentVariable(WriteVariable);
        if (!string.IsNullOrEmpty(target))
        {
            // The documented inputs (keys, recorded ciphertexts) when there are some, so that a change to the
            // protocol changes only what it derives; fresh ones for a first example.
            Dictionary<string, string> inputs = ExampleBlock.FindSpecification() is { } spec
                ? ExampleBlock.Parse(await File.ReadAllTextAsync(spec)).ToDictionary(p => p.Key, p => p.Value)
                : FreshInputs();
            List<KeyValuePair<string, string>> fresh = await ComputeAsync(inputs);
            await File.WriteAllTextAsync(target, ExampleBlock.Format(fresh));
            Assert.Fail($"Wrote a fresh example to {target}; paste it into docs/protocol.md and run again without {WriteVariable}.");
        }

        string path = ExampleBlock.FindSpecification() ?? throw new FileNotFoundException("docs/protocol.md was not found above the test assembly.");
        List<KeyValuePair<string, string>> documented = ExampleBlock.Parse(await File.ReadAllTextAsync(path));

        List<KeyValuePair<string, string>> computed = await ComputeAsync(documented.ToDictionary(p => p.Key, p => p.Value));

        computed.Select(p => p.Key).Should().Equal(documented.Select(p => p.Key), "the example lists every value in protocol order");
        for (int i = 0; i < computed.Count; i++)
        {
            computed[i].Value.Should().Be(documented[i].Value, $"{computed[i].Key} is as documented");
        }
    }

    /// <summary>Inputs for a new example: patterned bytes, and fresh RSA keys (which cannot be derived from a seed).</summary>
    private static Dictionary<string, string> FreshInputs()
    {
        using RSA bob = RSA.Create(2048);
        using RSA alice = RSA.Create(2048);
        return new Dictionary<string, string>
        {
            ["initiator.identity.pkcs8"] = Hex(bob.ExportPkcs8PrivateKey()),
            ["responder.identity.pkcs8"] = Hex(alice.ExportPkcs8PrivateKey()),
            ["initiator.nonce"] = Hex(Pattern(0x00, 32)),
            ["responder.nonce"] = Hex(Pattern(0x20, 32)),
            ["initiator.ephemeral.private"] = Hex(SHA256.HashData("securechat example initiator ephemeral"u8)),
            ["responder.ephemeral.private"] = Hex(SHA256.HashData("securechat example responder ephemeral"u8)),
            ["responder.secret"] = Hex(Pattern(0x40, 32)),
            ["initiator.secret"] = Hex(Pattern(0x60, 32)),
        };
    }

    private static async Task<List<KeyValuePair<string, string>>> ComputeAsync(Dictionary<string, string> given)
    {
        var values = new List<KeyValuePair<string, string>>();
        void Add(string name, string value) => values.Add(new(name, value));
        void AddHex(string name, ReadOnlySpan<byte> bytes) => Add(name, Hex(bytes));

        var time = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        using IdentityKey bobKey = IdentityKey.ImportPkcs8(Bytes(given["initiator.identity.pkcs8"]));
        using IdentityKey aliceKey = IdentityKey.ImportPkcs8(Bytes(given["responder.identity.pkcs8"]));
        var bobEntropy = new ExampleEntropy(given, "initiator", "responder", BobIvBase, time);
        var aliceEntropy = new ExampleEntropy(given, "responder", "initiator", AliceIvBase, time);
        string conversation = given.GetValueOrDefault("conversation") ?? DefaultConversation;
        string blake2bIv = given.GetValueOrDefault("blake2b.record0.iv") ?? DefaultBlake2bIv;
        string mlKemD = given.GetValueOrDefault("initiator.mlkem.d") ?? DefaultMlKemD;
        string mlKemZ = given.GetValueOrDefault("initiator.mlkem.z") ?? DefaultMlKemZ;
        string mlKemM = given.GetValueOrDefault("responder.mlkem.m") ?? DefaultMlKemM;
        bobEntropy.MlKemSeed = Bytes(mlKemD + mlKemZ);
        aliceEntropy.MlKemRandomness = Bytes(mlKemM);
        byte[] content = Encoding.UTF8.GetBytes(FileContent);

        // The conversation, through a relay that records every frame.
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            using Secret bobPsk = Secret.Copy(Encoding.UTF8.GetBytes(Psk));
            using Secret alicePsk = Secret.Copy(Encoding.UTF8.GetBytes(Psk));
            var bobOptions = new SessionOptions { Identity = bobKey, Name = "bob", TrustPeer = SessionHarness.TrustAll, PreSharedKey = bobPsk, Entropy = bobEntropy };
            var aliceOptions = new SessionOptions
            {
                Identity = aliceKey,
                Name = "alice",
                TrustPeer = SessionHarness.TrustAll,
                PreSharedKey = alicePsk,
                Entropy = aliceEntropy,
                ResolveConversation = (_, id) => new Conversation(id.Span),
            };
            Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(aliceStream, aliceOptions));
            SecureSession bob = await SecureSession.InitiateAsync(bobStream, bobOptions, new Conversation(Bytes(conversation)));
            SecureSession alice = await responding;
            await using (bob)
            await using (alice)
            {
                // One turn at a time, so that every record takes its sequence number in a fixed order.
                await using IAsyncEnumerator<SessionEvent> bobEvents = bob.ReadEventsAsync().GetAsyncEnumerator();
                await using IAsyncEnumerator<SessionEvent> aliceEvents = alice.ReadEventsAsync().GetAsyncEnumerator();
                await bob.WaitForConversationAsync();
                await alice.WaitForConversationAsync();
                await bob.SendAsync("Hello, Alice!");
                await NextAsync<MessagesDelivered>(bobEvents);
                await alice.SendAsync("Hi, Bob.");
                await NextAsync<MessagesDelivered>(aliceEvents);
                await bob.RekeyAsync();
                ulong file = await bob.OfferFileAsync(FileName, content.Length, SHA256.HashData(content));
                FileOffered offered = await NextAsync<FileOffered>(aliceEvents);
                await alice.AcceptFileAsync(offered.File, 0, SHA256.HashData([]));
                await NextAsync<FileAccepted>(bobEvents);
                await bob.SendFileChunkAsync(file, 0, content);
                await NextAsync<FileChunkReceived>(aliceEvents);
                alice.ReportFileProgress(offered.File, content.Length); // written before the verdict, whichever writes it
                await alice.ConfirmFileAsync(offered.File);
                await NextAsync<FileVerified>(bobEvents);
                await bob.CloseAsync();
                await NextAsync<PeerClosed>(aliceEvents);
                await alice.CloseAsync();
            }
        }

        List<RelayedFrame> frames = [];
        while (relay.Seen.Reader.TryRead(out RelayedFrame? frame))
        {
            frames.Add(frame);
        }

        byte[][] toAlice = frames.Where(f => f.Toward == Toward.Responder).Select(f => f.Wire).ToArray();
        byte[][] toBob = frames.Where(f => f.Toward == Toward.Initiator).Select(f => f.Wire).ToArray();
        toAlice.Should().HaveCount(10, "hello, key, finish, and seven records from Bob");
        toBob.Should().HaveCount(10, "hello, finish, and eight records from Alice");

        // Inputs, as the example lists them.
        Add("initiator.identity.pkcs8", given["initiator.identity.pkcs8"]);
        Add("initiator.identity.fingerprint", Quote(bobKey.Fingerprint.ToString()));
        Add("responder.identity.pkcs8", given["responder.identity.pkcs8"]);
        Add("responder.identity.fingerprint", Quote(aliceKey.Fingerprint.ToString()));
        Add("psk", Quote(Psk));
        Add("clock", Quote(time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        Add("conversation", conversation);
        Add("file.name", Quote(FileName));
        Add("file.content", Quote(FileContent));
        Add("initiator.nonce", given["initiator.nonce"]);
        Add("initiator.ephemeral.private", given["initiator.ephemeral.private"]);
        using EphemeralKeyPair bobEphemeral = EphemeralKeyPair.FromPrivateKey(Bytes(given["initiator.ephemeral.private"]));
        AddHex("initiator.ephemeral.public", bobEphemeral.PublicKey);
        Add("initiator.mlkem.d", mlKemD);
        Add("initiator.mlkem.z", mlKemZ);
        using MlKem768DecapsulationKey bobKem = MlKem768DecapsulationKey.FromSeed(Bytes(mlKemD + mlKemZ), MlKemBackend.BouncyCastle);
        AddHex("initiator.mlkem.encapsulation_key", bobKem.EncapsulationKey.Encoded);
        AddHex("frame1", toAlice[0]);

        Add("responder.nonce", given["responder.nonce"]);
        Add("responder.ephemeral.private", given["responder.ephemeral.private"]);
        using EphemeralKeyPair aliceEphemeral = EphemeralKeyPair.FromPrivateKey(Bytes(given["responder.ephemeral.private"]));
        AddHex("responder.ephemeral.public", aliceEphemeral.PublicKey);
        Add("responder.mlkem.m", mlKemM);
        byte[] kemCiphertext = new byte[MlKem768.CiphertextSize];
        byte[] kemShared = new byte[MlKem768.SharedSecretSize];
        bobKem.EncapsulationKey.TryEncapsulate(Bytes(mlKemM), kemCiphertext, kemShared, MlKemBackend.BouncyCastle).Should().BeTrue();
        AddHex("responder.mlkem.ciphertext", kemCiphertext);
        Add("responder.secret", given["responder.secret"]);
        AddHex("responder.wrapped", aliceEntropy.Wrapped);
        AddHex("frame2", toBob[0]);

        using Secret dh = bobEphemeral.DeriveSharedSecret(aliceEphemeral.PublicKey);
        AddHex("dh", dh.Span);
        using Secret kemDecapsulated = bobKem.Decapsulate(kemCiphertext);
        kemDecapsulated.Span.ToArray().Should().Equal(kemShared, "decapsulation recovers the secret the responder encapsulated");
        AddHex("mlkem.shared_secret", kemShared);
        byte[] pskKey = new byte[32];
        using (Secret psk = Secret.Copy(Encoding.UTF8.GetBytes(Psk)))
        {
            KeySchedule.DerivePskKey(psk, pskKey);
        }

        AddHex("psk_key", pskKey);
        Add("initiator.secret", given["initiator.secret"]);
        AddHex("initiator.wrapped", bobEntropy.Wrapped);
        using Secret pskAgain = Secret.Copy(Encoding.UTF8.GetBytes(Psk));
        using KeySchedule keys = KeySchedule.Create(
            dh.Span, kemShared, Bytes(given["responder.secret"]), Bytes(given["initiator.secret"]), pskAgain, Bytes(given["initiator.nonce"]), Bytes(given["responder.nonce"]));
        AddHex("prk", keys.Prk);
        AddHex("frame3", toAlice[1]);
        byte[] th3 = SHA256.HashData([.. toAlice[0], .. toBob[0], .. toAlice[1]]);
        AddHex("th3", th3);
        AddHex("initiator.finished_key", Derive(keys, "initiator finished", th3));
        AddHex("initiator.confirm", keys.InitiatorConfirmation(th3));
        AddHex("frame4", toAlice[2]);
        byte[] th4 = SHA256.HashData([.. toAlice[0], .. toBob[0], .. toAlice[1], .. toAlice[2]]);
        AddHex("th4", th4);
        AddHex("responder.finished_key", Derive(keys, "responder finished", th4));
        AddHex("responder.confirm", keys.ResponderConfirmation(th4));
        AddHex("frame5", toBob[1]);
        byte[] chainToAlice = Derive(keys, "initiator chain", th4);
        byte[] chainToBob = Derive(keys, "responder chain", th4);
        AddHex("chain.initiator", chainToAlice);
        AddHex("chain.responder", chainToBob);
        Add("safety_number", Quote(SafetyNumber.Compute(bobKey.PublicKey, aliceKey.PublicKey).ToString()));

        Rekey rekey = AddRekey(values, bobEntropy, aliceEntropy, chainToAlice, chainToBob);
        AddRecords(values, "initiator", chainToAlice, Direction.InitiatorToResponder, toAlice[3..], BobIvBase, rekey, "initiator rekey");
        AddRecords(values, "responder", chainToBob, Direction.ResponderToInitiator, toBob[2..], AliceIvBase, rekey, "responder rekey");
        AddBlake2bRecord(values, chainToAlice, toAlice[3], blake2bIv);
        AddHex("abort.frame", FrameJson.EncodeAbort(AbortReason.SessionFailed));
        return values;
    }

    /// <summary>
    /// Bob's record 0 as it would be under the keyed-BLAKE2b suite: the same chain and plaintext, the suite
    /// number 2 in the header, the MAC keyed BLAKE2b-256, and the IV the example gives.
    /// </summary>
    private static void AddBlake2bRecord(List<KeyValuePair<string, string>> values, byte[] chainKey, byte[] hmacFrame, string iv)
    {
        using var chain = new ChainKey(chainKey);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];
        chain.Next(messageKey);
        byte[] plaintext = OpenRecord(hmacFrame, messageKey, MessageSuite.AesCbcHmacSha256, Direction.InitiatorToResponder, 0);
        byte[] header = new byte[RecordHeader.Size];
        RecordHeader.Write(header, MessageSuite.AesCbcBlake2b256, Direction.InitiatorToResponder, 0);
        MessageProtection blake2b = MessageProtection.Create(MessageSuite.AesCbcBlake2b256, MessageProtection.DefaultPaddingBucket);
        byte[] sealedBytes = new byte[blake2b.GetSealedLength(plaintext.Length)];
        blake2b.Seal(messageKey, Bytes(iv), header, plaintext, sealedBytes);
        PooledFrame frame = RecordFrameWriter.Write(0, sealedBytes);
        try
        {
            values.Add(new("blake2b.record0.message_key", Hex(messageKey)));
            values.Add(new("blake2b.record0.header", Hex(header)));
            values.Add(new("blake2b.record0.plaintext", Quote(Encoding.UTF8.GetString(plaintext))));
            values.Add(new("blake2b.record0.iv", iv));
            values.Add(new("blake2b.record0.frame", Hex(frame.Wire.Span)));
        }
        finally
        {
            frame.Return();
        }

        // And it opens under suite 2 only.
        blake2b.Open(messageKey, header, sealedBytes).Should().Equal(plaintext);
    }

    private static byte[] OpenRecord(byte[] frame, byte[] messageKey, MessageSuite suite, Direction direction, ulong seq)
    {
        byte[] header = new byte[RecordHeader.Size];
        RecordHeader.Write(header, suite, direction, seq);
        return MessageProtection.Create(suite, MessageProtection.DefaultPaddingBucket).Open(messageKey, header, SealedOf(frame));
    }

    /// <summary>The sealed bytes of a record frame: base64 in a JSON record frame, as they are after the 9-byte header of a binary one.</summary>
    private static byte[] SealedOf(byte[] frame)
    {
        byte[] payload = frame[FrameCodec.HeaderSize..];
        if (payload[0] == 0x00)
        {
            return payload[9..];
        }

        return Convert.FromBase64String(System.Text.Json.Nodes.JsonNode.Parse(payload)!["sealed"]!.GetValue<string>());
    }

    /// <summary>
    /// Bob's rekey after record 2 of each side: his record 3 is <c>rekey</c>, Alice's record 3 is
    /// <c>rekey-reply</c>, and both directions switch at record 4 (docs/protocol.md, "Rekey").
    /// </summary>
    private static Rekey AddRekey(List<KeyValuePair<string, string>> values, ExampleEntropy bob, ExampleEntropy alice, byte[] chainToAlice, byte[] chainToBob)
    {
        void Add(string name, string value) => values.Add(new(name, value));
        using EphemeralKeyPair bobEphemeral = EphemeralKeyPair.FromPrivateKey(Bytes(bob.RekeyEphemeral));
        using EphemeralKeyPair aliceEphemeral = EphemeralKeyPair.FromPrivateKey(Bytes(alice.RekeyEphemeral));
        using MlKem768DecapsulationKey bobKem = MlKem768DecapsulationKey.FromSeed(Bytes(bob.RekeyMlKemD + bob.RekeyMlKemZ), MlKemBackend.BouncyCastle);
        byte[] ciphertext = new byte[MlKem768.CiphertextSize];
        byte[] kem = new byte[MlKem768.SharedSecretSize];
        bobKem.EncapsulationKey.TryEncapsulate(Bytes(alice.RekeyMlKemM), ciphertext, kem, MlKemBackend.BouncyCastle).Should().BeTrue();
        using Secret dh = bobEphemeral.DeriveSharedSecret(aliceEphemeral.PublicKey);
        byte[] context = SHA256.HashData([.. bobEphemeral.PublicKey, .. bobKem.EncapsulationKey.Encoded, .. aliceEphemeral.PublicKey, .. ciphertext]);
        byte[] secret = [.. dh.Span, .. kem];

        Add("rekey.initiator.ephemeral.private", bob.RekeyEphemeral);
        Add("rekey.initiator.ephemeral.public", Hex(bobEphemeral.PublicKey));
        Add("rekey.initiator.mlkem.d", bob.RekeyMlKemD);
        Add("rekey.initiator.mlkem.z", bob.RekeyMlKemZ);
        Add("rekey.initiator.mlkem.encapsulation_key", Hex(bobKem.EncapsulationKey.Encoded));
        Add("rekey.responder.ephemeral.private", alice.RekeyEphemeral);
        Add("rekey.responder.ephemeral.public", Hex(aliceEphemeral.PublicKey));
        Add("rekey.responder.mlkem.m", alice.RekeyMlKemM);
        Add("rekey.responder.mlkem.ciphertext", Hex(ciphertext));
        Add("rekey.dh", Hex(dh.Span));
        Add("rekey.mlkem.shared_secret", Hex(kem));
        Add("rekey.context", Hex(context));
        var rekey = new Rekey(RekeyAt, secret, context);
        Add("rekey.chain.initiator", Hex(rekey.ChainAt(chainToAlice, "initiator rekey")));
        Add("rekey.chain.responder", Hex(rekey.ChainAt(chainToBob, "responder rekey")));
        return rekey;
    }

    private static void AddRecords(
        List<KeyValuePair<string, string>> values, string side, byte[] chainKey, Direction direction, byte[][] frames, byte ivBase, Rekey rekey, string rekeyLabel)
    {
        using var chain = new ChainKey(chainKey);
        MessageProtection protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256, MessageProtection.DefaultPaddingBucket);
        for (int seq = 0; seq < frames.Length; seq++)
        {
            if (seq == rekey.At)
            {
                chain.MixIn(rekey.Secret, rekeyLabel, rekey.Context);
            }

            string name = $"{side}.record{seq}";
            byte[] messageKey = new byte[ChainKey.MessageKeySize];
            chain.Next(messageKey);
            byte[] header = new byte[RecordHeader.Size];
            RecordHeader.Write(header, MessageSuite.AesCbcHmacSha256, direction, (ulong)seq);
            byte[] plaintext = protection.Open(messageKey, header, SealedOf(frames[seq]));

            values.Add(new($"{name}.message_key", Hex(messageKey)));
            values.Add(new($"{name}.header", Hex(header)));

            // An inner message is JSON, shown between quotes; a chunk's plaintext is binary, shown in hex.
            values.Add(new($"{name}.plaintext", plaintext[0] == (byte)'{' ? Quote(Encoding.UTF8.GetString(plaintext)) : Hex(plaintext)));
            values.Add(new($"{name}.iv", Hex(Pattern((byte)(ivBase + (16 * seq)), 16))));
            values.Add(new($"{name}.frame", Hex(frames[seq])));
        }
    }

    private static async Task<T> NextAsync<T>(IAsyncEnumerator<SessionEvent> events)
        where T : SessionEvent
    {
        while (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)))
        {
            if (events.Current is T found)
            {
                return found;
            }
        }

        throw new InvalidOperationException($"No {typeof(T).Name} arrived.");
    }

    private static byte[] Derive(KeySchedule keys, string label, byte[] transcriptHash)
    {
        byte[] key = new byte[32];
        keys.DeriveKey(label, transcriptHash, key);
        return key;
    }

    private const int RekeyAt = 4;

    private static byte[] Pattern(byte first, int length) => Enumerable.Range(0, length).Select(i => (byte)(first + i)).ToArray();

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    private static string Quote(string text) => $"\"{text}\"";

    /// <summary>The rekey's secret dh ‖ kem and context, and the record number where both chains switch.</summary>
    private sealed record Rekey(int At, byte[] Secret, byte[] Context)
    {
        /// <summary>The chain key of record <see cref="At"/> after the mix.</summary>
        public byte[] ChainAt(byte[] firstChainKey, string label)
        {
            using var chain = new ChainKey(firstChainKey);
            byte[] skipped = new byte[ChainKey.MessageKeySize];
            for (int i = 0; i < At; i++)
            {
                chain.Next(skipped);
            }

            chain.MixIn(Secret, label, Context);
            using ChainKey copy = chain.Snapshot();
            return copy.ExportKey();
        }
    }

    /// <summary>One side's fixed randomness: what the example lists, and the OAEP ciphertext it records.</summary>
    private sealed class ExampleEntropy(IReadOnlyDictionary<string, string> given, string side, string peer, byte ivBase, DateTimeOffset time) : HandshakeEntropy
    {
        private int _ivs;
        private int _ephemerals;
        private int _kemKeys;
        private int _encapsulations;

        public string RekeyEphemeral => given.GetValueOrDefault($"rekey.{side}.ephemeral.private") ?? Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"securechat example {side} rekey ephemeral")));

        public string RekeyMlKemD => given.GetValueOrDefault($"rekey.{side}.mlkem.d") ?? Hex(Pattern(0x10, 32));

        public string RekeyMlKemZ => given.GetValueOrDefault($"rekey.{side}.mlkem.z") ?? Hex(Pattern(0x30, 32));

        public string RekeyMlKemM => given.GetValueOrDefault($"rekey.{side}.mlkem.m") ?? Hex(Pattern(0x50, 32));

        public byte[] Wrapped { get; private set; } = [];

        public override void FillNonce(Span<byte> nonce) => Bytes(given[$"{side}.nonce"]).CopyTo(nonce);

        public override EphemeralKeyPair CreateEphemeral() =>
            EphemeralKeyPair.FromPrivateKey(Bytes(_ephemerals++ == 0 ? given[$"{side}.ephemeral.private"] : RekeyEphemeral));

        public override Secret CreateSecret() => Secret.Copy(Bytes(given[$"{side}.secret"]));

        /// <summary>The initiator's ML-KEM seed d ‖ z.</summary>
        public byte[] MlKemSeed { get; set; } = [];

        /// <summary>The responder's ML-KEM encapsulation randomness m.</summary>
        public byte[] MlKemRandomness { get; set; } = [];

        public override MlKem768DecapsulationKey CreateKemKey() =>
            MlKem768DecapsulationKey.FromSeed(_kemKeys++ == 0 ? MlKemSeed : Bytes(RekeyMlKemD + RekeyMlKemZ), MlKemBackend.BouncyCastle);

        public override Secret Encapsulate(MlKem768EncapsulationKey key, Span<byte> ciphertext)
        {
            var shared = Secret.Allocate(MlKem768.SharedSecretSize);
            byte[] m = _encapsulations++ == 0 ? MlKemRandomness : Bytes(RekeyMlKemM);
            key.TryEncapsulate(m, ciphertext, shared.Writable, MlKemBackend.BouncyCastle).Should().BeTrue();
            return shared;
        }

        public override byte[] Wrap(IdentityPublicKey recipient, ReadOnlySpan<byte> secret)
        {
            // RSA-OAEP is randomised: a documented example replays its recorded ciphertext, a fresh one makes one.
            Wrapped = given.TryGetValue($"{side}.wrapped", out string? recorded) ? Bytes(recorded) : base.Wrap(recipient, secret);
            return Wrapped;
        }

        public override MessageSealer CreateSealer(MessageProtection protection) => new(protection, FillIv);

        private void FillIv(Span<byte> iv) => Pattern((byte)(ivBase + (16 * _ivs++)), 16).CopyTo(iv);

        public override DateTimeOffset Now() => time;

        public override string ToString() => $"ExampleEntropy({side} → {peer})";
    }
}
