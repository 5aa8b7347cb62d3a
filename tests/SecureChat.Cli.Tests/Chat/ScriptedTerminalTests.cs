using SecureChat.Cli.Chat;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Cli.Views.Script;

namespace SecureChat.Cli.Tests.Chat;

public sealed class ScriptedTerminalTests
{
    /// <summary>
    /// Regression (issue 6, found by the soak, "a thread per input line"): every line read started a new
    /// thread, which cost more CPU than sealing the message and capped a script at ~600 messages a second.
    /// </summary>
    [Fact]
    public async Task ReadLine_ManyLines_AreAllReadOnOneThread()
    {
        var input = new ThreadRecordingReader(Enumerable.Range(1, 200).Select(i => $"line {i}"));
        var terminal = new ScriptedTerminal(input, TextWriter.Null, TextWriter.Null);

        var lines = new List<string?>();
        for (int i = 0; i < 201; i++)
        {
            lines.Add(await terminal.ReadLineAsync(CancellationToken.None));
        }

        lines.Should().Equal([.. Enumerable.Range(1, 200).Select(i => $"line {i}"), null]);
        input.Threads.Should().ContainSingle("one thread serves every read");
    }

    [Fact]
    public async Task ReadLine_AfterTheEndOfInput_IsNullAtOnceWithoutReadingAgain()
    {
        var input = new ThreadRecordingReader(["only"]);
        var terminal = new ScriptedTerminal(input, TextWriter.Null, TextWriter.Null);
        (await terminal.ReadLineAsync(CancellationToken.None)).Should().Be("only");
        (await terminal.ReadLineAsync(CancellationToken.None)).Should().BeNull();

        (await terminal.ReadLineAsync(CancellationToken.None)).Should().BeNull();

        input.Reads.Should().Be(2, "the reader thread ended with the input");
    }

    [Fact]
    public async Task ReadLine_AbandonedWait_TheLineGoesToTheNextCallAndIsReadOnlyOnce()
    {
        using var input = new TypedInput();
        var terminal = new ScriptedTerminal(input, TextWriter.Null, TextWriter.Null);
        using var cancel = new CancellationTokenSource();
        Task<string?> abandoned = terminal.ReadLineAsync(cancel.Token);
        await cancel.CancelAsync();
        await abandoned.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();

        input.Type("kept");
        input.Type("next");

        (await terminal.ReadLineAsync(CancellationToken.None)).Should().Be("kept");
        (await terminal.ReadLineAsync(CancellationToken.None)).Should().Be("next");
        input.Consumed.Should().Equal("kept", "next");
    }

    [Fact]
    public async Task TakeUnusedLine_AfterAnAbandonedReadTookALine_ReturnsItOnce()
    {
        using var input = new TypedInput();
        var terminal = new ScriptedTerminal(input, TextWriter.Null, TextWriter.Null);
        using var cancel = new CancellationTokenSource();
        Task<string?> abandoned = terminal.ReadLineAsync(cancel.Token);
        await cancel.CancelAsync();
        await abandoned.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
        input.Type("read but never sent");
        SpinWait.SpinUntil(() => input.Consumed.Count == 1, TimeSpan.FromSeconds(5));

        string? unused = null;
        SpinWait.SpinUntil(() => (unused = terminal.TakeUnusedLine()) is not null, TimeSpan.FromSeconds(5));

        unused.Should().Be("read but never sent");
        terminal.TakeUnusedLine().Should().BeNull();
    }

    /// <summary>Issue 20 item 4: a script's lines that no conversation read are taken, in order, to be listed.</summary>
    [Fact]
    public async Task TakeUnreadInput_AfterSomeLinesWereRead_ReturnsTheRestInOrderAndTheEnd()
    {
        var terminal = new ScriptedTerminal(new StringReader("sent\nnever read 1\n\nnever read 2\n"), TextWriter.Null, TextWriter.Null);
        (await terminal.ReadLineAsync(CancellationToken.None)).Should().Be("sent");

        UnreadInput unread = terminal.TakeUnreadInput(Timeout.InfiniteTimeSpan);

        unread.Lines.Should().Equal("never read 1", "never read 2");
        unread.ReachedEnd.Should().BeTrue();
        terminal.TakeUnreadInput(Timeout.InfiniteTimeSpan).Lines.Should().BeEmpty("taken once");
    }

    [Fact]
    public void TakeUnreadInput_NothingEverAskedForALine_ReadsNothing()
    {
        var input = new ThreadRecordingReader(["a line the first connection never got to"]);
        var terminal = new ScriptedTerminal(input, TextWriter.Null, TextWriter.Null);

        terminal.TakeUnreadInput(Timeout.InfiniteTimeSpan).Should().Be(UnreadInput.None);

        input.Threads.Should().BeEmpty("the input was not touched");
    }

    private sealed class ThreadRecordingReader(IEnumerable<string> lines) : TextReader
    {
        private readonly IEnumerator<string> _lines = lines.GetEnumerator();

        public HashSet<Thread> Threads { get; } = [];

        public int Reads { get; private set; }

        public override string? ReadLine()
        {
            lock (Threads)
            {
                Threads.Add(Thread.CurrentThread);
                Reads++;
            }

            return _lines.MoveNext() ? _lines.Current : null;
        }
    }
}
