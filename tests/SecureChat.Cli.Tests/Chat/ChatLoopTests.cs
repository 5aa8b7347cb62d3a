using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

public sealed class ChatLoopTests
{
    [Fact]
    public async Task Run_LinesTyped_ArriveAtThePeerAndTheReplyIsShown()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal();
            var aliceScreen = new FakeTerminal();
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen, "bob").RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, aliceScreen, "alice").RunAsync(default);

            bobScreen.Type("hi alice");
            await aliceScreen.WaitForAsync(s => s == "in bob: hi alice");
            aliceScreen.Type("hi bob");
            await bobScreen.WaitForAsync(s => s == "in alice: hi bob");
            bobScreen.EndInput();

            (await bobChat).ExitCode.Should().Be(ExitCode.Success);
            ChatOutcome aliceOutcome = await aliceChat;
            aliceOutcome.PeerLeft.Should().BeTrue();
            aliceOutcome.ExitCode.Should().Be(ExitCode.Success);
            aliceScreen.Shown.Should().Contain("system bob left the conversation.");
        }
    }

    [Fact]
    public async Task Run_DoubleSlash_SendsALineStartingWithASlash()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal(interactive: true);
            var aliceScreen = new FakeTerminal();
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen, "bob").RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, aliceScreen, "alice").RunAsync(default);

            bobScreen.Type("//shrug");
            await aliceScreen.WaitForAsync(s => s == "in bob: /shrug");
            bobScreen.EndInput();
            await Task.WhenAll(bobChat, aliceChat);
        }
    }

    [Fact]
    public async Task Run_UnknownCommand_HintsAndSendsNothing()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal(interactive: true);
            var aliceScreen = new FakeTerminal();
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen, "bob").RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, aliceScreen, "alice").RunAsync(default);

            bobScreen.Type("/dance");
            await bobScreen.WaitForAsync(s => s.StartsWith("warning Unknown command /dance", StringComparison.Ordinal) && s.Contains("/help", StringComparison.Ordinal));
            bobScreen.Type("after");
            await aliceScreen.WaitForAsync(s => s == "in bob: after");
            bobScreen.EndInput();
            await Task.WhenAll(bobChat, aliceChat);

            aliceScreen.Shown.Where(s => s.StartsWith("in ", StringComparison.Ordinal)).Should().Equal("in bob: after");
        }
    }

    [Fact]
    public async Task Run_Verify_ShowsBothFingerprintsAndTheSafetyNumber()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal(interactive: true);
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen, "bob").RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, new FakeTerminal(), "alice").RunAsync(default);

            bobScreen.Type("/verify");

            await bobScreen.WaitForAsync(s => s.Contains(bob.LocalFingerprint.ToString(), StringComparison.Ordinal));
            await bobScreen.WaitForAsync(s => s.Contains(bob.Peer.Fingerprint.ToString(), StringComparison.Ordinal));
            await bobScreen.WaitForAsync(s => s.Contains(alice.SafetyNumber.ToString(), StringComparison.Ordinal));
            bobScreen.Type("/quit");
            (await bobChat).ExitCode.Should().Be(ExitCode.Success);
            await aliceChat;
        }
    }

    [Fact]
    public async Task Run_Status_CountsSentReceivedAndPending()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal(interactive: true);
            var aliceScreen = new FakeTerminal();
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen, "bob").RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, aliceScreen, "alice").RunAsync(default);
            bobScreen.Type("one");
            await aliceScreen.WaitForAsync(s => s == "in bob: one");
            aliceScreen.Type("two");
            await bobScreen.WaitForAsync(s => s == "in alice: two");

            bobScreen.Type("/status");

            string status = await bobScreen.WaitForAsync(s => s.StartsWith("system Talking to alice", StringComparison.Ordinal));
            status.Should().Contain("sent 1").And.Contain("received 1").And.Contain("aes256cbc-hmacsha256");
            bobScreen.Type("/quit");
            await Task.WhenAll(bobChat, aliceChat);
        }
    }

    [Fact]
    public async Task Run_Interactive_MarksDeliveredLines()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal(interactive: true);
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen, "bob").RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, new FakeTerminal(), "alice").RunAsync(default);

            bobScreen.Type("did you get this?");

            await bobScreen.WaitForAsync(s => s == "me bob: did you get this?");
            await bobScreen.WaitForAsync(s => s == "system ✓ delivered: did you get this?");
            bobScreen.Type("/quit");
            await Task.WhenAll(bobChat, aliceChat);
        }
    }

    [Fact]
    public async Task Run_ConnectionDiesWithLinesInFlight_ListsWhatWasNeverDelivered()
    {
        (SecureSession bob, SecureSession alice, SessionPair.Link link) = await SessionPair.ConnectThroughAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal();
            Task<ChatOutcome> bobChat = Loop(bob, bobScreen, "bob").RunAsync(default);
            Task<ChatOutcome> aliceChat = Loop(alice, new FakeTerminal(), "alice").RunAsync(default);

            // Alice's receipts never come back, then the network dies.
            link.SilenceAlice();
            bobScreen.Type("are you there?");
            await bobScreen.WaitForAsync(s => s == "me bob: are you there?");
            link.Cut();
            ChatOutcome outcome = await bobChat.WaitAsync(TimeSpan.FromSeconds(20));

            outcome.ExitCode.Should().Be(ExitCode.ConnectionFailed);
            outcome.Undelivered.Should().Equal("are you there?");
            bobScreen.Shown.Should().Contain(s => s.StartsWith("warning The connection to alice was lost", StringComparison.Ordinal));
            bobScreen.Shown.Should().Contain("warning   are you there?");
            await aliceChat.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task Run_EndOfInputBeforeReceipts_WaitsForThemThenSucceeds()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal();
            var aliceScreen = new FakeTerminal();
            Task<ChatOutcome> aliceChat = Loop(alice, aliceScreen, "alice").RunAsync(default);
            for (int i = 0; i < 50; i++)
            {
                bobScreen.Type($"line {i}");
            }

            bobScreen.EndInput();
            ChatOutcome outcome = await Loop(bob, bobScreen, "bob").RunAsync(default);

            outcome.ExitCode.Should().Be(ExitCode.Success);
            outcome.Undelivered.Should().BeEmpty();
            await aliceChat;
            aliceScreen.Shown.Where(s => s.StartsWith("in ", StringComparison.Ordinal)).Should().HaveCount(50);
        }
    }

    [Fact]
    public async Task Run_Scripted_SendsEveryLineAsIsSlashesIncluded()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal();
            var aliceScreen = new FakeTerminal();
            Task<ChatOutcome> aliceChat = Loop(alice, aliceScreen, "alice").RunAsync(default);
            bobScreen.Type("/var/log/build.log: finished");
            bobScreen.Type("/quit");
            bobScreen.Type("//twice");
            bobScreen.EndInput();

            ChatOutcome outcome = await Loop(bob, bobScreen, "bob").RunAsync(default);

            outcome.ExitCode.Should().Be(ExitCode.Success);
            await aliceChat;
            aliceScreen.Shown.Where(s => s.StartsWith("in ", StringComparison.Ordinal))
                .Should().Equal("in bob: /var/log/build.log: finished", "in bob: /quit", "in bob: //twice");
        }
    }

    [Fact]
    public async Task Run_ScriptedLineTooLongToSend_CountsAsUndelivered()
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            var bobScreen = new FakeTerminal();
            Task<ChatOutcome> aliceChat = Loop(alice, new FakeTerminal(), "alice").RunAsync(default);
            bobScreen.Type(new string('x', SecureSession.MaxTextBytes + 1));
            bobScreen.Type("fits");
            bobScreen.EndInput();

            ChatOutcome outcome = await Loop(bob, bobScreen, "bob").RunAsync(default);

            outcome.ExitCode.Should().Be(ExitCode.Undelivered);
            outcome.Undelivered.Should().ContainSingle().Which.Should().StartWith("xxxx");
            await aliceChat;
        }
    }

    private static ChatLoop Loop(SecureSession session, IChatTerminal terminal, string name) =>
        new(session, terminal, name, NullLogger.Instance, TimeSpan.FromSeconds(10));
}
