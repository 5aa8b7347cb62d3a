using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// Regression, issue 13 item 9: a listener kept one dropped conversation and forgot it as soon as any other
/// conversation started, so an attacker who held Bob's reconnect while a stranger came and went made the
/// listener show Bob's resent line a second time. Conversations are now kept per peer key.
/// </summary>
public sealed class KeptConversationsTests
{
    // Toward the initiator: 2 handshake frames, then Alice's resume (3), then her records (her receipts).
    private const int AlicesResume = FrameRelay.HandshakeFramesTowardInitiator + 1;

    [Fact]
    public async Task Issue13Item9_StrangerComesAndGoesWhileBobsReconnectIsHeld_BobsLineIsShownOnce()
    {
        var kept = new KeptConversations<string>();
        var bobConversation = new Conversation();
        Conversation alicesCopy;

        // Session 1: Alice shows Bob's line, but her receipt is dropped and the connection cut.
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create(f => f.Toward == Toward.Initiator && f.Number > AlicesResume ? [] : [f.Wire]);
        await using (relay)
        {
            (SecureSession bob1, SecureSession alice1) = await ConnectAsync(i, r, SessionHarness.BobOptions(), bobConversation, AliceKeeping(kept));
            await using (bob1)
            await using (alice1)
            {
                await using IAsyncEnumerator<SessionEvent> aliceEvents = alice1.ReadEventsAsync().GetAsyncEnumerator();
                await bob1.SendAsync("the line");
                (await Drain.NextTextAsync(aliceEvents)).Text.Should().Be("the line");
                alicesCopy = alice1.Conversation!;
            }
        }

        kept.Keep(TestIdentities.Bob.Fingerprint, alicesCopy, "Bob's chat").Should().BeEmpty();
        bobConversation.Unconfirmed.Select(p => p.Text).Should().Equal("the line");

        // A stranger opens and closes a conversation of its own, as User1 adopts it.
        (DuplexStream a, DuplexStream b) = DuplexStream.CreatePair();
        (SecureSession mallory, SecureSession alice2) = await ConnectAsync(a, b, SessionHarness.Options(TestIdentities.Mallory, "mallory"), new Conversation(), AliceKeeping(kept));
        await using (mallory)
        await using (alice2)
        {
            Conversation strangers = await alice2.WaitForConversationAsync();
            kept.Take(strangers).Should().BeNull();
            kept.TakePeer(TestIdentities.Mallory.Fingerprint).Should().BeNull();
            await mallory.CloseAsync();
        }

        kept.Find(TestIdentities.Bob.Fingerprint, bobConversation.Id).Should().BeSameAs(alicesCopy, "the stranger did not touch Bob's conversation");

        // Bob's held reconnect is released: he learns his line arrived, and Alice shows nothing twice.
        (DuplexStream c, DuplexStream d) = DuplexStream.CreatePair();
        (SecureSession bob3, SecureSession alice3) = await ConnectAsync(c, d, SessionHarness.BobOptions(), bobConversation, AliceKeeping(kept));
        await using (bob3)
        await using (alice3)
        {
            Task<Drain.Result> atAlice = Drain.EventsAsync(alice3);
            (await alice3.WaitForConversationAsync()).Should().BeSameAs(alicesCopy);
            await bob3.WaitForConversationAsync();
            await bob3.CloseAsync();
            Drain.Result alice = await atAlice;
            alice.Texts.Should().BeEmpty("the line was shown in the first session; it must not be shown again");
            bobConversation.Unconfirmed.Should().BeEmpty("Alice's resume said she had it");
        }
    }

    [Fact]
    public void Keep_OtherPeers_NeverEvictsAPeerUntilAllPlacesAreTaken()
    {
        var kept = new KeptConversations<string>(capacity: 3);
        Conversation bobs = new();
        kept.Keep(TestIdentities.Bob.Fingerprint, bobs, "bob").Should().BeEmpty();
        kept.Keep(TestIdentities.Mallory.Fingerprint, new Conversation(), "mallory 1").Should().BeEmpty();
        kept.Keep(TestIdentities.Mallory.Fingerprint, new Conversation(), "mallory 2").Should().Equal(["mallory 1"], "one conversation per key");
        kept.Count.Should().Be(2);
        kept.Find(TestIdentities.Bob.Fingerprint, bobs.Id).Should().BeSameAs(bobs);
        kept.Find(TestIdentities.Mallory.Fingerprint, bobs.Id).Should().BeNull("a conversation is found only by its own key");
    }

    [Fact]
    public void Keep_Full_GivesUpTheOneThatDroppedLongestAgo()
    {
        var kept = new KeptConversations<string>(capacity: 2);
        kept.Keep(TestIdentities.Bob.Fingerprint, new Conversation(), "bob");
        kept.Keep(TestIdentities.Mallory.Fingerprint, new Conversation(), "mallory");
        kept.Keep(TestIdentities.Alice.Fingerprint, new Conversation(), "alice").Should().Equal("bob");
        kept.TakeAll().Should().Equal("mallory", "alice");
        kept.Count.Should().Be(0);
    }

    [Fact]
    public void Take_TheResumedConversation_RemovesItOnly()
    {
        var kept = new KeptConversations<string>();
        Conversation bobs = new();
        kept.Keep(TestIdentities.Bob.Fingerprint, bobs, "bob");
        kept.Keep(TestIdentities.Mallory.Fingerprint, new Conversation(), "mallory");
        kept.Holds("bob").Should().BeTrue();
        kept.Take(bobs).Should().Be("bob");
        kept.Holds("bob").Should().BeFalse();
        kept.Count.Should().Be(1);
    }

    private static SessionOptions AliceKeeping(KeptConversations<string> kept) => new()
    {
        Identity = TestIdentities.Alice,
        HandshakeTimeout = SessionHarness.HandshakePatience,
        Name = "alice",
        TrustPeer = SessionHarness.TrustAll,
        ResolveConversation = (peer, id) => kept.Find(peer.Fingerprint, id.Span) ?? new Conversation(id.Span),
    };

    private static async Task<(SecureSession Initiator, SecureSession Responder)> ConnectAsync(
        Stream initiator, Stream responder, SessionOptions initiatorOptions, Conversation conversation, SessionOptions responderOptions)
    {
        Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(responder, responderOptions));
        Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(initiator, initiatorOptions, conversation));
        return (await initiating, await responding);
    }
}
