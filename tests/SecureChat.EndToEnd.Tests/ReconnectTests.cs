using System.Text.RegularExpressions;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// Conversations that survive a dropped connection (issue 7): User2 with --reconnect comes back through a
/// fresh handshake, and the lines in flight at the cut, or typed while the connection was down, arrive
/// once and in order; when User1 never comes back, User2 gives up and lists what was never delivered.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class ReconnectTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    /// <summary>Toward User1: hello, key, finish and resume, then User2's records.</summary>
    private const int FirstRecordFrame = 5;

    [Fact]
    public async Task ConnectionCutWithLinesInFlightBothWays_User2Reconnects_EveryLineArrivesOnceAndInOrder()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--wait", ReceiptWait]);
        await using var meter = new TrafficMeter(port);

        // User2's records toward User1 go: a1 (5), the receipt for b1 (6), then a2 or the receipt for b2,
        // whichever leaves first (7): that one is cut, and both lines are in flight.
        const int CutFrame = FirstRecordFrame + 2;
        await using FaultProxy proxy = FaultProxy.Start(meter.Port, new Fault(FaultKind.Cut, Toward.Listener, CutFrame));
        ChatProcess user2 = Sandbox.StartConnector(proxy.Port, homes.User2, ["--reconnect", "--wait", ReceiptWait]);
        await BothConnectedAsync(user1, user2);

        await user2.WriteLineAsync("a1 before the cut");
        await user1.WaitForStdoutAsync(line => IsMessage(line, "User2", "a1 before the cut"), "a1");
        await user1.WriteLineAsync("b1 before the cut");
        await user2.WaitForStdoutAsync(line => IsMessage(line, "User1", "b1 before the cut"), "b1");
        await WaitUntilAsync(() => proxy.Count(Toward.Listener) == CutFrame - 1, "User2's receipt for b1");
        meter.Refusing = true; // the network stays down after the cut until the lines below are typed

        await Task.WhenAll(user1.WriteLineAsync("b2 in flight at the cut"), user2.WriteLineAsync("a2 in flight at the cut"));
        await user2.WaitForStderrAsync("Connection lost — reconnecting in 0.25 s…");
        await user1.WaitForStderrAsync("Still listening");
        await user2.WriteLineAsync("a3 typed while disconnected");
        await user1.WriteLineAsync("b3 typed while disconnected");
        await user2.WaitForStderrAsync("Reconnecting (attempt 2 of 15)…");
        user1.StdoutText.Should().NotContain("a3", "the network is down");
        user2.StdoutText.Should().NotContain("b3", "the network is down");
        meter.Refusing = false;

        await user2.WaitForStderrAsync("Reconnected to User1");
        await user1.WaitForStderrAsync("Reconnected to User2");
        await user2.WriteLineAsync("a4 after the reconnect");
        await user1.WriteLineAsync("b4 after the reconnect");
        await user1.WaitForStdoutAsync(line => line.EndsWith("a4 after the reconnect", StringComparison.Ordinal), "a4");
        await user2.WaitForStdoutAsync(line => line.EndsWith("b4 after the reconnect", StringComparison.Ordinal), "b4");
        user1.CloseInput();
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);

        proxy.Injected.Should().BeTrue();
        meter.Refused.Should().BeGreaterThan(0, "User2 tried while the network was down");
        user1.Stdout.Select(Text).Should().Equal(["a1 before the cut", "a2 in flight at the cut", "a3 typed while disconnected", "a4 after the reconnect"], user1.Transcript);
        user2.Stdout.Select(Text).Should().Equal(["b1 before the cut", "b2 in flight at the cut", "b3 typed while disconnected", "b4 after the reconnect"], user2.Transcript);
        user1.Stdout.Should().OnlyContain(line => IsMessage(line, "User2", Text(line)));
        user2.Stdout.Should().OnlyContain(line => IsMessage(line, "User1", Text(line)));
        user2.StderrText.Should().NotContain("never confirmed");
        user1.StderrText.Should().NotContain("never confirmed");
    }

    [Fact]
    public async Task ListenerKilledAndGone_User2WithTwoReconnectAttempts_GivesUpListsTheUndeliveredLinesAndExits69()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--wait", ReceiptWait]);
        await using FaultProxy proxy = FaultProxy.Start(port); // no fault: it only shows when User1's receipt has gone out
        ChatProcess user2 = Sandbox.StartConnector(proxy.Port, homes.User2, ["--reconnect", "--reconnect-attempts", "2", "--wait", ReceiptWait]);
        await BothConnectedAsync(user1, user2);
        await user2.WriteLineAsync("delivered before the freeze");
        await user1.WaitForStdoutAsync(line => IsMessage(line, "User2", "delivered before the freeze"), "the first line");
        await WaitUntilAsync(() => proxy.Count(Toward.Connector) == 4, "User1's receipt (after its hello, finish and resume)");

        // Frozen, User1 still takes the bytes (its kernel does) but never confirms them; then it dies.
        user1.Signal("STOP");
        await user2.WriteLineAsync("sent to a frozen User1 (1)");
        await user2.WriteLineAsync("sent to a frozen User1 (2)");
        await Task.Delay(300);
        user1.Kill();
        await user2.WaitForStderrAsync("Connection lost — reconnecting in 0.25 s…");
        await user2.WriteLineAsync("typed while reconnecting");
        int exit = await user2.WaitForExitAsync();

        exit.Should().Be(69, user2.Transcript);
        // Issue 20 item 8: the first reconnect is attempt 1. Issue 17 item 9: one line per attempt, with its reason on it.
        var lines = user2.Stderr.ToList();
        int first = lines.FindIndex(line => line.Contains("Reconnecting (attempt 1 of 2)…", StringComparison.Ordinal));
        int second = lines.FindIndex(line => line.Contains("Reconnecting (attempt 2 of 2)…", StringComparison.Ordinal));
        first.Should().BeGreaterThan(-1, user2.Transcript);
        second.Should().Be(first + 1, "no second line for attempt 1\n" + user2.Transcript);
        lines[first].Should().Contain("User1 at 127.0.0.1", "attempt 1's reason is on its own line\n" + user2.Transcript).And.Contain("Next try in 0.5 s.");
        user2.Stderr.Should().Contain($"warning: Gave up reconnecting to 127.0.0.1:{proxy.Port} after 2 attempt(s).", user2.Transcript);
        user2.Stderr.Should().ContainInOrder(["warning:   sent to a frozen User1 (1)", "warning:   sent to a frozen User1 (2)"], user2.Transcript);
        user2.Stderr.Should().Contain("warning:   typed while reconnecting", "a line read but never sent is undelivered too\n" + user2.Transcript);
        user2.StderrText.Should().NotContain("delivered before the freeze", "that one was confirmed");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), what);
            await Task.Delay(10);
        }
    }

    private static string Text(string line) => MessageLine().Match(line) is { Success: true } m ? m.Groups[1].Value : line;

    [GeneratedRegex(@"^\d\d:\d\d:\d\d User\d: (.*)$")]
    private static partial Regex MessageLine();
}
