using System.Diagnostics;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>Keepalive, the silent-peer timeout, the stalled-frame timeout and clock skew, on short clocks.</summary>
[Collection(TimingSensitive.Name)]
public sealed class KeepaliveTests
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(6);

    private static SessionOptions Quick(SessionOptions options, TimeSpan? frameTimeout = null, TimeSpan? peerTimeout = null) => new()
    {
        FrameTimeout = frameTimeout ?? options.FrameTimeout,
        Identity = options.Identity,
        HandshakeTimeout = SessionHarness.HandshakePatience,
        Name = options.Name,
        TrustPeer = options.TrustPeer,
        // Loose enough for a loaded two-core machine, where a process was seen to stall for 2-4 s: only a
        // 6 s stall of the whole machine can pass for a silent peer.
        KeepaliveInterval = TimeSpan.FromMilliseconds(500),
        PeerTimeout = peerTimeout ?? PeerTimeout,
        PeerDecisionTimeout = peerTimeout ?? PeerTimeout,
    };

    [Fact]
    public async Task IdleSession_LongerThanThePeerTimeout_StaysAliveOnPings()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync(Quick(SessionHarness.BobOptions()), Quick(SessionHarness.AliceOptions()));
        await using (bob)
        await using (alice)
        {
            await Task.Delay(PeerTimeout * 1.5); // idle for longer than the peer timeout: only the pings keep it

            bob.Failure.Should().BeNull();
            alice.Failure.Should().BeNull();
            await bob.SendAsync("still here");
            await using IAsyncEnumerator<SessionEvent> events = alice.ReadEventsAsync().GetAsyncEnumerator();
            (await Drain.NextTextAsync(events)).Text.Should().Be("still here");
        }
    }

    [Fact]
    public async Task SilentPeer_NothingArrives_DeclaredGoneAfterThePeerTimeout()
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f => FrameRelay.IsHandshake(f) ? [f.Wire] : []);
        relay.ForwardEnd = false;
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(
                bobStream, aliceStream, Quick(SessionHarness.BobOptions()), Quick(SessionHarness.AliceOptions()));
            await using (bob)
            await using (alice)
            {
                var stopwatch = Stopwatch.StartNew();
                Drain.Result result = await Drain.EventsAsync(bob);

                result.Failure.Should().BeOfType<SessionTimeoutException>().Which.Message.Should().Contain("gone");
                stopwatch.Elapsed.Should().BeGreaterThan(PeerTimeout - TimeSpan.FromMilliseconds(100)).And.BeLessThan(TimeSpan.FromSeconds(30));
            }
        }
    }

    [Fact]
    public async Task SilentPeer_BeforeItsFirstRecord_GetsTheLongerDecisionTimeout()
    {
        // The peer's user may still be comparing the safety number: its session has not started reading.
        SessionOptions bob = SessionHarness.BobOptions();
        var patient = new SessionOptions
        {
            Identity = bob.Identity,
            HandshakeTimeout = SessionHarness.HandshakePatience,
            Name = bob.Name,
            TrustPeer = bob.TrustPeer,
            KeepaliveInterval = TimeSpan.FromMilliseconds(250),
            PeerTimeout = TimeSpan.FromSeconds(1),
            PeerDecisionTimeout = TimeSpan.FromSeconds(4),
        };
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f => FrameRelay.IsHandshake(f) ? [f.Wire] : []);
        relay.ForwardEnd = false;
        await using (relay)
        {
            (SecureSession bobSession, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, patient, Quick(SessionHarness.AliceOptions()));
            await using (bobSession)
            await using (alice)
            {
                var stopwatch = Stopwatch.StartNew();
                Drain.Result result = await Drain.EventsAsync(bobSession);

                result.Failure.Should().BeOfType<SessionTimeoutException>().Which.Message.Should().Contain("4 s");
                stopwatch.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(3.9));
            }
        }
    }

    [Fact]
    public async Task StalledFrame_BeginsAndStops_DeclaredGoneByThePeerTimeoutNotTheFrameTimeout()
    {
        // Issue 20 item 1: in a session the keepalive is the only "gone" verdict, mid-frame included.
        bool stalled = false;
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f => FrameRelay.IsHandshake(f) || !Volatile.Read(ref stalled) ? [f.Wire] : []);
        relay.ForwardEnd = false;
        await using (relay)
        {
            (SecureSession bobSession, SecureSession aliceSession) = await SessionHarness.ConnectAsync(
                bobStream,
                aliceStream,
                Quick(SessionHarness.BobOptions()),
                Quick(SessionHarness.AliceOptions(), TimeSpan.FromMilliseconds(300)));
            await using (bobSession)
            await using (aliceSession)
            {
                Volatile.Write(ref stalled, true);
                await relay.InjectAsync(Toward.Responder, [0, 0, 1]);
                var stopwatch = Stopwatch.StartNew();

                Drain.Result result = await Drain.EventsAsync(aliceSession);

                result.Failure.Should().BeOfType<SessionTimeoutException>().Which.Message.Should().Contain("in the middle of a frame");
                stopwatch.Elapsed.Should().BeGreaterThan(PeerTimeout - TimeSpan.FromMilliseconds(100), "the peer timeout, not the 0.3 s frame timeout");
            }
        }
    }

    [Fact]
    public async Task SlowFrame_TakesLongerThanFrameAndPeerTimeouts_ArrivesAndBothSidesStayAlive()
    {
        // Issue 20 item 1: a frame whose bytes keep coming is alive however long it takes (here 10 s against a
        // 0.3 s frame timeout and a 6 s peer timeout); and the sender, which hears nothing else meanwhile, hears
        // the receiver's pings, sent because the receiver has been quiet. The pieces come every 0.1 s.
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f =>
            f.Wire.Length > 20_000 ? Enumerable.Range(0, 100).Select(i => f.Wire[(f.Wire.Length * i / 100)..(f.Wire.Length * (i + 1) / 100)]) : [f.Wire]);
        relay.PieceDelay = TimeSpan.FromMilliseconds(100);
        await using (relay)
        {
            static SessionOptions Slow(SessionOptions o) => Quick(o, TimeSpan.FromMilliseconds(300));
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, Slow(SessionHarness.BobOptions()), Slow(SessionHarness.AliceOptions()));
            await using (bob)
            await using (alice)
            {
                string text = new('x', 30_000);
                var stopwatch = Stopwatch.StartNew();
                await bob.SendAsync(text);
                await using IAsyncEnumerator<SessionEvent> events = alice.ReadEventsAsync().GetAsyncEnumerator();

                (await Drain.NextTextAsync(events)).Text.Should().Be(text);
                stopwatch.Elapsed.Should().BeGreaterThan(PeerTimeout + TimeSpan.FromSeconds(2), "the frame really crossed slowly, for longer than the peer timeout");
                bob.Failure.Should().BeNull();
                alice.Failure.Should().BeNull();
            }
        }
    }

    [Fact]
    public async Task ClockSkew_PeerTenMinutesBehind_ReportedOnceBeforeTheMessage()
    {
        SessionOptions bob = SessionHarness.BobOptions();
        var skewed = new SessionOptions { Identity = bob.Identity, HandshakeTimeout = SessionHarness.HandshakePatience, Name = bob.Name, TrustPeer = bob.TrustPeer, Entropy = new SkewedClock(TimeSpan.FromMinutes(-10)) };
        (SecureSession bobSession, SecureSession aliceSession) = await SessionHarness.OverPipesAsync(skewed);
        await using (bobSession)
        await using (aliceSession)
        {
            await bobSession.SendAsync("one");
            await bobSession.SendAsync("two");
            await bobSession.CloseAsync();

            Drain.Result result = await Drain.EventsAsync(aliceSession);

            result.Events.OfType<ClockSkewDetected>().Should().ContainSingle()
                .Which.Skew.Should().BeCloseTo(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30));
            result.Events[0].Should().BeOfType<ClockSkewDetected>();
            result.Texts.Should().Equal("one", "two");
        }
    }

    [Fact]
    public async Task ClockSkew_WithinFiveMinutes_NotReported()
    {
        SessionOptions bob = SessionHarness.BobOptions();
        var skewed = new SessionOptions { Identity = bob.Identity, HandshakeTimeout = SessionHarness.HandshakePatience, Name = bob.Name, TrustPeer = bob.TrustPeer, Entropy = new SkewedClock(TimeSpan.FromMinutes(-4)) };
        (SecureSession bobSession, SecureSession aliceSession) = await SessionHarness.OverPipesAsync(skewed);
        await using (bobSession)
        await using (aliceSession)
        {
            await bobSession.SendAsync("one");
            await bobSession.CloseAsync();

            (await Drain.EventsAsync(aliceSession)).Events.OfType<ClockSkewDetected>().Should().BeEmpty();
        }
    }

    private sealed class SkewedClock(TimeSpan skew) : SecureChat.Protocol.Handshake.HandshakeEntropy
    {
        public override DateTimeOffset Now() => base.Now() + skew;
    }
}
