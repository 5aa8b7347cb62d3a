using System.Text;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>The handshake over real streams: what each side reports when the other, or someone between, misbehaves.</summary>
public sealed class SessionHandshakeTests
{
    [Fact]
    public async Task Respond_GarbageBeforeHello_ProtocolViolationAndTheStreamIsClosed()
    {
        (DuplexStream client, DuplexStream server) = DuplexStream.CreatePair();
        Task<SecureSession> responding = SecureSession.RespondAsync(server, SessionHarness.AliceOptions());

        await client.WriteAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray());

        await FluentActions.Awaiting(() => responding).Should().ThrowAsync<ProtocolViolationException>();
        (await ReadToEndAsync(client)).Should().NotContain("hello", "a stranger gets at most a generic abort");
    }

    [Fact]
    public async Task Respond_ClientConnectsAndSaysNothing_TimesOut()
    {
        (DuplexStream client, DuplexStream server) = DuplexStream.CreatePair();
        SessionOptions alice = WithTimeouts(SessionHarness.AliceOptions(), handshake: TimeSpan.FromMilliseconds(300));

        await using (client)
        {
            await FluentActions.Awaiting(() => SecureSession.RespondAsync(server, alice))
                .Should().ThrowAsync<SessionTimeoutException>().WithMessage("No answer from the peer within*");
        }
    }

    [Fact]
    public async Task Respond_HelloStallsMidFrame_TimesOut()
    {
        (DuplexStream client, DuplexStream server) = DuplexStream.CreatePair();
        SessionOptions alice = WithTimeouts(SessionHarness.AliceOptions(), frame: TimeSpan.FromMilliseconds(300));
        await using (client)
        {
            Task<SecureSession> responding = SecureSession.RespondAsync(server, alice);
            await client.WriteAsync(new byte[] { 0, 0, 1, 0, (byte)'{' });

            await FluentActions.Awaiting(() => responding).Should().ThrowAsync<SessionTimeoutException>();
        }
    }

    [Fact]
    public async Task Handshake_WrongPreSharedKey_ResponderReportsIntegrityAndInitiatorHearsItFailed()
    {
        using Secret bobPsk = Secret.Copy("one secret"u8);
        using Secret alicePsk = Secret.Copy("another secret"u8);

        (Exception? bob, Exception? alice) = await FailingHandshakeAsync(
            WithPsk(SessionHarness.BobOptions(), bobPsk), WithPsk(SessionHarness.AliceOptions(), alicePsk));

        alice.Should().BeOfType<IntegrityException>().Which.Message.Should().Contain("pre-shared key");
        bob.Should().BeOfType<PeerAbortedException>().Which.Reason.Should().Be(AbortReason.HandshakeFailed);
    }

    [Fact]
    public async Task Handshake_VersionChangedInTransit_Refused()
    {
        (Exception? bob, Exception? alice) = await FailingHandshakeAsync(
            SessionHarness.BobOptions(), SessionHarness.AliceOptions(), Rewrite(Toward.Responder, 1, "\"version\":2", "\"version\":0"));

        alice.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("another protocol version");
        bob.Should().BeOfType<PeerAbortedException>().Which.Reason.Should().Be(AbortReason.UnsupportedVersion);
    }

    [Fact]
    public async Task Handshake_SuiteOfferStrippedInTransit_DowngradeDetected()
    {
        (Exception? bob, Exception? alice) = await FailingHandshakeAsync(
            SessionHarness.BobOptions(),
            SessionHarness.AliceOptions(),
            Rewrite(Toward.Responder, 1, "\"suites\":[\"aes256cbc-hmacsha256\",\"aes256cbc-blake2b256\"]", "\"suites\":[\"aes256cbc-blake2b256\"]"));

        alice.Should().BeOfType<IntegrityException>();
        bob.Should().BeOfType<PeerAbortedException>();
    }

    [Fact]
    public async Task Handshake_ChosenSuiteChangedInTransit_DowngradeDetected()
    {
        (Exception? bob, Exception? alice) = await FailingHandshakeAsync(
            SessionHarness.BobOptions(),
            SessionHarness.AliceOptions(),
            Rewrite(Toward.Initiator, 1, "\"suite\":\"aes256cbc-hmacsha256\"", "\"suite\":\"aes256cbc-blake2b256\""));

        alice.Should().BeOfType<IntegrityException>();
        bob.Should().BeOfType<PeerAbortedException>();
    }

    [Fact]
    public async Task Handshake_ManInTheMiddleSwapsEphemeralKeys_BothSidesFail()
    {
        using var mallory = Crypto.Agreement.EphemeralKeyPair.Generate();
        string malloryKey = Convert.ToBase64String(mallory.PublicKey);

        (Exception? bob, Exception? alice) = await FailingHandshakeAsync(
            SessionHarness.BobOptions(),
            SessionHarness.AliceOptions(),
            f => f.Number == 1 ? [ReplaceField(f.Wire, "ephemeral", malloryKey)] : [f.Wire]);

        alice.Should().BeOfType<IntegrityException>();
        bob.Should().BeAssignableTo<SessionException>();
    }

    [Fact]
    public async Task Handshake_ManInTheMiddleWithHisOwnIdentity_RefusedByBothPinnedSides()
    {
        // Mallory answers Bob and calls Alice herself, relaying nothing but her own identity.
        (DuplexStream bobEnd, DuplexStream malloryFacingBob) = DuplexStream.CreatePair();
        (DuplexStream malloryFacingAlice, DuplexStream aliceEnd) = DuplexStream.CreatePair();
        SessionOptions mallory = SessionHarness.Options(TestIdentities.Mallory, "alice");

        Task<SecureSession> bob = SecureSession.InitiateAsync(bobEnd, Pinned(SessionHarness.BobOptions(), TestIdentities.Alice.PublicKey), new Conversation());
        Task<SecureSession> alice = SecureSession.RespondAsync(aliceEnd, Pinned(SessionHarness.AliceOptions(), TestIdentities.Bob.PublicKey));
        Task<SecureSession> malloryToBob = SecureSession.RespondAsync(malloryFacingBob, mallory);
        Task<SecureSession> malloryToAlice = SecureSession.InitiateAsync(malloryFacingAlice, SessionHarness.Options(TestIdentities.Mallory, "bob"), new Conversation());

        await FluentActions.Awaiting(() => bob).Should().ThrowAsync<IdentityRefusedException>();
        await FluentActions.Awaiting(() => alice).Should().ThrowAsync<IdentityRefusedException>();
        await FailureOf(malloryToBob);
        await FailureOf(malloryToAlice);
    }

    [Fact]
    public async Task Handshake_RecordedInitiatorFramesReplayedToANewResponder_Refused()
    {
        // Record an honest handshake.
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create();
        byte[][] recorded;
        await using (relay)
        {
            (SecureSession b, SecureSession a) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await b.DisposeAsync();
            await a.DisposeAsync();
            List<RelayedFrame> toAlice = [];
            while (toAlice.Count < FrameRelay.HandshakeFramesTowardResponder && relay.Seen.Reader.TryRead(out RelayedFrame? f))
            {
                if (f.Toward == Toward.Responder)
                {
                    toAlice.Add(f);
                }
            }

            recorded = toAlice.Select(f => f.Wire).ToArray();
        }

        // Replay Bob's hello, key and finish to a fresh Alice.
        (DuplexStream attacker, DuplexStream server) = DuplexStream.CreatePair();
        Task<SecureSession> responding = SecureSession.RespondAsync(server, SessionHarness.AliceOptions());
        await attacker.WriteAsync(recorded[0]);
        await new FrameReader(attacker).ReadFrameAsync(FrameCodec.DefaultMaxHandshakePayload, TimeSpan.FromSeconds(10), default);
        await attacker.WriteAsync(recorded[1]);
        await attacker.WriteAsync(recorded[2]);

        (await FluentActions.Awaiting(() => responding).Should().ThrowAsync<IntegrityException>()).Which.Message.Should().Contain("confirmation");
    }

    [Fact]
    public async Task Handshake_ResponderRefusesTheInitiator_NothingFlowsAndTheInitiatorHearsRefused()
    {
        SessionOptions alice = SessionHarness.AliceOptions();
        var refusing = new SessionOptions { Identity = alice.Identity, Name = alice.Name, TrustPeer = (_, _) => ValueTask.FromResult(false) };
        (DuplexStream bobEnd, DuplexStream aliceEnd) = DuplexStream.CreatePair();

        Task<SecureSession> responding = SecureSession.RespondAsync(aliceEnd, refusing);
        await using SecureSession bob = await SecureSession.InitiateAsync(bobEnd, SessionHarness.BobOptions(), new Conversation());

        await FluentActions.Awaiting(() => responding).Should().ThrowAsync<IdentityRefusedException>().WithMessage("*bob*");
        (await Drain.EventsAsync(bob)).Failure.Should().BeOfType<PeerAbortedException>().Which.Reason.Should().Be(AbortReason.Refused);
    }

    [Fact]
    public async Task Handshake_InitiatorRefusesTheResponder_TheResponderHearsRefused()
    {
        SessionOptions bob = SessionHarness.BobOptions();
        PeerIdentitySeen seen = new();
        var refusing = new SessionOptions
        {
            Identity = bob.Identity,
            Name = bob.Name,
            TrustPeer = (peer, _) =>
            {
                seen.Peer = peer;
                return ValueTask.FromResult(false);
            },
        };
        (DuplexStream bobEnd, DuplexStream aliceEnd) = DuplexStream.CreatePair();

        Task<SecureSession> responding = SecureSession.RespondAsync(aliceEnd, SessionHarness.AliceOptions());
        await FluentActions.Awaiting(() => SecureSession.InitiateAsync(bobEnd, refusing, new Conversation())).Should().ThrowAsync<IdentityRefusedException>();
        await using SecureSession alice = await responding;

        seen.Peer!.Fingerprint.Should().Be(TestIdentities.Alice.Fingerprint);
        seen.Peer.Name.Should().Be("alice");
        seen.Peer.SafetyNumber.Should().Be(Crypto.Identity.SafetyNumber.Compute(TestIdentities.Alice.PublicKey, TestIdentities.Bob.PublicKey));
        (await Drain.EventsAsync(alice)).Failure.Should().BeOfType<PeerAbortedException>().Which.Reason.Should().Be(AbortReason.Refused);
    }

    private sealed class PeerIdentitySeen
    {
        public Protocol.Handshake.PeerIdentity? Peer { get; set; }
    }

    private static SessionOptions Pinned(SessionOptions options, IdentityPublicKey expected) => new()
    {
        Identity = options.Identity,
        Name = options.Name,
        TrustPeer = (peer, _) => ValueTask.FromResult(peer.PublicKey.Equals(expected)),
    };

    private static SessionOptions WithPsk(SessionOptions options, Secret psk) => new()
    {
        Identity = options.Identity,
        Name = options.Name,
        TrustPeer = options.TrustPeer,
        PreSharedKey = psk,
        HandshakeTimeout = options.HandshakeTimeout,
    };

    private static SessionOptions WithTimeouts(SessionOptions options, TimeSpan? handshake = null, TimeSpan? frame = null) => new()
    {
        Identity = options.Identity,
        Name = options.Name,
        TrustPeer = options.TrustPeer,
        HandshakeTimeout = handshake ?? options.HandshakeTimeout,
        FrameTimeout = frame ?? options.FrameTimeout,
    };

    private static Func<RelayedFrame, IEnumerable<byte[]>> Rewrite(Toward toward, int number, string from, string to) => f =>
    {
        if (f.Toward != toward || f.Number != number)
        {
            return [f.Wire];
        }

        string json = Encoding.UTF8.GetString(f.Wire, FrameCodec.HeaderSize, f.Wire.Length - FrameCodec.HeaderSize);
        json.Should().Contain(from, "the test rewrites a field that is there");
        return [FrameCodec.Encode(Encoding.UTF8.GetBytes(json.Replace(from, to, StringComparison.Ordinal)))];
    };

    private static byte[] ReplaceField(byte[] wire, string field, string base64)
    {
        string json = Encoding.UTF8.GetString(wire, FrameCodec.HeaderSize, wire.Length - FrameCodec.HeaderSize);
        string original = System.Text.Json.Nodes.JsonNode.Parse(json)![field]!.GetValue<string>();
        return FrameCodec.Encode(Encoding.UTF8.GetBytes(json.Replace(original, base64, StringComparison.Ordinal)));
    }

    /// <summary>Runs a handshake through a relay that may tamper; returns what each side threw.</summary>
    private static async Task<(Exception? Bob, Exception? Alice)> FailingHandshakeAsync(
        SessionOptions bob, SessionOptions alice, Func<RelayedFrame, IEnumerable<byte[]>>? tamper = null)
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(tamper);
        await using (relay)
        {
            Task<SecureSession> responding = SecureSession.RespondAsync(aliceStream, alice);
            Task<SecureSession> initiating = SecureSession.InitiateAsync(bobStream, bob, new Conversation());
            Exception? bobFailure = await FailureOf(initiating);
            Exception? aliceFailure = await FailureOf(responding);
            return (bobFailure, aliceFailure);
        }
    }

    private static async Task<Exception?> FailureOf(Task<SecureSession> handshake)
    {
        try
        {
            await using SecureSession session = await handshake.WaitAsync(TimeSpan.FromSeconds(30));
            return null;
        }
        catch (SessionException e)
        {
            return e;
        }
    }

    private static async Task<string> ReadToEndAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
