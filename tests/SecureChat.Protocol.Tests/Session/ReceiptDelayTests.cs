using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>A receipt waits the receipt delay, so that one receipt covers a burst of messages.</summary>
public sealed class ReceiptDelayTests
{
    [Fact]
    public async Task Burst_WithinTheDelay_IsConfirmedByOneReceiptForTheLastMessage()
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            SessionOptions alice = SessionHarness.AliceOptions();
            (SecureSession bob, SecureSession responder) = await SessionHarness.ConnectAsync(
                bobStream, aliceStream, SessionHarness.BobOptions(), new SessionOptions
                {
                    Identity = alice.Identity,
                    HandshakeTimeout = SessionHarness.HandshakePatience,
                    Name = alice.Name,
                    TrustPeer = alice.TrustPeer,
                    ReceiptDelay = TimeSpan.FromSeconds(1),
                });
            await using (bob)
            await using (responder)
            {
                Task<int> read = Drain.TextsAsync(responder, 100);
                ulong last = 0;
                for (int i = 0; i < 100; i++)
                {
                    last = await bob.SendAsync($"message {i}");
                }

                (await read.WaitAsync(TimeSpan.FromSeconds(20))).Should().Be(100);
                ulong delivered = await Drain.DeliveredAsync(bob, last).WaitAsync(TimeSpan.FromSeconds(20));

                delivered.Should().Be(last);
                int receipts = CountRecordsTowardInitiator(relay);
                receipts.Should().Be(1, "every message arrived within the one-second receipt delay, so one receipt covers them all");
            }
        }
    }

    [Fact]
    public async Task ZeroDelay_ConfirmsEachMessageWithoutWaiting()
    {
        SessionOptions alice = SessionHarness.AliceOptions();
        (SecureSession bob, SecureSession responder) = await SessionHarness.OverPipesAsync(responder: new SessionOptions
        {
            Identity = alice.Identity,
            HandshakeTimeout = SessionHarness.HandshakePatience,
            Name = alice.Name,
            TrustPeer = alice.TrustPeer,
            ReceiptDelay = TimeSpan.Zero,
        });
        await using (bob)
        await using (responder)
        {
            Task<int> read = Drain.TextsAsync(responder, 1);
            ulong id = await bob.SendAsync("one");
            (await read.WaitAsync(TimeSpan.FromSeconds(20))).Should().Be(1);
            (await Drain.DeliveredAsync(bob, id).WaitAsync(TimeSpan.FromSeconds(20))).Should().Be(id);
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task ReceiptDelay_OutOfRange_IsRefused(int milliseconds)
    {
        SessionOptions alice = SessionHarness.AliceOptions();
        (DuplexStream a, DuplexStream _) = DuplexStream.CreatePair();
        Func<Task> act = () => SecureSession.InitiateAsync(a, new SessionOptions
        {
            Identity = alice.Identity,
            HandshakeTimeout = SessionHarness.HandshakePatience,
            Name = alice.Name,
            TrustPeer = alice.TrustPeer,
            ReceiptDelay = TimeSpan.FromMilliseconds(milliseconds),
        }, new Conversation());
        await act.Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("ReceiptDelay");
    }

    private static int CountRecordsTowardInitiator(FrameRelay relay)
    {
        int count = 0;
        while (relay.Seen.Reader.TryRead(out RelayedFrame? frame))
        {
            if (frame.Toward == Toward.Initiator && frame.Number > FrameRelay.ResumeTowardInitiator) // after Alice's resume
            {
                count++;
            }
        }

        return count;
    }
}
