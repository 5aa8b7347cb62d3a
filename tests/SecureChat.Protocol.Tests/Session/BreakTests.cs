using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// Issue 16 item 5: after Break, every later call fails with the first cause, each time as a new exception
/// of the same type with the stored one inside (as npgsql does), so the stored one keeps its own stack trace.
/// </summary>
public sealed class BreakTests
{
    [Fact]
    public async Task Send_AfterPeerAborted_ThrowsANewExceptionOfTheSameTypeAroundTheStoredCause()
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                await relay.InjectAsync(Toward.Responder, FrameJson.EncodeAbort(AbortReason.Busy));
                (await Drain.EventsAsync(alice)).Failure.Should().BeOfType<PeerAbortedException>();
                SessionException stored = alice.Failure!;
                string storedTrace = stored.StackTrace ?? string.Empty;

                PeerAbortedException first = (await FluentActions.Awaiting(() => alice.SendAsync("late").AsTask()).Should().ThrowAsync<PeerAbortedException>()).Which;
                PeerAbortedException second = (await FluentActions.Awaiting(() => alice.SendAsync("later").AsTask()).Should().ThrowAsync<PeerAbortedException>()).Which;

                first.Should().NotBeSameAs(stored).And.NotBeSameAs(second);
                first.InnerException.Should().BeSameAs(stored);
                second.InnerException.Should().BeSameAs(stored);
                first.Reason.Should().Be(AbortReason.Busy);
                first.Message.Should().Be(stored.Message);
                (stored.StackTrace ?? string.Empty).Should().Be(storedTrace, "the stored cause is never thrown again");
            }
        }
    }
}
