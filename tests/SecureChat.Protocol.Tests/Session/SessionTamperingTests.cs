using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// A man in the middle of an established session: every change to the stream of records ends the session
/// with an integrity error on the side that received it, and the changed content is never delivered.
/// Frames toward the responder are numbered 1 (hello), 2 (key), 3 (finish), 4 (Bob's resume), then 5, 6, 7…
/// for Bob's texts.
/// </summary>
public sealed class SessionTamperingTests
{
    private const int FirstRecord = FrameRelay.FirstTextRecordTowardResponder;

    [Theory]
    [InlineData(Transport.Pipes)]
    [InlineData(Transport.Tcp)]
    public async Task Receive_BitFlippedInARecord_EndsWithIntegrityErrorAndNeverShowsIt(Transport transport)
    {
        (Drain.Result alice, Drain.Result bob) = await SendThreeThroughAsync(transport, f =>
            f.Toward == Toward.Responder && f.Number == FirstRecord + 1 ? [FlipSealedBit(f.Wire)] : [f.Wire]);

        alice.Texts.Should().Equal("one");
        alice.Failure.Should().BeOfType<IntegrityException>().Which.Message.Should().Contain("integrity check");
        bob.Failure.Should().BeOfType<PeerAbortedException>().Which.Reason.Should().Be(AbortReason.SessionFailed);
    }

    [Theory]
    [InlineData(Transport.Pipes)]
    [InlineData(Transport.Tcp)]
    public async Task Receive_RecordReplayed_EndsWithIntegrityError(Transport transport)
    {
        (Drain.Result alice, _) = await SendThreeThroughAsync(transport, f =>
            f.Toward == Toward.Responder && f.Number == FirstRecord ? [f.Wire, f.Wire] : [f.Wire]);

        alice.Texts.Should().Equal("one");
        alice.Failure.Should().BeOfType<IntegrityException>().Which.Message.Should().Contain("replay");
    }

    [Theory]
    [InlineData(Transport.Pipes)]
    [InlineData(Transport.Tcp)]
    public async Task Receive_RecordsReordered_EndsWithIntegrityError(Transport transport)
    {
        byte[]? held = null;
        (Drain.Result alice, _) = await SendThreeThroughAsync(transport, f =>
        {
            if (f.Toward == Toward.Responder && f.Number == FirstRecord)
            {
                held = f.Wire;
                return [];
            }

            return f.Toward == Toward.Responder && f.Number == FirstRecord + 1 ? [f.Wire, held!] : [f.Wire];
        });

        alice.Texts.Should().BeEmpty();
        alice.Failure.Should().BeOfType<IntegrityException>().Which.Message.Should().Contain("dropped or reordered");
    }

    [Theory]
    [InlineData(Transport.Pipes)]
    [InlineData(Transport.Tcp)]
    public async Task Receive_RecordDropped_EndsWithIntegrityError(Transport transport)
    {
        (Drain.Result alice, _) = await SendThreeThroughAsync(transport, f =>
            f.Toward == Toward.Responder && f.Number == FirstRecord + 1 ? [] : [f.Wire]);

        alice.Texts.Should().Equal("one");
        alice.Failure.Should().BeOfType<IntegrityException>();
    }

    [Theory]
    [InlineData(Transport.Pipes)]
    [InlineData(Transport.Tcp)]
    public async Task Receive_OwnRecordReflectedBack_EndsWithIntegrityError(Transport transport)
    {
        // Alice's own records after her resume never reach Bob; Bob's first text (his record 1, after his
        // resume) is sent back to him with the sequence number he expects from Alice (1), so only the
        // direction in the header can give it away. Alice's resume must pass: Bob sends no text before it.
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = await FrameRelay.CreateAsync(transport, f =>
            f.Toward == Toward.Initiator && f.Number > FrameRelay.ResumeTowardInitiator ? [] : [f.Wire]);
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                await bob.SendAsync("look at me");
                RelayedFrame record = await NextTextRecordAsync(relay, Toward.Responder);
                await relay.InjectAsync(Toward.Initiator, record.Wire);

                Drain.Result result = await Drain.EventsAsync(bob);

                result.Texts.Should().BeEmpty();
                result.Failure.Should().BeOfType<IntegrityException>();
            }
        }
    }

    [Theory]
    [InlineData(Transport.Pipes)]
    [InlineData(Transport.Tcp)]
    public async Task Receive_RecordSplicedFromAnotherSession_EndsWithIntegrityError(Transport transport)
    {
        // Session one: capture Bob's first text (the record after his resume).
        byte[] foreign;
        (Stream bob1Stream, Stream alice1Stream, FrameRelay relay1) = await FrameRelay.CreateAsync(transport);
        await using (relay1)
        {
            (SecureSession bob1, SecureSession alice1) = await SessionHarness.ConnectAsync(bob1Stream, alice1Stream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob1)
            await using (alice1)
            {
                await bob1.SendAsync("from session one");
                foreign = (await NextTextRecordAsync(relay1, Toward.Responder)).Wire;
            }
        }

        // Session two, same people: the captured record replaces Bob's first one.
        (Drain.Result alice, _) = await SendThreeThroughAsync(transport, f =>
            f.Toward == Toward.Responder && f.Number == FirstRecord ? [foreign] : [f.Wire]);

        alice.Texts.Should().BeEmpty();
        alice.Failure.Should().BeOfType<IntegrityException>();
    }

    [Theory]
    [InlineData(Transport.Pipes)]
    [InlineData(Transport.Tcp)]
    public async Task Receive_ConnectionCutWithoutGoodbye_ReportsPossibleTruncation(Transport transport)
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = await FrameRelay.CreateAsync(transport);
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                await bob.SendAsync("one");
                await using IAsyncEnumerator<SessionEvent> events = alice.ReadEventsAsync().GetAsyncEnumerator();
                (await Drain.NextTextAsync(events)).Text.Should().Be("one");

                await relay.CutAsync();

                Func<Task> rest = async () => { while (await events.MoveNextAsync()) { } };
                (await rest.Should().ThrowAsync<ConnectionLostException>()).Which.Message.Should().Contain("truncated");
            }
        }
    }

    [Fact]
    public async Task Receive_GoodbyeThenClose_EndsCleanlyOnBothSides()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            await bob.SendAsync("one");
            await bob.SendAsync("two");
            Task<Drain.Result> aliceDrain = Drain.EventsAsync(alice);
            await bob.CloseAsync();

            Drain.Result result = await aliceDrain;
            result.Failure.Should().BeNull();
            result.Texts.Should().Equal("one", "two");
            result.Events[^1].Should().BeOfType<PeerClosed>();
            (await Drain.EventsAsync(bob)).Failure.Should().BeNull();
            await FluentActions.Awaiting(() => alice.SendAsync("too late").AsTask()).Should().ThrowAsync<ConnectionLostException>().WithMessage("*peer has ended*");
        }
    }

    [Fact]
    public async Task Close_PeersGoodbyeNeverArrives_ReportedAsPossibleTruncation()
    {
        // Bob says goodbye; someone in between swallows everything Alice sends from then on and cuts the
        // connection, hoping Bob takes the end for Alice's goodbye.
        bool swallow = false;
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create(f => swallow && f.Toward == Toward.Initiator ? [] : [f.Wire]);
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                swallow = true;
                Task<Drain.Result> bobEvents = Drain.EventsAsync(bob);
                Task closing = bob.CloseAsync();
                await Drain.EventsAsync(alice);
                await relay.CutAsync();
                await closing;

                Drain.Result result = await bobEvents;
                result.Events.Should().NotContain(e => e is PeerClosed);
                result.Failure.Should().BeOfType<ConnectionLostException>().Which.Message.Should().Contain("truncated");
            }
        }
    }

    [Fact]
    public async Task Receive_HandshakeFrameAfterTheHandshake_EndsWithProtocolViolation()
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                await relay.InjectAsync(Toward.Responder, FrameCodec.Encode("""{"type":"finish","confirm":"AAAA"}"""u8));

                (await Drain.EventsAsync(alice)).Failure.Should().BeOfType<ProtocolViolationException>();
            }
        }
    }

    [Fact]
    public async Task Receive_AbortFrame_EndsWithPeerAbortedAndItsReason()
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                await relay.InjectAsync(Toward.Responder, FrameJson.EncodeAbort(AbortReason.Busy));

                (await Drain.EventsAsync(alice)).Failure.Should().BeOfType<PeerAbortedException>().Which.Reason.Should().Be(AbortReason.Busy);
            }
        }
    }

    /// <summary>Bob sends one, two, three through a tampering relay; returns what each side then saw.</summary>
    private static async Task<(Drain.Result Alice, Drain.Result Bob)> SendThreeThroughAsync(Transport transport, Func<RelayedFrame, IEnumerable<byte[]>> tamper)
    {
        (Stream bobStream, Stream aliceStream, FrameRelay relay) = await FrameRelay.CreateAsync(transport, tamper);
        await using (relay)
        {
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(bobStream, aliceStream, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                foreach (string text in new[] { "one", "two", "three" })
                {
                    try
                    {
                        await bob.SendAsync(text);
                    }
                    catch (SessionException)
                    {
                        break; // Alice may already have ended the session.
                    }
                }

                Drain.Result aliceResult = await Drain.EventsAsync(alice);
                Drain.Result bobResult = await Drain.EventsAsync(bob);
                return (aliceResult, bobResult);
            }
        }
    }

    /// <summary>The first record relayed <paramref name="toward"/> after that side's resume (its record 0).</summary>
    private static async Task<RelayedFrame> NextTextRecordAsync(FrameRelay relay, Toward toward)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        bool resumeSeen = false;
        await foreach (RelayedFrame frame in relay.Seen.Reader.ReadAllAsync(timeout.Token))
        {
            if (frame.Toward == toward && Encoding.UTF8.GetString(frame.Wire).Contains("\"record\"", StringComparison.Ordinal))
            {
                if (resumeSeen)
                {
                    return frame;
                }

                resumeSeen = true;
            }
        }

        throw new InvalidOperationException("No record was relayed.");
    }

    /// <summary>
    /// The same record with one bit of its sealed bytes (in the tag) flipped and re-encoded, so that the
    /// frame stays well-formed and only the cryptography can notice. (Flipping a base64 character instead
    /// sometimes gives a character outside the alphabet, which the parser refuses first.)
    /// </summary>
    private static byte[] FlipSealedBit(byte[] wire)
    {
        string json = Encoding.UTF8.GetString(wire, FrameCodec.HeaderSize, wire.Length - FrameCodec.HeaderSize);
        string original = System.Text.Json.Nodes.JsonNode.Parse(json)!["sealed"]!.GetValue<string>();
        byte[] sealedBytes = Convert.FromBase64String(original);
        sealedBytes[^5] ^= 0x01;
        return FrameCodec.Encode(Encoding.UTF8.GetBytes(json.Replace(original, Convert.ToBase64String(sealedBytes), StringComparison.Ordinal)));
    }
}
