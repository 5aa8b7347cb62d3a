using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Files;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>Issue 17 item 3: the dialling side is connected only once the listener accepted it.</summary>
public sealed class ChatLoopConfirmationTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Initiator_BeforeThePeerAccepts_SaysWaitingQueuesLinesAndSendsThemOnceAccepted_Issue17()
    {
        var decision = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        (SecureSession bob, Conversation conversation, Task<SecureSession> aliceSession) = await SessionPair.ConnectWhileAliceDecidesAsync(decision.Task);
        await using SecureSession bobSession = bob;
        var bobView = new ChatDriver();
        using ChatState state = NewState(conversation);
        Task<ChatOutcome> bobChat = new ChatLoop(bob, state, bobView, bobView, Settings("bob"), NullLogger.Instance).RunAsync(CancellationToken.None);

        await bobView.WaitForAsync<AwaitingPeerConfirmation>(e => e.Peer == "alice");
        bobView.Type("typed while Alice decides");
        bobView.Command("/status"); // a command that needs no open conversation answers at once
        await bobView.WaitForAsync<LineQueued>(e => e.Text == "typed while Alice decides" && e.Until == QueuedUntil.PeerConfirms);
        await bobView.WaitForAsync<StatusAsked>();
        bobView.Events.Should().NotContain(e => e is Connected, "Alice has not accepted Bob yet");
        bobView.Events.OfType<MessageShown>().Should().BeEmpty("nothing goes out before she accepts");

        decision.SetResult(true);
        await using SecureSession alice = await aliceSession.WaitAsync(Deadline);
        var aliceView = new ChatDriver();
        ChatLoop aliceLoop = await ChatDriver.LoopAsync(alice, aliceView, "alice");
        Task<ChatOutcome> aliceChat = aliceLoop.RunAsync(CancellationToken.None);

        await bobView.WaitForAsync<Connected>(e => e.Peer == "alice");
        await aliceView.WaitForIncomingAsync("typed while Alice decides");
        bobView.Events.TakeWhile(e => e is not Connected).Should().ContainSingle(e => e is AwaitingPeerConfirmation, "waiting is said before connected, once");

        bobView.Command("/quit");
        (await bobChat.WaitAsync(Deadline)).Undelivered.Should().BeEmpty();
        await aliceChat.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Initiator_PeerRefuses_SaysSoPlainlyAndListsTheQueuedLine_Issue17()
    {
        var decision = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        (SecureSession bob, Conversation conversation, Task<SecureSession> aliceSession) = await SessionPair.ConnectWhileAliceDecidesAsync(decision.Task);
        await using SecureSession bobSession = bob;
        var bobView = new ChatDriver();
        using ChatState state = NewState(conversation);
        Task<ChatOutcome> bobChat = new ChatLoop(bob, state, bobView, bobView, Settings("bob"), NullLogger.Instance).RunAsync(CancellationToken.None);
        await bobView.WaitForAsync<AwaitingPeerConfirmation>();
        bobView.Type("never accepted");
        await bobView.WaitForAsync<LineQueued>();

        decision.SetResult(false);
        Func<Task> refused = () => aliceSession.WaitAsync(Deadline);
        await refused.Should().ThrowAsync<IdentityRefusedException>();

        ChatOutcome outcome = await bobChat.WaitAsync(Deadline);
        outcome.Failure.Should().BeOfType<PeerAbortedException>();
        SessionFailed failed = await bobView.WaitForAsync<SessionFailed>();
        Failures.Describe(failed.Failure, failed.Peer).Should().Be("alice refused the connection: it refused our identity (its user answered no, or it expects another key).");
        outcome.Undelivered.Should().Equal("never accepted");
        bobView.Events.Should().NotContain(e => e is Connected);
    }

    [Fact]
    public async Task Initiator_QuitWhileThePeerDecides_LeavesAtOnce_Issue17()
    {
        var decision = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        (SecureSession bob, Conversation conversation, Task<SecureSession> aliceSession) = await SessionPair.ConnectWhileAliceDecidesAsync(decision.Task);
        await using SecureSession bobSession = bob;
        var bobView = new ChatDriver();
        using ChatState state = NewState(conversation);
        Task<ChatOutcome> bobChat = new ChatLoop(bob, state, bobView, bobView, Settings("bob"), NullLogger.Instance).RunAsync(CancellationToken.None);
        await bobView.WaitForAsync<AwaitingPeerConfirmation>();

        bobView.Command("/quit");

        ChatOutcome outcome = await bobChat.WaitAsync(Deadline);
        outcome.Quit.Should().BeTrue();
        bobView.Events.Should().ContainSingle(e => e is WeLeft);
        decision.SetResult(true);
        try
        {
            await using SecureSession alice = await aliceSession.WaitAsync(Deadline);
        }
        catch (SessionException)
        {
            // Bob has gone: Alice's side may fail to finish, which is not what this test is about.
        }
    }

    private static ChatLoopSettings Settings(string name) => new(name, TimeSpan.FromSeconds(10)) { AwaitsPeerConfirmation = true };

#pragma warning disable CA2000 // owned by the returned state
    private static ChatState NewState(Conversation conversation) =>
        new(conversation, new FileTransfers(new FakeTerminal(), new FilePolicy(null, ByteSize.DefaultMaxFileSize), NullLogger.Instance, TimeProvider.System));
#pragma warning restore CA2000
}
