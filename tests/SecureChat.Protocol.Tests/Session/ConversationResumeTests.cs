using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Conformance;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// A conversation carried across sessions: after a cut, a fresh session resends exactly what the other
/// side had not received, with its original ids, before anything new; nothing is shown twice.
/// </summary>
public sealed class ConversationResumeTests
{
    // Toward the responder: 3 handshake frames, then Bob's resume (4), then his texts (5, 6, …).
    private const int BobsResume = FrameRelay.HandshakeFramesTowardResponder + 1;

    // Toward the initiator: 2 handshake frames, then Alice's resume (3), then her records.
    private const int AlicesResume = FrameRelay.HandshakeFramesTowardInitiator + 1;

    [Fact]
    public async Task FirstSession_BothSidesStartTheConversation_TextsNumberedFromOne()
    {
        var bobConversation = new Conversation();
        Conversation? aliceConversation = null;
        (SecureSession bobSession, SecureSession aliceSession) = await ConnectAsync(
            bobConversation, (_, id) => aliceConversation = new Conversation(id.Span));
        await using (bobSession)
        await using (aliceSession)
        {
            await using IAsyncEnumerator<SessionEvent> aliceEvents = aliceSession.ReadEventsAsync().GetAsyncEnumerator();
            ulong id = await bobSession.SendAsync("hello");
            id.Should().Be(1);
            (await aliceEvents.MoveNextAsync()).Should().BeTrue();
            aliceEvents.Current.Should().BeEquivalentTo(new ConversationResumed(false, []));
            (await Drain.NextTextAsync(aliceEvents)).Should().Match<MessageReceived>(m => m.Id == 1 && m.Text == "hello");
            aliceConversation!.HasId(bobConversation.Id).Should().BeTrue();
            aliceConversation.LastReceivedId.Should().Be(1);
            aliceSession.Conversation.Should().BeSameAs(aliceConversation);
        }
    }

    [Fact]
    public async Task Reconnect_UnconfirmedTextsBothWays_EachResentOnceInOrderBeforeNewOnes()
    {
        var bobConversation = new Conversation();
        Conversation? aliceConversation = null;

        // Session 1: Alice gets Bob's first text, but its receipt and everything after are lost.
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f =>
            (f.Toward == Toward.Responder && f.Number > BobsResume + 1) || (f.Toward == Toward.Initiator && f.Number > AlicesResume) ? [] : [f.Wire]);
        await using (relay)
        {
            (SecureSession bob1, SecureSession alice1) = await ConnectAsync(i, r, bobConversation, (_, id) => aliceConversation = new Conversation(id.Span));
            await using (bob1)
            await using (alice1)
            {
                await using IAsyncEnumerator<SessionEvent> aliceEvents = alice1.ReadEventsAsync().GetAsyncEnumerator();
                (await bob1.SendAsync("one")).Should().Be(1);
                (await bob1.SendAsync("two")).Should().Be(2);
                (await Drain.NextTextAsync(aliceEvents)).Text.Should().Be("one");
                (await alice1.SendAsync("uno")).Should().Be(1);
                await Task.Delay(100); // the dropped frames have been dropped
            }
        }

        bobConversation.Unconfirmed.Select(p => p.Text).Should().Equal("one", "two");
        aliceConversation!.Unconfirmed.Select(p => p.Text).Should().Equal("uno");
        aliceConversation.LastReceivedId.Should().Be(1);

        // Session 2: a fresh handshake over a new connection, the same conversation objects.
        (SecureSession bob2, SecureSession alice2) = await ConnectAsync(bobConversation, (_, id) => aliceConversation!.HasId(id.Span) ? aliceConversation : new Conversation(id.Span));
        await using (bob2)
        await using (alice2)
        {
            Task<Drain.Result> atAlice = Drain.EventsAsync(alice2);
            Task<Drain.Result> atBob = Drain.EventsAsync(bob2);
            (await bob2.SendAsync("three")).Should().Be(3);
            (await alice2.SendAsync("dos")).Should().Be(2);
            await Task.Delay(300); // the receipts come back
            await bob2.CloseAsync();
            Drain.Result alice = await atAlice;
            Drain.Result bob = await atBob;

            alice.Texts.Should().Equal(["two", "three"], "'one' had arrived already: it is not shown again");
            bob.Texts.Should().Equal(["uno", "dos"]);
            alice.Events.OfType<MessageReceived>().Select(m => m.Id).Should().Equal(2UL, 3UL);
            bob.Events[0].Should().BeOfType<ConversationResumed>().Which.Should().Match<ConversationResumed>(c => c.Continued && c.Resent.Single().Text == "two");
            alice.Events[0].Should().BeOfType<ConversationResumed>().Which.Should().Match<ConversationResumed>(c => c.Continued && c.Resent.Single().Text == "uno");
        }
    }

    [Fact]
    public async Task Reconnect_ResponderForgotTheConversation_ItAdoptsItAndGetsTheUnconfirmedTexts()
    {
        var bobConversation = new Conversation();
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Responder && f.Number > BobsResume ? [] : [f.Wire]);
        await using (relay)
        {
            (SecureSession bob1, SecureSession alice1) = await ConnectAsync(i, r, bobConversation, (_, id) => new Conversation(id.Span));
            await using (bob1)
            await using (alice1)
            {
                await bob1.SendAsync("lost one");
            }
        }

        // Alice restarted: she holds nothing, and still shows the line exactly once.
        (SecureSession bob2, SecureSession alice2) = await ConnectAsync(bobConversation, (_, id) => new Conversation(id.Span));
        await using (bob2)
        await using (alice2)
        {
            Task<Drain.Result> atAlice = Drain.EventsAsync(alice2);
            await Drain.DeliveredAsync(bob2, 1);
            await bob2.CloseAsync();
            (await atAlice).Texts.Should().Equal("lost one");
            bobConversation.Unconfirmed.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Responder_WithConversations_TextBeforeResume_IsAViolation()
    {
        // A real session always sends its resume first, so a scripted Bob sends the text without one.
        (ScriptedPeer bob, SecureSession alice) = await ScriptedPeer.AgainstResponderAsync(AliceOptions((_, id) => new Conversation(id.Span)));
        await using (bob)
        await using (alice)
        {
            Task<Drain.Result> atAlice = Drain.EventsAsync(alice);
            await bob.SendInnerAsync("""{"kind":"text","id":1,"sentAt":0,"text":"no resume first"}""");

            Drain.Result result = await atAlice;
            result.Texts.Should().BeEmpty();
            result.Failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("before its resume");
        }
    }

    [Fact]
    public async Task Responder_SendsNothingBeforeTheInitiatorsResume()
    {
        // Bob's resume is held back: Alice's text must wait, or it could overtake a resent one.
        var release = new TaskCompletionSource();
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            relay.Tamper = f => f.Toward == Toward.Responder && f.Number == BobsResume ? FrameRelay.HoldUntil(f, release.Task) : [f.Wire];
            (SecureSession bob, SecureSession alice) = await ConnectAsync(i, r, new Conversation(), (_, id) => new Conversation(id.Span));
            await using (bob)
            await using (alice)
            {
                ValueTask<ulong> sending = alice.SendAsync("wait for it");
                await Task.Delay(200);
                sending.IsCompleted.Should().BeFalse("the responder has not heard the initiator's resume");
                release.SetResult();
                (await sending).Should().Be(1);
            }
        }
    }

    [Fact]
    public async Task Initiator_ResponderClaimsTextsWeNeverSent_IsAViolation()
    {
        // Alice's conversation says she received Bob's texts 1 to 5; Bob never sent one.
        var bobConversation = new Conversation();
        (SecureSession bob, SecureSession alice) = await ConnectAsync(bobConversation, (peer, id) =>
        {
            var claimed = new Conversation(id.Span);
            for (ulong n = 1; n <= 5; n++)
            {
                claimed.Receive(n, out ulong _);
            }

            claimed.ApplyPeerResume(0, 1); // as if an earlier session had carried it
            return claimed;
        });
        await using (bob)
        await using (alice)
        {
            Drain.Result result = await Drain.EventsAsync(bob);
            result.Failure.Should().BeOfType<ProtocolViolationException>().Which.Message.Should().Contain("claims to have received text 5");
        }
    }

    [Fact]
    public void Conversation_Receive_DropsDuplicatesAndReportsGaps()
    {
        var c = new Conversation();
        c.Receive(1, out ulong e1).Should().BeTrue();
        e1.Should().Be(1);
        c.Receive(1, out _).Should().BeFalse("a duplicate");
        c.Receive(3, out ulong e3).Should().BeTrue();
        e3.Should().Be(2, "the caller sees the gap");
        c.LastReceivedId.Should().Be(1);
    }

    private static SessionOptions AliceOptions(Func<PeerIdentity, ReadOnlyMemory<byte>, Conversation> resolve) => new()
    {
        Identity = TestIdentities.Alice,
        HandshakeTimeout = SessionHarness.HandshakePatience,
        Name = "alice",
        TrustPeer = SessionHarness.TrustAll,
        ResolveConversation = resolve,
    };

    private static Task<(SecureSession Bob, SecureSession Alice)> ConnectAsync(
        Conversation bobConversation, Func<PeerIdentity, ReadOnlyMemory<byte>, Conversation> resolve)
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.CreatePair();
        return ConnectAsync(a, b, bobConversation, resolve);
    }

    /// <summary>Bob initiates with <paramref name="bobConversation"/>; Alice responds, resolving conversations with <paramref name="resolve"/>.</summary>
    private static async Task<(SecureSession Bob, SecureSession Alice)> ConnectAsync(
        Stream initiator, Stream responder, Conversation bobConversation, Func<PeerIdentity, ReadOnlyMemory<byte>, Conversation> resolve)
    {
        Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(responder, AliceOptions(resolve)));
        Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(initiator, SessionHarness.BobOptions(), bobConversation));
        return (await initiating, await responding);
    }
}
