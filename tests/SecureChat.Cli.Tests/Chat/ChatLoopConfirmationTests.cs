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
        await using var call = await BobCalls.StartAsync();
        (TaskCompletionSource<bool> decision, Task<SecureSession> aliceSession, ChatDriver bobView, Task<ChatOutcome> bobChat) = call;

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
        await using var call = await BobCalls.StartAsync();
        (TaskCompletionSource<bool> decision, Task<SecureSession> aliceSession, ChatDriver bobView, Task<ChatOutcome> bobChat) = call;
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
        await using var call = await BobCalls.StartAsync();
        (TaskCompletionSource<bool> decision, Task<SecureSession> aliceSession, ChatDriver bobView, Task<ChatOutcome> bobChat) = call;
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

    /// <summary>Bob's chat loop, started once the handshake is done and while Alice still decides.</summary>
    private sealed class BobCalls : IAsyncDisposable
    {
        private SecureSession? _bob;
        private ChatState? _state;

        public TaskCompletionSource<bool> Decision { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<SecureSession> Alice { get; private set; } = null!;

        public ChatDriver View { get; } = new();

        public Task<ChatOutcome> Chat { get; private set; } = null!;

        public static async Task<BobCalls> StartAsync()
        {
            var call = new BobCalls();
            (call._bob, Conversation conversation, call.Alice) = await SessionPair.ConnectWhileAliceDecidesAsync(call.Decision.Task);
            call._state = new ChatState(conversation, new FileTransfers(new EventLog(), new FilePolicy(null, ByteSize.DefaultMaxFileSize), NullLogger.Instance, TimeProvider.System));
            var settings = new ChatLoopSettings("bob", TimeSpan.FromSeconds(10)) { AwaitsPeerConfirmation = true };
            call.Chat = new ChatLoop(call._bob, call._state, call.View, call.View, settings, NullLogger.Instance).RunAsync(CancellationToken.None);
            return call;
        }

        public void Deconstruct(out TaskCompletionSource<bool> decision, out Task<SecureSession> alice, out ChatDriver view, out Task<ChatOutcome> chat) =>
            (decision, alice, view, chat) = (Decision, Alice, View, Chat);

        public async ValueTask DisposeAsync()
        {
            _state?.Dispose();
            if (_bob is not null)
            {
                await _bob.DisposeAsync();
            }
        }
    }
}
