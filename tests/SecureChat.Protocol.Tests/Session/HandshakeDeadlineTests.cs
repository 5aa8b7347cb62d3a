using System.Diagnostics;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// The handshake deadline follows the link (issue 20 item 3): a slow first round trip stretches it, a
/// silent peer gets the plain timeout, and the failure says "slow link" only when bytes were arriving.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class HandshakeDeadlineTests
{
    // How long a test waits for something that should already have happened, so that a hang fails.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(10, 1, 10)]
    [InlineData(10, 3, 18)]
    [InlineData(10, 20, 60)]
    [InlineData(90, 20, 90)]
    public void LimitFor_MeasuredRoundTrip_SixRoundTripsBetweenTheTimeoutAndSixtySeconds(double timeout, double roundTrip, double expected)
    {
        HandshakeClock.LimitFor(TimeSpan.FromSeconds(timeout), TimeSpan.FromSeconds(roundTrip)).Should().Be(TimeSpan.FromSeconds(expected));
    }

    [Fact]
    public async Task Handshake_EachFrameDelayedSoItNeedsMoreThanTheTimeout_DeadlineStretchesAndBothSidesFinish()
    {
        // Every frame takes 0.6 s to cross, one after another: the initiator's handshake needs about 3 s against
        // its 2.5 s timeout. Its first round trip (about 1.2 s) stretches its deadline to about 7 s; a fixed
        // deadline would fail. The responder's part ends when frame 4 arrives (about 2.4 s), where its own first
        // round trip also ends, so a stretch cannot help it: it gets 5 s, room for a loaded machine's slow RSA
        // and first ML-KEM (the JIT compiles BouncyCastle's code on first use).
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f => [[], f.Wire]);
        relay.PieceDelay = TimeSpan.FromMilliseconds(600);
        await using (relay)
        {
            var stopwatch = Stopwatch.StartNew();
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(
                bobStream, aliceStream, WithHandshake(SessionHarness.BobOptions(), 2.5), WithHandshake(SessionHarness.AliceOptions(), 5)).WaitAsync(Patience);
            await using (bob)
            await using (alice)
            {
                stopwatch.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2.5), "the handshake really took longer than the timeout");
            }
        }
    }

    [Fact]
    public async Task Initiate_ResponderSaysNothing_NoAnswerAtThePlainTimeout()
    {
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (far)
        {
            var stopwatch = Stopwatch.StartNew();

            Func<Task> act = () => SecureSession.InitiateAsync(near, WithHandshake(SessionHarness.BobOptions(), 1), new Conversation()).WaitAsync(Patience);

            SessionTimeoutException failure = (await act.Should().ThrowAsync<SessionTimeoutException>()).Which;
            failure.Message.Should().Be("No answer from the peer within 1 s.");
            failure.SlowLink.Should().BeFalse();
            stopwatch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(900));
        }
    }

    [Fact]
    public async Task Initiate_AnswerStillArrivingAtTheDeadline_SaysSlowLinkNotNoAnswer()
    {
        // The responder's hello crosses in 40 pieces 100 ms apart (4 s) against a 1 s deadline: each piece is
        // well within the frame timeout, so only the deadline ends it, while the bytes are arriving.
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f =>
            f.Toward == Toward.Initiator ? Enumerable.Range(0, 40).Select(i => f.Wire[(f.Wire.Length * i / 40)..(f.Wire.Length * (i + 1) / 40)]) : [f.Wire]);
        relay.PieceDelay = TimeSpan.FromMilliseconds(100);
        await using (relay)
        {
            Task<SecureSession> responding = SecureSession.RespondAsync(aliceStream, SessionHarness.AliceOptions());

            Func<Task> act = () => SecureSession.InitiateAsync(bobStream, WithHandshake(SessionHarness.BobOptions(), 1), new Conversation()).WaitAsync(Patience);

            SessionTimeoutException failure = (await act.Should().ThrowAsync<SessionTimeoutException>()).Which;
            failure.SlowLink.Should().BeTrue(failure.Message);
            failure.Message.Should().Contain("slow link").And.NotContain("No answer");
            await FluentActions.Awaiting(() => responding.WaitAsync(Patience)).Should().ThrowAsync<SessionException>();
        }
    }

    [Fact]
    public async Task Respond_CallerAlreadyWaitedForItsHello_DeadlineCountsFromThenOneClock()
    {
        // Issue 13 item 1: the listener reads frame 1 itself; the handshake deadline must not start again after it.
        (DuplexStream near, DuplexStream far) = DuplexStream.CreatePair();
        await using (far)
        {
            var stopwatch = Stopwatch.StartNew();

            Func<Task> act = () => SecureSession.RespondAsync(near, WithHandshake(SessionHarness.AliceOptions(), 4), TimeSpan.FromSeconds(3.5)).WaitAsync(Patience);

            await act.Should().ThrowAsync<SessionTimeoutException>().WithMessage("No answer from the peer within 4 s.");
            stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3.5), "3.5 of the 4 s had passed before the call");
        }
    }

    private static SessionOptions WithHandshake(SessionOptions options, double seconds) => new()
    {
        Identity = options.Identity,
        Name = options.Name,
        TrustPeer = options.TrustPeer,
        HandshakeTimeout = TimeSpan.FromSeconds(seconds),
    };
}
