// The full screen (issue 17) as a person meets it: the real apps on their screens in tmux panes
// (Harness/ScreenSession), typed at with `tmux send-keys` and read back with `tmux capture-pane`; where the
// other side is not what a test is about, it is the real app as a script. Each test checks one thing a
// person would notice if it broke.
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

[Collection(ProcessTests.Name)]
public sealed partial class ScreenTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Screen_LongLinePendingWhileThreeMessagesArrive_ArrivesIntactAndLeavesNoStaleRows()
    {
        int port = ChatSandbox.FreePort();
        string longLine = "LONG:" + string.Concat(Enumerable.Range(0, 35).Select(i => $"w{i:00}x ")).TrimEnd() + " END";
        longLine.Length.Should().BeGreaterThanOrEqualTo(180);
        using ScreenSession user1 = await StartUser1Async(port, homes.User1, "--once", "--trust", "accept-new");
        ChatProcess user2 = Sandbox.StartConnector(port, homes.User2, ["--name", "Bob", "--wait", ReceiptWait]);
        await user2.WaitForStderrAsync("Connected to");
        await user1.WaitForTextAsync("│ connected");

        user1.Type(longLine[..100]);
        await user1.WaitForTextAsync(longLine[60..99]); // the field scrolls, so its tail
        foreach (string text in new[] { "first from Bob", "second from Bob", "third from Bob" })
        {
            await user2.WriteLineAsync(text);
        }

        await user1.WaitForTextAsync("third from Bob");
        user1.Type(longLine[100..]);
        user1.Press("Enter");
        await user2.WaitForStdoutAsync(line => IsMessage(line, "Alice", longLine), "the long line, whole");
        string pane = await user1.WaitForTextAsync("✓ Alice: LONG:");

        string[] rows = ScreenSession.Rows(pane);
        rows.Count(r => r.Contains("LONG:", StringComparison.Ordinal)).Should().Be(1, "the line appears once, as the message sent, and nowhere as a stale copy\n" + pane);
        rows.Where(r => r.Contains("w20x", StringComparison.Ordinal)).Should().ContainSingle("no stale row of the pending line\n" + pane);
        ScreenSession.LastRow(pane).Should().Be("Alice>", "the input line is empty after sending\n" + pane);
        foreach (string text in new[] { "first from Bob", "second from Bob", "third from Bob" })
        {
            rows.Count(r => r.Contains(text, StringComparison.Ordinal)).Should().Be(1, pane);
        }
    }

    [Fact]
    public async Task Screen_QuitTypedWhileWaitingForACaller_LeavesAtOnceWithExit0AndThePromptOnItsOwnLine()
    {
        // No --once: the default listener, which would wait for caller after caller.
        using ScreenSession user1 = await StartUser1Async(ChatSandbox.FreePort(), homes.User1);
        await user1.WaitForTextAsync("waiting for a caller");

        user1.Type("/quit");
        user1.Press("Enter");
        int exit = await user1.WaitForExitAsync();

        exit.Should().Be(0, user1.LastPane);
        user1.LastPane.Should().NotContain("Alice> [exit", "the shell's prompt is not glued to the app's");
    }

    [Fact]
    public async Task Screen_LineTypedAfterThePeerDrops_ShownQueuedAndDeliveredWhenUser2Reconnects()
    {
        int port = ChatSandbox.FreePort();
        using ScreenSession user1 = await StartUser1Async(port, homes.User1, "--trust", "accept-new");
        await using var gate = new TrafficMeter(port); // turns User2's reconnects away while the line is typed
        await using var link = new LinkSimulator(gate.Port, new LinkProfile()); // cuts the connection
        ChatProcess user2 = Sandbox.StartConnector(link.Port, homes.User2, ["--name", "Bob", "--reconnect", "--wait", ReceiptWait]);
        await user2.WaitForStderrAsync("Connected to");
        await user1.WaitForTextAsync("│ connected");
        await user2.WriteLineAsync("before the drop");
        await user1.WaitForTextAsync("before the drop"); // "Bob:" or "Bob [SHA256:…]:", as another test left Bob known or not

        gate.Refusing = true;
        link.Cut();
        await user2.WaitForStderrAsync("Connection lost");
        await user1.WaitForTextAsync("If Bob reconnects, the conversation resumes"); // the conversation is kept for Bob
        const string Typed = "typed while Bob was away";
        user1.Type(Typed);
        user1.Press("Enter");
        string queued = await user1.WaitForTextAsync("Queued, will be sent when Bob is back: " + Typed);
        user2.StdoutText.Should().NotContain(Typed, "the network is down");
        await gate.FirstRefusal.WaitAsync(TimeSpan.FromSeconds(90)); // User2 tried while the network was down

        gate.Refusing = false;
        await user2.WaitForStdoutAsync(line => IsMessage(line, "Alice", Typed), "the queued line, after the reconnect");
        string pane = await user1.WaitForTextAsync("Reconnected to Bob");
        gate.Refused.Should().BeGreaterThan(0, "User2 tried while the network was down");
        user2.Stdout.Count(line => line.EndsWith(Typed, StringComparison.Ordinal)).Should().Be(1, "delivered once\n" + user2.Transcript);
        _output.WriteLine("--- User1's pane while the line was queued:\n" + queued + "\n--- after the reconnect:\n" + pane);
    }

    [Fact]
    public async Task Screen_User2WhileUser1HasNotAnswered_SaysWaitingForAliceToConfirm_ThenConnectedAfterYes()
    {
        int port = ChatSandbox.FreePort();
        using ScreenSession user1 = await StartUser1Async(port, Sandbox.NewHome("alice"), "--once"); // --trust ask: the default at a terminal
        await user1.WaitForTextAsync("waiting for a caller");
        using ScreenSession user2 = await ScreenSession.StartAsync(
            ChatApp.User2, ["--port", Number(port), "--home", Sandbox.NewHome("bob"), "--name", "Bob", "--trust", "accept-new"], label: "User2");

        await user1.WaitForTextAsync("┤First contact├");
        string waiting = await user2.WaitForTextAsync("│ waiting for Alice to confirm");
        StatusRow(waiting).Should().NotContain("│ connected", waiting);
        user2.Type("typed before Alice answered");
        user2.Press("Enter");
        await user2.WaitForTextAsync("Queued, will be sent when Alice confirms: typed before Alice answered");
        StatusRow(user2.LastPane).Should().Contain("waiting for Alice to confirm", "Alice has still not answered\n" + user2.LastPane);

        user1.Press("y"); // the box's "Yes, remember"
        string connected = await user2.WaitForTextAsync("│ connected");
        await user1.WaitForTextAsync("Bob [SHA256:");
        string received = await user1.WaitForTextAsync("typed before Alice answered");
        StatusRow(connected).Should().NotContain("waiting for", connected);
        _output.WriteLine("--- User2 waiting:\n" + waiting + "\n--- User2 connected:\n" + connected + "\n--- User1:\n" + received);
    }

    [Fact]
    public async Task Screen_CtrlCWithAHalfTypedLine_ClearsItWithoutLeavingAndUpBringsItBack_CtrlCOnAnEmptyLineLeaves()
    {
        using ScreenSession user1 = await StartUser1Async(ChatSandbox.FreePort(), homes.User1);
        await user1.WaitForTextAsync("waiting for a caller");
        user1.Type("half typed, not sent");
        await user1.WaitForAsync(pane => ScreenSession.LastRow(pane) == "Alice> half typed, not sent", "the typed line");

        user1.Press("C-c");
        await user1.WaitForAsync(pane => ScreenSession.LastRow(pane) == "Alice>", "the input line cleared");
        user1.Press("Up");
        string recalled = await user1.WaitForAsync(
            pane => ScreenSession.LastRow(pane) == "Alice> half typed, not sent", "the cleared line brought back by Up (the app still runs)");
        recalled.Should().Contain("waiting for a caller", "the screen is still up");

        user1.Press("C-c");
        await user1.WaitForAsync(pane => ScreenSession.LastRow(pane) == "Alice>", "the input line cleared again");
        user1.Press("C-c");
        int exit = await user1.WaitForExitAsync();

        exit.Should().Be(0, user1.LastPane);
    }

    [Fact]
    public async Task Screen_EmojiCombiningMarksAndCjk_TypedArriveIntact_AndAReceivedZwjSequenceShowsAsItself()
    {
        int port = ChatSandbox.FreePort();
        using ScreenSession user1 = await StartUser1Async(port, homes.User1, "--once", "--trust", "accept-new");
        ChatProcess user2 = Sandbox.StartConnector(port, homes.User2, ["--name", "Bob", "--wait", ReceiptWait]);
        await user2.WaitForStderrAsync("Connected to");
        await user1.WaitForTextAsync("│ connected");

        // A waving hand with a skin tone, "café" with a combining acute accent (e + U+0301), and Chinese.
        const string Typed = "wave 👋🏽 cafe\u0301 你好世界 end";
        user1.Type(Typed);
        user1.Press("Enter");
        await user2.WaitForStdoutAsync(line => IsMessage(line, "Alice", Typed), "the typed line, every code point intact");

        // A woman technologist (👩 U+200D 💻) and a family of three, joined by zero-width joiners.
        const string Sent = "coder 👩\u200d💻 family 👩\u200d👩\u200d👧 done";
        await user2.WriteLineAsync(Sent);
        string pane = await user1.WaitForTextAsync("coder 👩\u200d💻 family 👩\u200d👩\u200d👧 done");

        pane.Should().NotContain("\\u200d").And.NotContain("\uFFFD", "no escaped or replaced character");
        await user1.WaitForTextAsync("✓ Alice: " + Typed);
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The status line: the row that says where the connection stands.</summary>
    private static string StatusRow(string pane) =>
        ScreenSession.Rows(pane).LastOrDefault(row => row.Contains("waiting for", StringComparison.Ordinal) || row.Contains("connected", StringComparison.Ordinal) || row.Contains("connecting", StringComparison.Ordinal)) ?? string.Empty;

    /// <summary>User1 as Alice on its screen (100×30), listening on <paramref name="port"/>.</summary>
    private static async Task<ScreenSession> StartUser1Async(int port, string home, params string[] more)
    {
        ScreenSession user1 = await ScreenSession.StartAsync(ChatApp.User1, ["--port", Number(port), "--home", home, "--name", "Alice", .. more], label: "User1");
        try
        {
            await user1.WaitForTextAsync("Listening on");
            return user1;
        }
        catch
        {
            user1.Dispose();
            throw;
        }
    }
}
