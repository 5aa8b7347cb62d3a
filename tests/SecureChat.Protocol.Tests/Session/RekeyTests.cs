using System.Text;
using SecureChat.Crypto.Derivation;
using SecureChat.Crypto.Protection;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// The rekey with fresh key agreement (docs/protocol.md, "Rekey"; issue 18 item 2): it heals after a
/// compromise, both sides may start it (at once too), it runs by itself after a number of records or a
/// time, and a peer that never answers ends the session.
/// </summary>
public sealed class RekeyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Rekey_ChainKeysStolenBefore_OpenWhatCameBeforeAndNothingSealedAfter()
    {
        // The property: whoever holds both chain keys from before a rekey reads nothing sealed after it.
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                await using IAsyncEnumerator<SessionEvent> bobEvents = bob.ReadEventsAsync().GetAsyncEnumerator();
                await using IAsyncEnumerator<SessionEvent> aliceEvents = alice.ReadEventsAsync().GetAsyncEnumerator();
                await bob.SendAsync("first");
                await NextAsync<MessageReceived>(aliceEvents);
                await NextAsync<MessagesDelivered>(bobEvents);

                // The theft: a memory dump of Alice's two chain keys.
                ChainKey stolenSend = alice.Chains.Send.Snapshot();
                ChainKey stolenReceive = alice.Chains.Receive.Snapshot();
                using (stolenSend)
                using (stolenReceive)
                {
                    await bob.SendAsync("before, from bob");
                    (await NextAsync<MessageReceived>(aliceEvents)).Text.Should().Be("before, from bob");
                    await alice.SendAsync("before, from alice");
                    (await NextAsync<MessageReceived>(bobEvents)).Text.Should().Be("before, from alice");

                    await bob.RekeyAsync().WaitAsync(Patience);

                    await bob.SendAsync("after, from bob");
                    (await NextAsync<MessageReceived>(aliceEvents)).Text.Should().Be("after, from bob");
                    await alice.SendAsync("after, from alice");
                    (await NextAsync<MessageReceived>(bobEvents)).Text.Should().Be("after, from alice");
                    bob.RekeyCount.Should().Be(1);
                    alice.RekeyCount.Should().Be(1);
                    alice.LastRekey.Should().NotBeNull();

                    List<RelayedFrame> frames = Drain(relay);
                    byte[][] toAlice = frames.Where(f => f.Toward == Toward.Responder).Skip(FrameRelay.HandshakeFramesTowardResponder).Select(f => f.Wire).ToArray();
                    byte[][] toBob = frames.Where(f => f.Toward == Toward.Initiator).Skip(FrameRelay.HandshakeFramesTowardInitiator).Select(f => f.Wire).ToArray();

                    // Bob's records: the stolen receive chain opens everything up to his rekey, nothing after.
                    List<string?> bobs = OpenWith(stolenReceive, bob.Suite, Direction.InitiatorToResponder, toAlice);
                    bobs.Should().Contain(p => p != null && p.Contains("before, from bob"), "the snapshot opens what was sealed before the rekey (the seam works)");
                    int rekeyAt = bobs.FindIndex(p => p != null && p.Contains("\"kind\":\"rekey\""));
                    rekeyAt.Should().BeGreaterThan(0, "the snapshot opens Bob's rekey message itself");
                    bobs.Take(rekeyAt + 1).Should().NotContainNulls();
                    bobs.Skip(rekeyAt + 1).Should().NotBeEmpty().And.OnlyContain(p => p == null, "nothing Bob sealed after the rekey opens with the stolen key");

                    // Alice's records: the stolen send chain opens up to her reply, nothing after.
                    List<string?> alices = OpenWith(stolenSend, alice.Suite, Direction.ResponderToInitiator, toBob);
                    alices.Should().Contain(p => p != null && p.Contains("before, from alice"));
                    int replyAt = alices.FindIndex(p => p != null && p.Contains("\"kind\":\"rekey-reply\""));
                    replyAt.Should().BeGreaterThanOrEqualTo(0);
                    alices.Skip(replyAt + 1).Should().NotBeEmpty().And.OnlyContain(p => p == null, "nothing Alice sealed after her reply opens with the stolen key");
                }
            }
        }
    }

    [Fact]
    public async Task Rekey_BothSidesStartAtOnce_BothFinishAndTheSessionGoesOn()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            await using IAsyncEnumerator<SessionEvent> bobEvents = bob.ReadEventsAsync().GetAsyncEnumerator();
            await using IAsyncEnumerator<SessionEvent> aliceEvents = alice.ReadEventsAsync().GetAsyncEnumerator();
            for (int round = 0; round < 20; round++)
            {
                await Task.WhenAll(bob.RekeyAsync(), alice.RekeyAsync()).WaitAsync(Patience);
                await bob.SendAsync($"bob {round}");
                await alice.SendAsync($"alice {round}");
                (await NextAsync<MessageReceived>(aliceEvents)).Text.Should().Be($"bob {round}");
                (await NextAsync<MessageReceived>(bobEvents)).Text.Should().Be($"alice {round}");
            }

            bob.RekeyCount.Should().Be(alice.RekeyCount, "every rekey that completed on one side completed on the other");
            bob.RekeyCount.Should().BeInRange(20, 40);
        }
    }

    [Fact]
    public async Task Rekey_PeerNeverAnswers_EndsWithATimeoutAtThePeerTimeout()
    {
        // Rule: "A starter that has no rekey-reply within the peer timeout fails with a timeout and sends
        // `abort` `timeout`". The relay swallows Bob's rekey (the only record from him of more than 1,000
        // bytes), so Alice never sees it; her pings keep coming, so only the rekey's own timer can fire.
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f =>
            f.Toward == Toward.Responder && f.Number > FrameRelay.HandshakeFramesTowardResponder && f.Wire.Length > 1000 ? [] : [f.Wire]);
        await using (relay)
        {
            SessionOptions patientAlice = Fast(SessionHarness.AliceOptions(), peerTimeout: TimeSpan.FromSeconds(60));
            // Bob's silence timer and his rekey timer run for the same peer timeout, the silence one from
            // Alice's last ping: 8 s (not 2) so that a loaded machine stalling her 300 ms pings for a few
            // seconds cannot make the silence verdict win the race this test is not about.
            SessionOptions bobOptions = Fast(SessionHarness.BobOptions(), peerTimeout: TimeSpan.FromSeconds(8));
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, bobOptions, patientAlice);
            await using (bob)
            await using (alice)
            {
                Func<Task> rekey = () => bob.RekeyAsync().WaitAsync(Patience);
                (await rekey.Should().ThrowAsync<SessionTimeoutException>()).Which.Message.Should().Contain("did not answer our rekey");
                Func<Task> drain = async () =>
                {
                    await foreach (SessionEvent _ in alice.ReadEventsAsync().WithCancellation(new CancellationTokenSource(Patience).Token))
                    {
                    }
                };
                (await drain.Should().ThrowAsync<PeerAbortedException>()).Which.Reason.Should().Be(AbortReason.Timeout);
            }
        }
    }

    [Fact]
    public async Task Rekey_AfterTheConfiguredNumberOfRecords_HappensByItself()
    {
        SessionOptions bobOptions = WithRekeyAfter(SessionHarness.BobOptions(), 5);
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync(bobOptions);
        await using (bob)
        await using (alice)
        {
            await using IAsyncEnumerator<SessionEvent> aliceEvents = alice.ReadEventsAsync().GetAsyncEnumerator();
            for (int i = 1; i <= 30; i++)
            {
                await bob.SendAsync($"text {i}");
                (await NextAsync<MessageReceived>(aliceEvents)).Text.Should().Be($"text {i}");
            }

            // The rekey's own record counts: 5 records, then a rekey before the next text, 30 texts in all.
            // Bob's resume is his first record, so the first rekey comes one text sooner.
            bob.RekeyCount.Should().Be(6, "before texts 5, 10, 15, 20, 25 and 30");
            alice.RekeyCount.Should().Be(6);
        }
    }

    [Fact]
    public async Task Rekey_AfterTheConfiguredTime_HappensByItself()
    {
        SessionOptions bobOptions = Fast(SessionHarness.BobOptions(), rekeyInterval: TimeSpan.FromMilliseconds(300), peerTimeout: TimeSpan.FromSeconds(60));
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync(bobOptions, Fast(SessionHarness.AliceOptions(), peerTimeout: TimeSpan.FromSeconds(60)));
        await using (bob)
        await using (alice)
        {
            await using IAsyncEnumerator<SessionEvent> aliceEvents = alice.ReadEventsAsync().GetAsyncEnumerator();
            DateTime deadline = DateTime.UtcNow + Patience;
            while (alice.RekeyCount < 2 && DateTime.UtcNow < deadline)
            {
                // Something to wait on: each text's arrival, not a guessed sleep.
                await bob.SendAsync("tick");
                await NextAsync<MessageReceived>(aliceEvents);
                await Task.Yield();
            }

            alice.RekeyCount.Should().BeGreaterThanOrEqualTo(2);
        }
    }

    private static SessionOptions Fast(SessionOptions o, TimeSpan? rekeyInterval = null, TimeSpan? peerTimeout = null) => new()
    {
        Identity = o.Identity,
        Name = o.Name,
        TrustPeer = o.TrustPeer,
        KeepaliveInterval = TimeSpan.FromMilliseconds(300),
        PeerTimeout = peerTimeout ?? TimeSpan.FromSeconds(2),
        RekeyInterval = rekeyInterval ?? TimeSpan.FromMinutes(10),
    };

    private static SessionOptions WithRekeyAfter(SessionOptions o, long records) => new()
    {
        Identity = o.Identity,
        Name = o.Name,
        TrustPeer = o.TrustPeer,
        RekeyAfterRecords = records,
    };

    /// <summary>Opens the records in order with a copy of a chain; null where the tag fails (the key no longer fits).</summary>
    private static List<string?> OpenWith(ChainKey stolen, MessageSuite suite, Direction direction, byte[][] frames)
    {
        using ChainKey chain = stolen.Snapshot();
        MessageProtection protection = MessageProtection.Create(suite, MessageProtection.DefaultPaddingBucket);
        var opened = new List<string?>();
        foreach (byte[] wire in frames)
        {
            RecordFrame record = FrameJson.Parse(new Frame(wire).Payload.Span, ProtocolJsonContext.Default.RecordFrame);
            if (record.Seq < chain.Index)
            {
                continue; // before the theft
            }

            byte[] messageKey = new byte[ChainKey.MessageKeySize];
            chain.Next(messageKey);
            byte[] header = new byte[RecordHeader.Size];
            RecordHeader.Write(header, suite, direction, record.Seq);
            byte[] plaintext = new byte[record.Sealed.Length];
            opened.Add(protection.TryOpen(messageKey, header, record.Sealed, plaintext, out int written) ? Encoding.UTF8.GetString(plaintext, 0, written) : null);
        }

        return opened;
    }

    private static List<RelayedFrame> Drain(FrameRelay relay)
    {
        List<RelayedFrame> frames = [];
        while (relay.Seen.Reader.TryRead(out RelayedFrame? frame))
        {
            frames.Add(frame);
        }

        return frames;
    }

    private static async Task<T> NextAsync<T>(IAsyncEnumerator<SessionEvent> events)
        where T : SessionEvent
    {
        while (await events.MoveNextAsync().AsTask().WaitAsync(Patience))
        {
            if (events.Current is T found)
            {
                return found;
            }
        }

        throw new InvalidOperationException($"No {typeof(T).Name} arrived.");
    }
}
