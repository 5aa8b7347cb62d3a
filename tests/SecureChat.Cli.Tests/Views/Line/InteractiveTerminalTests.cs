using System.Threading.Channels;
using SecureChat.Cli.Views.Line;

namespace SecureChat.Cli.Tests.Views.Line;

/// <summary>Issue 17 item 6: the line view's prompt, Ctrl+C and exit, with keys typed through its key source.</summary>
public sealed class InteractiveTerminalTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly ConsoleKeyInfo CtrlC = new('\u0003', ConsoleKey.C, shift: false, alt: false, control: true);
    private static readonly ConsoleKeyInfo Enter = new('\r', ConsoleKey.Enter, shift: false, alt: false, control: false);

    [Fact]
    public async Task FirstPrompt_AfterLinesPrinted_IsShownOnce_Issue17()
    {
        var keys = new Keys();
        var output = new StringWriter();
        using var terminal = new InteractiveTerminal(output, "Bob> ", colour: false) { ReadKey = keys.Next };
        terminal.ShowSystem("Connected to Alice.");

        Task<string?> read = terminal.ReadLineAsync(CancellationToken.None);
        keys.Type("hi");
        keys.Press(Enter);

        (await read.WaitAsync(Deadline)).Should().Be("hi");
        output.ToString().Should().NotContain("Bob> Bob> ", "the prompt is drawn in place, once").And.Contain("* Connected to Alice.");
    }

    [Fact]
    public async Task CtrlC_WithTextTyped_ClearsTheLineAndStays_Issue17()
    {
        var keys = new Keys();
        int interrupts = 0;
        using var terminal = new InteractiveTerminal(new StringWriter(), "Bob> ", colour: false) { ReadKey = keys.Next, Interrupt = () => Interlocked.Increment(ref interrupts) };

        Task<string?> read = terminal.ReadLineAsync(CancellationToken.None);
        keys.Type("half a thou");
        keys.Press(CtrlC);
        keys.Type("whole line");
        keys.Press(Enter);

        (await read.WaitAsync(Deadline)).Should().Be("whole line", "Ctrl+C cleared what was typed before it");
        Volatile.Read(ref interrupts).Should().Be(0, "Ctrl+C with text typed does not leave");
    }

    [Fact]
    public async Task CtrlC_OnAnEmptyLine_Leaves_Issue17()
    {
        var keys = new Keys();
        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var terminal = new InteractiveTerminal(new StringWriter(), "Bob> ", colour: false) { ReadKey = keys.Next, Interrupt = () => left.TrySetResult() };

        _ = terminal.ReadLineAsync(CancellationToken.None);
        keys.Type("x");
        keys.Press(CtrlC);
        keys.Press(CtrlC);

        await left.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Dispose_AfterThePrompt_EndsTheLineSoTheShellPromptStandsAlone_Issue17()
    {
        var keys = new Keys();
        var output = new StringWriter();
        var terminal = new InteractiveTerminal(output, "Bob> ", colour: false) { ReadKey = keys.Next };
        Task<string?> read = terminal.ReadLineAsync(CancellationToken.None);
        keys.Type("bye");
        keys.Press(Enter);
        await read.WaitAsync(Deadline);
        terminal.ShowSystem("You left the conversation.");

        terminal.Dispose();

        string shown = output.ToString();
        shown.Should().EndWith("* You left the conversation." + Environment.NewLine + "Bob> \r\u001b[2K", "the empty prompt is erased, leaving the cursor at the start of a line of its own");
    }

    /// <summary>Keys for the terminal's key thread, given one at a time as the test types them.</summary>
    private sealed class Keys
    {
        private readonly BlockingCollectionOfKeys _keys = new();

        public ConsoleKeyInfo Next() => _keys.Take();

        public void Type(string text)
        {
            foreach (char c in text)
            {
                Press(new ConsoleKeyInfo(c, ConsoleKey.NoName, shift: false, alt: false, control: false));
            }
        }

        public void Press(ConsoleKeyInfo key) => _keys.Add(key);

        private sealed class BlockingCollectionOfKeys
        {
            private readonly Channel<ConsoleKeyInfo> _channel = Channel.CreateUnbounded<ConsoleKeyInfo>();

            public void Add(ConsoleKeyInfo key) => _channel.Writer.TryWrite(key);

            public ConsoleKeyInfo Take() => _channel.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
