using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Files;
using SecureChat.Cli.Views;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>
/// Drives the chat core as a view would: input goes in through <see cref="Type"/> and <see cref="Command"/>,
/// every published event is recorded, and a test waits for the event it expects (no sleeps).
/// </summary>
internal sealed class ChatDriver : IChatInput, IChatEvents
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly System.Threading.Channels.Channel<ChatInput?> _input = System.Threading.Channels.Channel.CreateUnbounded<ChatInput?>();
    private readonly EventLog _log = new();

    public IReadOnlyList<ChatEvent> Events => _log.Events;

    /// <summary>The messages shown from the peer, in order.</summary>
    public IReadOnlyList<string> Incoming => [.. Events.OfType<MessageShown>().Where(m => !m.Own).Select(m => m.Text)];

    /// <summary>A chat loop over <paramref name="session"/> reading from and publishing to this driver.</summary>
    public static async Task<ChatLoop> LoopAsync(SecureSession session, ChatDriver driver, string name, ChatLoopSettings? settings = null)
    {
        Conversation conversation = await session.WaitForConversationAsync().WaitAsync(Deadline);
#pragma warning disable CA2000 // the files live as long as the test's sessions; nothing is open until a transfer
        var state = new ChatState(conversation, new FileTransfers(driver, new FilePolicy(null, ByteSize.DefaultMaxFileSize), NullLogger.Instance, TimeProvider.System));
#pragma warning restore CA2000
        return new ChatLoop(session, state, driver, driver, settings ?? new ChatLoopSettings(name, TimeSpan.FromSeconds(10)), NullLogger.Instance);
    }

    /// <summary>Bob's and Alice's drivers with their chat loops running over <paramref name="bob"/> and <paramref name="alice"/>.</summary>
    public static async Task<(ChatDriver Bob, ChatDriver Alice, Task<ChatOutcome> BobRun, Task<ChatOutcome> AliceRun)> PairAsync(SecureSession bob, SecureSession alice)
    {
        var bobChat = new ChatDriver();
        var aliceChat = new ChatDriver();
        Task<ChatOutcome> bobRun = (await LoopAsync(bob, bobChat, "bob")).RunAsync(default);
        Task<ChatOutcome> aliceRun = (await LoopAsync(alice, aliceChat, "alice")).RunAsync(default);
        return (bobChat, aliceChat, bobRun, aliceRun);
    }

    /// <summary>A chat loop over <paramref name="session"/> as the apps build it: a terminal's view and input.</summary>
    public static async Task<ChatLoop> TerminalLoopAsync(SecureSession session, IChatTerminal terminal, string name, TimeSpan receiptWait, FileTransfers? files = null)
    {
        Conversation conversation = await session.WaitForConversationAsync().WaitAsync(Deadline);
#pragma warning disable CA2000 // the files live as long as the test's sessions; nothing is open until a transfer
        var state = new ChatState(conversation, files ?? new FileTransfers(new TerminalView(terminal), new FilePolicy(null, ByteSize.DefaultMaxFileSize), NullLogger.Instance, TimeProvider.System));
#pragma warning restore CA2000
        var settings = new ChatLoopSettings(name, receiptWait) { ListRefusedLines = !terminal.IsInteractive };
        return new ChatLoop(session, state, new TerminalInput(terminal), new TerminalView(terminal), settings, NullLogger.Instance);
    }

    public void Type(string text) => _input.Writer.TryWrite(new TextInput(text));

    public void Command(string line) => _input.Writer.TryWrite(new CommandInput(SlashCommand.Parse(line)));

    public void EndInput() => _input.Writer.TryWrite(null);

    public async Task<ChatInput?> ReadAsync(CancellationToken cancellationToken) => await _input.Reader.ReadAsync(cancellationToken);

    public void Publish(ChatEvent chatEvent) => _log.Publish(chatEvent);

    /// <summary>Waits until an event of type <typeparamref name="T"/> matching <paramref name="match"/> has been published.</summary>
    public Task<T> WaitForAsync<T>(Func<T, bool>? match = null)
        where T : ChatEvent => _log.WaitForAsync(match);

    /// <summary>Waits for the peer's message <paramref name="text"/>.</summary>
    public Task<MessageShown> WaitForIncomingAsync(string text) => WaitForAsync<MessageShown>(m => !m.Own && m.Text == text);
}
