using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// Defects found by the review of the secure-session issue (#3), each shown by a test that failed
/// before its fix.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class SessionRegressionTests
{
    private static SessionOptions With(SessionOptions o, TimeSpan? keepalive = null, TimeSpan? peer = null, TimeSpan? frame = null) => new()
    {
        Identity = o.Identity,
        HandshakeTimeout = SessionHarness.HandshakePatience,
        Name = o.Name,
        TrustPeer = o.TrustPeer,
        KeepaliveInterval = keepalive ?? o.KeepaliveInterval,
        PeerTimeout = peer ?? o.PeerTimeout,
        PeerDecisionTimeout = peer ?? o.PeerDecisionTimeout,
        FrameTimeout = frame ?? o.FrameTimeout,
    };

    [Fact]
    public async Task Close_PeersLastTextAndGoodbyeSwallowedAndConnectionHeldOpen_ReportedAsPossibleTruncation()
    {
        bool swallow = false;
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f => swallow && f.Toward == Toward.Initiator ? [] : [f.Wire]);
        relay.ForwardEnd = false;
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(
                bobStream, aliceStream, With(SessionHarness.BobOptions(), frame: TimeSpan.FromSeconds(1)), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                swallow = true;
                await alice.SendAsync("the last thing alice said");
                Task<Drain.Result> bobEvents = Drain.EventsAsync(bob);
                await bob.CloseAsync();

                Drain.Result result = await bobEvents;
                result.Texts.Should().BeEmpty();
                result.Events.Should().NotContain(e => e is PeerClosed);
                (result.Failure ?? bob.Failure).Should().BeOfType<ConnectionLostException>().Which.Message.Should().Contain("truncated");
            }
        }
    }

    [Fact]
    public async Task PeerClosed_ApplicationLingersPastThePeerTimeout_StaysCleanlyClosed()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync(
            With(SessionHarness.BobOptions(), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)),
            With(SessionHarness.AliceOptions(), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)));
        await using (bob)
        await using (alice)
        {
            Task<Drain.Result> aliceEvents = Drain.EventsAsync(alice);
            await bob.CloseAsync();
            (await aliceEvents).Events[^1].Should().BeOfType<PeerClosed>();

            await Task.Delay(TimeSpan.FromSeconds(3));

            alice.Failure.Should().BeNull("the conversation ended with an authenticated goodbye");
            await FluentActions.Awaiting(() => alice.SendAsync("x").AsTask()).Should().ThrowAsync<ConnectionLostException>().WithMessage("*ended the conversation*");
        }
    }

    [Fact]
    public async Task SlowReader_EventQueueFull_LivePeerIsNotDeclaredGone()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync(
            With(SessionHarness.BobOptions(), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2)),
            With(SessionHarness.AliceOptions(), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2)));
        await using (bob)
        await using (alice)
        {
            for (int i = 0; i < 1100; i++)
            {
                await bob.SendAsync($"m{i}");
            }

            await Task.Delay(TimeSpan.FromSeconds(4));

            alice.Failure.Should().BeNull("bob is alive; only alice's application is slow to read");
            bob.Failure.Should().BeNull();
        }
    }

    [Fact]
    public async Task Close_WhileAReceiptIsStillDue_TheReceiptGoesOutBeforeTheGoodbye()
    {
        // Found by the apps' end-to-end tests: the receipt waited for a background flush that the goodbye
        // could overtake, and nothing may follow a goodbye. The flush is held back here to lose that race.
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            var heldBack = new TaskCompletionSource();
            alice.ControlFlushDelay = heldBack.Task;
            ulong id = await bob.SendAsync("last words");
            await using (IAsyncEnumerator<SessionEvent> aliceEvents = alice.ReadEventsAsync().GetAsyncEnumerator())
            {
                (await Drain.NextTextAsync(aliceEvents)).Text.Should().Be("last words");
                await alice.CloseAsync();
            }

            heldBack.SetResult();
            Drain.Result bobSaw = await Drain.EventsAsync(bob);
            // By index, not by value: the receipt's event carries the texts it confirmed, a list.
            int delivered = bobSaw.Events.FindIndex(e => e is MessagesDelivered d && d.ThroughId == id);
            delivered.Should().BeGreaterThanOrEqualTo(0, "the receipt for the last words reached Bob");
            bobSaw.Events.FindIndex(e => e is PeerClosed).Should().BeGreaterThan(delivered, "the receipt went out before the goodbye");
        }
    }

    [Fact]
    public async Task Keepalive_TinyInterval_StillDeclaresASilentPeerGone()
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f => FrameRelay.IsHandshake(f) ? [f.Wire] : []);
        relay.ForwardEnd = false;
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(
                bobStream, aliceStream, With(SessionHarness.BobOptions(), TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(500)), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                (await Drain.EventsAsync(bob, TimeSpan.FromSeconds(10))).Failure.Should().BeOfType<SessionTimeoutException>();
            }
        }
    }

    [Fact]
    public async Task Options_KeepaliveTooShortToTick_Refused()
    {
        SessionOptions options = With(SessionHarness.BobOptions(), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(500));

        await FluentActions.Awaiting(() => SecureSession.InitiateAsync(Stream.Null, options, new Conversation())).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    // By index: xUnit would mend a lone surrogate in a string argument (U+FFFD) before the test sees it.
    private static readonly string[] LoneSurrogates = ["a\ud800b", "\udc00", "ends high \ud83d", "pair \ud83d\ude00 then lone \ude00", "\ude00\ud83d"];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Send_LoneSurrogate_RefusedWithoutDamagingTheSession(int index)
    {
        string text = LoneSurrogates[index];
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            await FluentActions.Awaiting(() => bob.SendAsync(text).AsTask()).Should().ThrowAsync<ArgumentException>();
            await bob.SendAsync("next \ud83d\ude00");
            await bob.CloseAsync();

            Drain.Result result = await Drain.EventsAsync(alice);
            result.Failure.Should().BeNull();
            result.Texts.Should().Equal("next \ud83d\ude00");
        }
    }

    [Fact]
    public async Task Respond_HelloWithAnEscapedLoneSurrogateMemberName_FailsWithASessionException()
    {
        (DuplexStream attacker, DuplexStream server) = DuplexStream.CreatePair();
        Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(server, SessionHarness.AliceOptions()));
        string name = string.Concat(Enumerable.Repeat("\\udc00", 5));
        await attacker.WriteAsync(FrameCodec.Encode(Encoding.UTF8.GetBytes($"{{\"type\":\"hello\",\"{name}\":1}}")));

        (await Record.ExceptionAsync(() => responding)).Should().BeAssignableTo<SessionException>();
    }

    [Fact]
    public async Task Respond_FrameTypeWithATerminalEscape_NeverReachesTheMessage()
    {
        (DuplexStream attacker, DuplexStream server) = DuplexStream.CreatePair();
        Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(server, SessionHarness.AliceOptions()));
        await attacker.WriteAsync(FrameCodec.Encode("""{"type":"\u001b[2J\u001b[HSafety number verified"}"""u8));

        Exception thrown = (await Record.ExceptionAsync(() => responding))!;
        thrown.Should().BeOfType<ProtocolViolationException>();
        thrown.Message.Should().NotContain("\u001b").And.Contain("\\u001b");
    }

    [Fact]
    public void Parse_UnknownMemberNamedWithATerminalEscape_NeverReachesTheMessage()
    {
        Exception e = Record.Exception(() => FrameJson.Parse("""{"type":"finish","confirm":"","\u001b]0;pwned\u0007":1}"""u8, ProtocolJsonContext.Default.ResponderFinish))!;

        e.Should().BeOfType<ProtocolViolationException>();
        e.Message.Should().NotContain("\u001b").And.NotContain("\u0007");
    }

    [Theory]
    [InlineData("4294967296")]
    [InlineData("1.5")]
    [InlineData("1")]
    [InlineData("3")]
    public async Task Respond_AnyOtherVersionNumber_AbortsWithUnsupportedVersion(string version)
    {
        (DuplexStream attacker, DuplexStream server) = DuplexStream.CreatePair();
        Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(server, SessionHarness.AliceOptions()));
        await attacker.WriteAsync(FrameCodec.Encode(Encoding.UTF8.GetBytes($$"""{"type":"hello","version":{{version}}}""")));
        await Record.ExceptionAsync(() => responding);

        Frame? abort = await new FrameReader(attacker).ReadFrameAsync(65536, TimeSpan.FromSeconds(5), default);

        FrameJson.ParseAbort(abort!.Value.Payload.Span).Reason.Should().Be(AbortReason.UnsupportedVersion);
    }

    [Fact]
    public async Task Dispose_StreamWhoseDisposeThrows_ChainsStillWipedAndNothingForeignEscapes()
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.CreatePair();
        (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(new ThrowOnDispose(a), b, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
        await using (alice)
        {
            (await Record.ExceptionAsync(() => bob.DisposeAsync().AsTask())).Should().BeNull();
            bob.ChainsWiped.Should().BeTrue("the chain keys are wiped whatever the stream does");
        }
    }

    private sealed class ThrowOnDispose(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
            throw new IOException("flush on close failed: connection reset");
        }
    }

    /// <summary>
    /// Events reach the reader on the thread that completes them, so an application that closes the session
    /// as soon as it sees the failure closed the stream before the abort was written: the peer heard only
    /// a lost connection. The events now end after the abort.
    /// </summary>
    [Theory]
    [InlineData(Transport.Pipes)]
    [InlineData(Transport.Tcp)]
    public async Task Defect_ReaderDisposingAtOnceOnFailure_BeatTheAbort_PeerStillHearsWhy(Transport transport)
    {
        // Bob's first record is his resume; his text is the second.
        int records = 0;
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = await FrameRelay.CreateAsync(transport, f =>
            f.Toward == Toward.Responder && !FrameRelay.IsHandshake(f) && ++records == 2 ? [FlipLastSealedByte(f.Wire)] : [f.Wire]);
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            {
                Task<Exception?> aliceReader = ReadThenDisposeAtOnceAsync(alice);
                try
                {
                    await bob.SendAsync("tampered on the way");
                }
                catch (PeerAbortedException)
                {
                    // Over pipes Alice's abort can reach Bob before his write returns; the drain below asserts it.
                }

                (await aliceReader.WaitAsync(TimeSpan.FromSeconds(20))).Should().BeOfType<IntegrityException>();
                Drain.Result bobResult = await Drain.EventsAsync(bob);
                bobResult.Failure.Should().BeOfType<PeerAbortedException>("the peer must hear why, even from an application that leaves at once")
                    .Which.Reason.Should().Be(AbortReason.SessionFailed);
            }
        }

        static async Task<Exception?> ReadThenDisposeAtOnceAsync(SecureSession session)
        {
            try
            {
                await foreach (SessionEvent e in session.ReadEventsAsync())
                {
                    _ = e;
                }

                return null;
            }
            catch (SessionException e)
            {
                await session.DisposeAsync();
                return e;
            }
        }
    }

    private static byte[] FlipLastSealedByte(byte[] wire)
    {
        byte[] changed = wire.ToArray();

        // A record frame ends with base64 of the tag (and its padding), then "}: change a tag character.
        int at = changed.Length - 10;
        changed[at] = changed[at] == (byte)'A' ? (byte)'B' : (byte)'A';
        return changed;
    }
}
