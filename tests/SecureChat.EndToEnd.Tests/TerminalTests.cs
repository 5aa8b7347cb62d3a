using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// Issue 17, with User1 in a real pseudo-terminal (script(1)) and typed at as a person types: what is typed
/// while no conversation runs, the wait for the listener's confirmation, the line view's Ctrl+C and exit,
/// and the view following stdin rather than stdout.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class TerminalTests(ITestOutputHelper output) : EndToEndTest(output)
{
    /// <summary>Toward User1: hello, key, finish and resume, then User2's records.</summary>
    private const int FirstRecordFrame = 5;

    [Fact]
    public async Task Listener_QuitTypedWhileWaitingForACaller_LeavesAtOnceAndEndsItsLine_Issue17()
    {
        using TerminalProcess user1 = StartListener(ChatSandbox.FreePort(), []);
        await user1.WaitForLineAsync("Waiting for User2");

        await user1.TypeAsync("/quit\r");

        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        user1.Screen[^1].Should().BeEmpty("the shell's prompt must start on a line of its own\n" + user1.Transcript);
    }

    [Fact]
    public async Task LineView_CtrlCClearsTheTypedLine_ASecondOnAnEmptyLineLeaves_Issue17()
    {
        using TerminalProcess user1 = StartListener(ChatSandbox.FreePort(), []);
        await user1.WaitForLineAsync("Waiting for User2");
        await user1.TypeAsync("half a thou");
        await user1.WaitForLineAsync("User1> half a thou");

        await user1.TypeAsync("\u0003");
        await user1.WaitForLineAsync(line => line == "User1> ", "the cleared prompt");
        await user1.TypeAsync("\u0003");

        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        user1.Screen.Should().NotContain(line => line.Contains("User1> User1>", StringComparison.Ordinal), "the first prompt is not doubled\n" + user1.Transcript);
        user1.Screen.Should().NotContain(line => line.Contains("Not sent", StringComparison.Ordinal), "Ctrl+C sent nothing\n" + user1.Transcript);
        user1.Screen[^1].Should().BeEmpty(user1.Transcript);
    }

    [Fact]
    public async Task Listener_OutputPipedThroughTee_StaysInteractiveAndLogsTheChat_Issue17()
    {
        string log = Sandbox.NewHome("tee.log"); // a file in the sandbox's folder
        using TerminalProcess user1 = StartListener(ChatSandbox.FreePort(), [], pipeOutputTo: log);
        await user1.WaitForLineAsync("Waiting for User2");

        await user1.TypeAsync("/quit\r"); // a command at a terminal; a script would have taken it as a message

        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        (await File.ReadAllTextAsync(log)).Should().Contain("* Listening on").And.Contain("User1> /quit");
    }

    [Fact]
    public async Task Connector_WaitsForTheListenersYes_ItsEarlyLineArrivesAfterIt_Issue17()
    {
        int port = ChatSandbox.FreePort();
        using TerminalProcess user1 = StartListener(port, []);
        await user1.WaitForLineAsync("Waiting for User2");
        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--wait", ReceiptWait]);
        await user1.WaitForLineAsync("First contact with \"User2\"");
        await user2.WaitForStderrAsync("Waiting for User1 to confirm");

        await user2.WriteLineAsync("written before the yes");
        user2.StderrText.Should().NotContain("Connected to", "User1's user has not answered yet");
        await user1.TypeAsync("yes\r");

        await user2.WaitForStderrAsync("Connected to User1");
        await user1.WaitForLineAsync(line => IsShownFromUser2(line, "written before the yes"), "User2's early line");
        user2.CloseInput();
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        await user1.TypeAsync("/quit\r");
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
    }

    [Fact]
    public async Task Listener_LineTypedWhileThePeerIsAway_IsQueuedVisiblyAndDeliveredWhenItReconnects_Issue17()
    {
        int port = ChatSandbox.FreePort();
        using TerminalProcess user1 = StartListener(port, ["--trust", "accept-new"]);
        await user1.WaitForLineAsync("Waiting for User2");
        await using var meter = new TrafficMeter(port);
        await using FaultProxy proxy = FaultProxy.Start(meter.Port, new Fault(FaultKind.Cut, Toward.Listener, FirstRecordFrame));
        ChatProcess user2 = Sandbox.StartConnector(proxy.Port, Sandbox.NewHome("user2"), ["--reconnect", "--wait", ReceiptWait]);
        await user1.WaitForLineAsync("Connected to User2");
        await user2.WaitForStderrAsync("Connected to User1");

        meter.Refusing = true; // the network stays down after the cut until the line is typed
        await user2.WriteLineAsync("cut on its way");
        await user1.WaitForLineAsync("Still listening");
        await user1.TypeAsync("typed while User2 is away\r");
        await user1.WaitForLineAsync("Queued, will be sent when User2 is back: typed while User2 is away");
        meter.Refusing = false;

        await user2.WaitForStdoutAsync(line => IsMessage(line, "User1", "typed while User2 is away"), "the queued line");
        await user1.WaitForLineAsync(line => IsShownFromUser2(line, "cut on its way"), "User2's line from the cut");
        user2.CloseInput();
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        await user1.TypeAsync("/quit\r");
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        user1.Screen.Should().NotContain(line => line.Contains("never confirmed", StringComparison.Ordinal), user1.Transcript);
    }

    [Fact]
    public async Task Listener_LineQueuedForAPeerThatNeverReturns_IsListedWhenTheUserLeaves_Issue17()
    {
        int port = ChatSandbox.FreePort();
        using TerminalProcess user1 = StartListener(port, ["--trust", "accept-new"]);
        await user1.WaitForLineAsync("Waiting for User2");
        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--reconnect", "--wait", ReceiptWait]);
        await user1.WaitForLineAsync("Connected to User2");
        user2.Kill();
        await user1.WaitForLineAsync("Still listening");

        await user1.TypeAsync("for a peer who is gone\r");
        await user1.WaitForLineAsync("Queued, will be sent when User2 is back");
        await user1.TypeAsync("/quit\r");

        await user1.WaitForExitAsync();
        user1.Screen.Should().Contain(line => line.Contains("never confirmed delivered", StringComparison.Ordinal), user1.Transcript);
        user1.Screen.Should().Contain(line => line.StartsWith('!') && line.EndsWith("  for a peer who is gone", StringComparison.Ordinal), user1.Transcript);
    }

    [Fact]
    public async Task Connector_LineTypedWhileReconnecting_IsQueuedVisiblyAndListedWhenTheUserLeaves_Issue17()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"), ["--wait", ReceiptWait]);
        using TerminalProcess user2 = TerminalProcess.Start(ChatApp.User2, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--home", Sandbox.NewHome("user2"), "--trust", "accept-new", "--reconnect", "--wait", ReceiptWait]);
        await user2.WaitForLineAsync("Connected to User1");
        user1.Kill();
        await user2.WaitForLineAsync("Connection lost — reconnecting");

        await user2.TypeAsync("typed while User1 is gone\r");
        await user2.WaitForLineAsync("Queued, will be sent when User1 is back: typed while User1 is gone");
        await user2.TypeAsync("/quit\r");

        (await user2.WaitForExitAsync()).Should().Be(0, "the user left: /quit keeps its exit code\n" + user2.Transcript);
        user2.Screen.Should().Contain(line => line.StartsWith('!') && line.EndsWith("  typed while User1 is gone", StringComparison.Ordinal), "listed as never delivered\n" + user2.Transcript);
    }

    /// <summary>A message from User2 as the line view shows it: a peer new in this run speaks under a short fingerprint.</summary>
    private static bool IsShownFromUser2(string line, string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(line, $@"^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] User2( \[SHA256:[^\]]+\])?: {System.Text.RegularExpressions.Regex.Escape(text)}$");

    private TerminalProcess StartListener(int port, string[] more, string? pipeOutputTo = null)
    {
        return TerminalProcess.Start(ChatApp.User1, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--home", Sandbox.NewHome("user1"), "--wait", ReceiptWait, .. more], pipeOutputTo);
    }
}
