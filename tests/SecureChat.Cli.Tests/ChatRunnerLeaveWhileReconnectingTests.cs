using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Cli.Views;
using SecureChat.Cli.Views.Script;

namespace SecureChat.Cli.Tests;

/// <summary>
/// Found in review (issue 17 item 1): User2 leaving while it reconnects wrote "You left the conversation."
/// itself, the one sentence of the chat not told as a chat event, so a view that renders events (the full
/// screen) never heard that the user left. It is the <see cref="WeLeft"/> event, as every leaving is.
/// </summary>
public sealed class ChatRunnerLeaveWhileReconnectingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Connector_QuitWhileReconnecting_PublishesWeLeft_WhichTheLineViewSaysOnce()
    {
        using var user1Home = new TempHome();
        using var user2Home = new TempHome();
        int port = TestPorts.Free();
        using var user1Input = new TypedInput();
        await using RunningListener user1 = await RunningListener.StartAsync(ListenerSettings.For(user1Home.Path, port), new ScriptedTerminal(user1Input, new LiveText(), new LiveText()));

        // User2 reaches User1 through a relay, so that closing the relay drops the connection without a goodbye.
        FaultProxy? relay = FaultProxy.Start(port);
        try
        {
            var screen = new FakeTerminal(interactive: true);
            var events = new EventLog();
            ChatSettings settings = ListenerSettings.For(user2Home.Path, relay.Port) with { Role = ChatRole.Connector, ProgramName = "User2", Name = "User2", Reconnect = true };
            using var user2 = new ChatRunner(settings, new EventRecordingTerminal(screen, events), NullLogger.Instance, _ => null);
            Task<int> running = user2.RunAsync(CancellationToken.None);
            await screen.WaitForAsync(s => s.StartsWith("system Connected to User1", StringComparison.Ordinal), Deadline);

            await relay.DisposeAsync(); // the connection drops, and nobody answers at the relay's port any more
            relay = null;
            await events.WaitForAsync<ConnectionLostReconnecting>();
            screen.Type("/quit");
            int exitCode = await running.WaitAsync(Deadline);

            exitCode.Should().Be(ExitCode.Success, "the user left and nothing was undelivered\n" + string.Join('\n', screen.Shown));
            events.Of<WeLeft>().Should().ContainSingle("leaving while reconnecting is told as the chat event\n" + string.Join('\n', events.Events));
            screen.Shown.Should().ContainSingle(s => s == "system " + ChatSentences.WeLeft, "the line view words the event once");
        }
        finally
        {
            if (relay is not null)
            {
                await relay.DisposeAsync();
            }
        }

        await user1.StopAsync();
    }

    /// <summary>
    /// A terminal that, like the full screen, takes the runner's events itself: each is recorded, then shown
    /// in the line view's sentences. (The chat loop's own events reach a line terminal as sentences only.)
    /// </summary>
    private sealed class EventRecordingTerminal(FakeTerminal inner, EventLog events) : IChatTerminal, IChatEvents
    {
        private readonly TerminalView _view = new(inner);

        public bool IsInteractive => inner.IsInteractive;

        public int? ProgressWidth => inner.ProgressWidth;

        public void Publish(ChatEvent chatEvent)
        {
            events.Publish(chatEvent);
            _view.Publish(chatEvent);
        }

        public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => inner.ReadLineAsync(cancellationToken);

        public void DiscardPendingInput() => inner.DiscardPendingInput();

        public string? TakeUnusedLine() => inner.TakeUnusedLine();

        public void ShowIncoming(DateTimeOffset at, string name, string text) => inner.ShowIncoming(at, name, text);

        public void ShowOwn(DateTimeOffset at, string name, string text) => inner.ShowOwn(at, name, text);

        public void ShowSystem(string line) => inner.ShowSystem(line);

        public void ShowWarning(string line) => inner.ShowWarning(line);

        public void ShowProgress(string? line) => inner.ShowProgress(line);
    }
}
