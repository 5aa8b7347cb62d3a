using System.Net;
using System.Net.Sockets;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Cli.Views;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests;

/// <summary>
/// Regression, issue 17 ("nothing typed is ever lost"; "commands act at once in every state"): found by the
/// end-to-end test <c>Connector_WaitsForTheListenersYes_ItsEarlyLineArrivesAfterIt_Issue17</c> against the
/// NativeAOT and ReadyToRun apps. A line typed at User1's terminal in the moment its peer leaves, after the
/// ending conversation stopped reading and before the listener reads input while waiting again, was thrown
/// away as the listener went back to waiting: a <c>/quit</c> then did nothing, and User1 never left. The
/// tests type the line exactly then: when the conversation's pending read is cancelled by the peer's leaving.
/// </summary>
public sealed class ListenerLineAsConversationEndsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Quit_TypedAsThePeerLeaves_Leaves_Issue17()
    {
        await using Listening user1 = await Listening.StartAsync();
        await user1.ChatAndLeaveAsync(typedAsItEnds: "/quit");

        (await user1.Running.WaitAsync(Deadline)).Should().Be(ExitCode.Success, string.Join('\n', user1.Screen.Shown));
    }

    [Fact]
    public async Task Message_TypedAsThePeerLeaves_IsRefusedWithTheReason_NotDropped_Issue17()
    {
        await using Listening user1 = await Listening.StartAsync();
        await user1.ChatAndLeaveAsync(typedAsItEnds: "typed as Bob left");

        // As for any line typed while waiting with no conversation kept (IdleInput): refused, visibly.
        await user1.Screen.WaitForAsync(s => s.StartsWith("warning Not sent: nobody is connected", StringComparison.Ordinal) && s.EndsWith("typed as Bob left", StringComparison.Ordinal), Deadline);
        user1.Screen.Type("/quit");
        (await user1.Running.WaitAsync(Deadline)).Should().Be(ExitCode.Success, string.Join('\n', user1.Screen.Shown));
    }

    /// <summary>User1 listening at a (fake) person's terminal, and a caller, Bob, who chats and leaves.</summary>
    private sealed class Listening : IAsyncDisposable
    {
        private readonly TempHome _home = new();
        private readonly IdentityKey _bob = IdentityKey.Generate();
        private readonly int _port = TestPorts.Free();
        private RunningListener? _user1;

        public FakeTerminal Screen { get; } = new(interactive: true);

        private TypingAsReadEnds Terminal { get; set; } = null!;

        public Task<int> Running => _user1!.Running;

        public static async Task<Listening> StartAsync()
        {
            var user1 = new Listening();
            user1.Terminal = new TypingAsReadEnds(user1.Screen);
            user1._user1 = await RunningListener.StartAsync(ListenerSettings.For(user1._home.Path, user1._port), user1.Terminal);
            return user1;
        }

        /// <summary>Bob says one line and leaves; <paramref name="typedAsItEnds"/> is typed as the conversation stops reading.</summary>
        public async Task ChatAndLeaveAsync(string typedAsItEnds)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, _port);
            var options = new SessionOptions { Identity = _bob, Name = "Bob", TrustPeer = (_, _) => ValueTask.FromResult(true), HandshakeTimeout = TimeSpan.FromMinutes(1) };
            await using SecureSession bob = await SecureSession.InitiateAsync(new NetworkStream(socket, ownsSocket: true), options, new Conversation());
            await bob.WaitForConversationAsync();
            await bob.SendAsync("hello from Bob");
            await Screen.WaitForAsync(s => s.Contains("hello from Bob", StringComparison.Ordinal), Deadline);

            // The conversation's read is under way now: the line is typed when Bob's goodbye cancels it.
            Terminal.TypeWhenAReadIsCancelled(typedAsItEnds);
            await bob.CloseAsync();
            await Terminal.Typed.WaitAsync(Deadline);
        }

        public async ValueTask DisposeAsync()
        {
            if (_user1 is not null)
            {
                await _user1.DisposeAsync();
            }

            _bob.Dispose();
            _home.Dispose();
        }
    }

    /// <summary>
    /// The test's terminal, which types a line the moment a read of it is cancelled: before whoever read sees
    /// the cancellation, so no reader is waiting when the line arrives.
    /// </summary>
    private sealed class TypingAsReadEnds(FakeTerminal inner) : IChatTerminal
    {
        private readonly TaskCompletionSource _typed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _line;

        /// <summary>Completes once the line was typed.</summary>
        public Task Typed => _typed.Task;

        public bool IsInteractive => inner.IsInteractive;

        public int? ProgressWidth => inner.ProgressWidth;

        public void TypeWhenAReadIsCancelled(string line) => Volatile.Write(ref _line, line);

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await inner.ReadLineAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (Interlocked.Exchange(ref _line, null) is { } line)
            {
                inner.Type(line);
                _typed.TrySetResult();
                throw;
            }
        }

        public void DiscardPendingInput() => inner.DiscardPendingInput();

        public string? TakeUnusedLine() => inner.TakeUnusedLine();

        public void ShowIncoming(DateTimeOffset at, string name, string text) => inner.ShowIncoming(at, name, text);

        public void ShowOwn(DateTimeOffset at, string name, string text) => inner.ShowOwn(at, name, text);

        public void ShowSystem(string line) => inner.ShowSystem(line);

        public void ShowWarning(string line) => inner.ShowWarning(line);

        public void ShowProgress(string? line) => inner.ShowProgress(line);
    }
}
