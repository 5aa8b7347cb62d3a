using SecureChat.Cli.Chat;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>The chat core over two real sessions: typed input in, chat events out (no sentences: see ChatSentencesTests).</summary>
public sealed class ChatLoopTests
{
    [Fact]
    public async Task Run_LinesTyped_ArriveAtThePeerAndTheReplyIsShown()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            (ChatDriver bobChat, ChatDriver aliceChat, Task<ChatOutcome> bobRun, Task<ChatOutcome> aliceRun) = await ChatDriver.PairAsync(bob, alice);

            bobChat.Type("hi alice");
            (await aliceChat.WaitForIncomingAsync("hi alice")).Name.Should().Be("bob");
            aliceChat.Type("hi bob");
            (await bobChat.WaitForIncomingAsync("hi bob")).Name.Should().Be("alice");
            bobChat.EndInput();

            ChatOutcome bobOutcome = await bobRun;
            bobOutcome.Failure.Should().BeNull();
            bobOutcome.Undelivered.Should().BeEmpty();
            bobOutcome.WeLeft.Should().BeTrue();
            ChatOutcome aliceOutcome = await aliceRun;
            aliceOutcome.PeerLeft.Should().BeTrue();
            aliceOutcome.Failure.Should().BeNull();
            aliceChat.Events.OfType<PeerLeft>().Should().ContainSingle().Which.Peer.Should().Be("bob");
            bobChat.Events.OfType<WeLeft>().Should().ContainSingle();
        }
    }

    [Fact]
    public async Task Run_UnknownCommand_PublishedAndNothingSent()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            (ChatDriver bobChat, ChatDriver aliceChat, Task<ChatOutcome> bobRun, Task<ChatOutcome> aliceRun) = await ChatDriver.PairAsync(bob, alice);

            bobChat.Command("/dance");
            (await bobChat.WaitForAsync<UnknownCommand>()).Verb.Should().Be("/dance");
            bobChat.Type("after");
            await aliceChat.WaitForIncomingAsync("after");
            bobChat.EndInput();
            await Task.WhenAll(bobRun, aliceRun);

            aliceChat.Incoming.Should().Equal("after");
        }
    }

    [Fact]
    public async Task Run_Verify_PublishesBothFingerprintsAndTheSafetyNumber()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobChat = new ChatDriver();
            Task<ChatOutcome> bobRun = (await ChatDriver.LoopAsync(bob, bobChat, "bob")).RunAsync(default);
            Task<ChatOutcome> aliceRun = (await ChatDriver.LoopAsync(alice, new ChatDriver(), "alice")).RunAsync(default);

            bobChat.Command("/verify");

            FingerprintsAsked shown = await bobChat.WaitForAsync<FingerprintsAsked>();
            shown.Local.Should().Be(bob.LocalFingerprint.ToString());
            shown.Peer.Should().Be("alice");
            shown.PeerFingerprint.Should().Be(bob.Peer.Fingerprint.ToString());
            shown.SafetyNumber.Should().Be(alice.SafetyNumber.ToString());
            bobChat.Command("/quit");
            ChatOutcome outcome = await bobRun;
            outcome.Quit.Should().BeTrue();
            outcome.Failure.Should().BeNull();
            await aliceRun;
        }
    }

    [Fact]
    public async Task Run_Status_CountsSentReceivedAndPending()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            (ChatDriver bobChat, ChatDriver aliceChat, Task<ChatOutcome> bobRun, Task<ChatOutcome> aliceRun) = await ChatDriver.PairAsync(bob, alice);
            bobChat.Type("one");
            await aliceChat.WaitForIncomingAsync("one");
            aliceChat.Type("two");
            await bobChat.WaitForIncomingAsync("two");
            await bobChat.WaitForAsync<DeliveredThrough>();

            bobChat.Command("/status");

            StatusAsked status = await bobChat.WaitForAsync<StatusAsked>();
            status.Should().BeEquivalentTo(new { Peer = "alice", Sent = 1, Received = 1, Awaiting = 0, Suite = "aes256cbc-hmacsha256" });
            bobChat.Command("/quit");
            await Task.WhenAll(bobRun, aliceRun);
        }
    }

    [Fact]
    public async Task Run_ReceiptArrives_PublishesWhatItDelivered()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobChat = new ChatDriver();
            Task<ChatOutcome> bobRun = (await ChatDriver.LoopAsync(bob, bobChat, "bob")).RunAsync(default);
            Task<ChatOutcome> aliceRun = (await ChatDriver.LoopAsync(alice, new ChatDriver(), "alice")).RunAsync(default);

            bobChat.Type("did you get this?");

            (await bobChat.WaitForAsync<MessageShown>(m => m.Own)).Should().BeEquivalentTo(new { Name = "bob", Text = "did you get this?" });
            (await bobChat.WaitForAsync<DeliveredThrough>()).Should().Be(new DeliveredThrough(1, "did you get this?"));
            bobChat.Command("/quit");
            await Task.WhenAll(bobRun, aliceRun);
        }
    }

    [Fact]
    public async Task Run_ConnectionDiesWithLinesInFlight_ListsWhatWasNeverDelivered()
    {
        (SecureSession bob, SecureSession alice, SessionPair.Link link) = await SessionPair.ConnectThroughAsync();
        await using (bob)
        await using (alice)
        {
            var bobChat = new ChatDriver();
            Task<ChatOutcome> bobRun = (await ChatDriver.LoopAsync(bob, bobChat, "bob")).RunAsync(default);
            Task<ChatOutcome> aliceRun = (await ChatDriver.LoopAsync(alice, new ChatDriver(), "alice")).RunAsync(default);

            // Alice's receipts never come back, then the network dies.
            link.SilenceAlice();
            bobChat.Type("are you there?");
            await bobChat.WaitForAsync<MessageShown>(m => m.Own);
            link.Cut();
            ChatOutcome outcome = await bobRun.WaitAsync(TimeSpan.FromSeconds(60));

            outcome.Failure.Should().BeOfType<ConnectionLostException>();
            outcome.Reconnectable.Should().BeFalse("this chat was not resumable");
            outcome.Undelivered.Should().Equal("are you there?");
            bobChat.Events.OfType<SessionFailed>().Should().ContainSingle().Which.Peer.Should().Be("alice");
            bobChat.Events.OfType<UndeliveredListed>().Should().ContainSingle().Which.Undelivered.Should().Equal("are you there?");
            await aliceRun.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task Run_ResumableAndTheConnectionDrops_KeepsTheUnconfirmedInTheConversationUnlisted()
    {
        (SecureSession bob, SecureSession alice, SessionPair.Link link) = await SessionPair.ConnectThroughAsync();
        await using (bob)
        await using (alice)
        {
            var bobChat = new ChatDriver();
            ChatLoop bobLoop = await ChatDriver.LoopAsync(bob, bobChat, "bob", new ChatLoopSettings("bob", TimeSpan.FromSeconds(10)) { Resumable = true });
            Task<ChatOutcome> bobRun = bobLoop.RunAsync(default);
            Task<ChatOutcome> aliceRun = (await ChatDriver.LoopAsync(alice, new ChatDriver(), "alice")).RunAsync(default);

            link.SilenceAlice();
            bobChat.Type("are you there?");
            await bobChat.WaitForAsync<MessageShown>(m => m.Own);
            link.Cut();
            ChatOutcome outcome = await bobRun.WaitAsync(TimeSpan.FromSeconds(60));

            outcome.Reconnectable.Should().BeTrue();
            bobChat.Events.OfType<UndeliveredListed>().Should().BeEmpty("the next session resends it");
            bob.Conversation!.Unconfirmed.Select(p => p.Text).Should().Equal("are you there?");
            await aliceRun.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task Run_EndOfInputBeforeReceipts_WaitsForThemThenSucceeds()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobChat = new ChatDriver();
            var aliceChat = new ChatDriver();
            Task<ChatOutcome> aliceRun = (await ChatDriver.LoopAsync(alice, aliceChat, "alice")).RunAsync(default);
            for (int i = 0; i < 50; i++)
            {
                bobChat.Type($"line {i}");
            }

            bobChat.EndInput();
            ChatOutcome outcome = await (await ChatDriver.LoopAsync(bob, bobChat, "bob")).RunAsync(default);

            outcome.Failure.Should().BeNull();
            outcome.Undelivered.Should().BeEmpty();
            await aliceRun;
            aliceChat.Incoming.Should().HaveCount(50);
        }
    }

    [Fact]
    public async Task Run_LineTooLongToSend_ListedWhenTheSettingSaysSo()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobChat = new ChatDriver();
            Task<ChatOutcome> aliceRun = (await ChatDriver.LoopAsync(alice, new ChatDriver(), "alice")).RunAsync(default);
            bobChat.Type(new string('x', SecureSession.MaxTextBytes + 1));
            bobChat.Type("fits");
            bobChat.EndInput();

            ChatOutcome outcome = await (await ChatDriver.LoopAsync(bob, bobChat, "bob", new ChatLoopSettings("bob", TimeSpan.FromSeconds(10)) { ListRefusedLines = true })).RunAsync(default);

            outcome.Failure.Should().BeNull();
            outcome.Undelivered.Should().ContainSingle().Which.Should().StartWith("xxxx").And.EndWith("…");
            bobChat.Events.OfType<LineRefused>().Should().ContainSingle();
            await aliceRun;
        }
    }

    [Fact]
    public async Task Run_LineTooLongToSend_OnlyRefusedWithoutTheSetting()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobChat = new ChatDriver();
            Task<ChatOutcome> aliceRun = (await ChatDriver.LoopAsync(alice, new ChatDriver(), "alice")).RunAsync(default);
            bobChat.Type(new string('x', SecureSession.MaxTextBytes + 1));
            bobChat.EndInput();

            ChatOutcome outcome = await (await ChatDriver.LoopAsync(bob, bobChat, "bob")).RunAsync(default);

            outcome.Undelivered.Should().BeEmpty("a person saw the refusal as they typed");
            bobChat.Events.OfType<LineRefused>().Should().ContainSingle();
            await aliceRun;
        }
    }
}
