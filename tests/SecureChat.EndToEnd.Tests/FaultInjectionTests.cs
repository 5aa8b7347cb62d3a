using System.Diagnostics;
using System.Text.RegularExpressions;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// A representative subset of the fault matrix (SecureChat.Cli.Tests, FaultMatrixTests) with the real
/// processes: the same proxy, the same lock-step conversation, and what only processes can show (no
/// crash, no stack trace, the exit code the shell sees).
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class FaultInjectionTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    // Frame numbers count each direction from 1: toward User1 hello, key, finish, resume, then records;
    // toward User2 hello, finish, resume, then records. The faults are in the session (or a garbage hello,
    // refused at once), so the handshake keeps the apps' own 10 s deadline: a loaded machine needs it.
    private static readonly string[] Timeouts =
        ["--handshake-timeout", "10", "--frame-timeout", "1", "--keepalive", "1", "--peer-timeout", "2.5", "--decision-timeout", "3", "--wait", "1"];

    [Fact]
    public async Task FlippedBitInTheFirstMessage_ListenerEndsTheSessionShowingNothingAndTheConnectorListsItsLine()
    {
        Outcome run = await RunAsync(new Fault(FaultKind.FlipPayloadBit, Toward.Listener, 5, Seed: 93));

        // Where the bit lands decides which check fires first: the JSON and base64 rules (76) or the tag (77).
        run.User1Exit.Should().BeOneOf([76, 77], run.Transcript);
        run.User1.Stderr.Should().Contain(l => l.Contains("failed its integrity check", StringComparison.Ordinal) || l.Contains("broke the protocol", StringComparison.Ordinal), run.Transcript);
        run.User1.Stdout.Should().BeEmpty("the tampered message is never shown");
        run.User2Exit.Should().Be(77, "User1 told it the session failed\n" + run.Transcript);
        run.User2.Stderr.Should().Contain(line => line.EndsWith("from User2 line 1", StringComparison.Ordinal), "its line was never delivered, so it is listed");
        run.ShouldNotHaveCrashed();
    }

    [Fact]
    public async Task GarbageBeforeTheHello_ListenerDropsTheCallerAndServesTheNextOne()
    {
        Outcome run = await RunAsync(new Fault(FaultKind.Garbage, Toward.Listener, 1, Seed: 31));

        run.User1.StderrText.Should().Contain("failed the handshake and was dropped").And.Contain("broke the protocol");
        run.User2Exit.Should().Be(77, run.Transcript);
        run.NextCallerExit.Should().Be(0, run.Transcript);
        run.User1Exit.Should().Be(0, run.Transcript);
        run.User1.Stdout.Should().ContainSingle(run.Transcript).Which.Should().EndWith("next caller");
        run.ShouldNotHaveCrashed();
    }

    [Fact]
    public async Task ConnectionCutInsideAMessage_BothExit69AndTheCutMessageIsNeverShown()
    {
        Outcome run = await RunAsync(new Fault(FaultKind.Cut, Toward.Connector, 5));

        run.User2Exit.Should().Be(69, run.Transcript);
        run.User2.StderrText.Should().Contain("was lost");
        run.User2.Stdout.Should().BeEmpty("the message cut in half never shows");
        run.User1Exit.Should().Be(69, run.Transcript);
        run.User1.Stderr.Should().Contain(line => line.EndsWith("from User1 line 1", StringComparison.Ordinal), "the cut message is listed as undelivered");
        run.ShouldNotHaveCrashed();
    }

    [Fact]
    public async Task ReceiptHeldBeyondThePeerTimeout_ConnectorSaysUser1StoppedAnsweringAndExits69()
    {
        Outcome run = await RunAsync(new Fault(FaultKind.Delay, Toward.Connector, 6, TimeSpan.FromSeconds(4)));

        run.User2Exit.Should().Be(69, run.Transcript);
        run.User2.StderrText.Should().Contain("stopped answering");
        run.User1Exit.Should().Be(69, run.Transcript);
        run.ShouldNotHaveCrashed();
    }

    [Fact]
    public async Task MessageDelayedWithinTheTimeouts_ConversationEndsNormally()
    {
        Outcome run = await RunAsync(new Fault(FaultKind.Delay, Toward.Listener, 5, TimeSpan.FromMilliseconds(300)));

        run.User1Exit.Should().Be(0, run.Transcript);
        run.User2Exit.Should().Be(0, run.Transcript);
        run.User1.Stdout.Select(Text).Should().Equal(["from User2 line 1", "from User2 line 2", "from User2 line 3"], run.Transcript);
        run.User2.Stdout.Select(Text).Should().Equal(["from User1 line 1", "from User1 line 2", "from User1 line 3"], run.Transcript);
        run.ShouldNotHaveCrashed();
    }

    private static string Text(string line) => MessageLine().Match(line) is { Success: true } m ? m.Groups[1].Value : line;

    [GeneratedRegex(@"^\d\d:\d\d:\d\d User\d: (.*)$")]
    private static partial Regex MessageLine();

    /// <summary>The lock-step conversation of the matrix (three lines each way) through the proxy, with real processes.</summary>
    private async Task<Outcome> RunAsync(Fault fault)
    {
        int port = ChatSandbox.FreePort();
        string user1Home = homes.User1;
        string user2Home = homes.User2;
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, user1Home, ["--once", "--hello-timeout", "2", .. Timeouts]);
        await using FaultProxy proxy = FaultProxy.Start(port, fault);
        ChatProcess user2 = Sandbox.StartConnector(proxy.Port, user2Home, Timeouts);

        bool quiet() => !user1.HasExited && !user2.HasExited && !user1.Stderr.Concat(user2.Stderr).Any(l => l.StartsWith("warning:", StringComparison.Ordinal));
        bool connected = await UntilAsync(() => user1.StderrText.Contains("Connected to") && user2.StderrText.Contains("Connected to"), TimeSpan.FromSeconds(20), quiet);
        for (int step = 1; connected && step <= 6 && quiet(); step++)
        {
            ChatProcess sender = step % 2 == 1 ? user2 : user1;
            await sender.WriteLineAsync($"from {sender.Label} line {(step + 1) / 2}");
            await UntilAsync(() => proxy.Count(Toward.Listener) >= 3 + step && proxy.Count(Toward.Connector) >= 3 + step, TimeSpan.FromSeconds(2), quiet); // after hello, finish and resume
        }

        // Once one side has reported the fault, the other gets the time to notice it too before User2's input ends.
        bool settled(ChatProcess p) => p.HasExited || p.Stderr.Any(l => l.StartsWith("warning:", StringComparison.Ordinal));
        if (!quiet())
        {
            await UntilAsync(() => settled(user1) && settled(user2), TimeSpan.FromSeconds(4), () => true);
        }

        user2.CloseInput();
        int user2Exit = await user2.WaitForExitAsync();
        await UntilAsync(() => user1.HasExited || user1.StderrText.Contains("failed the handshake and was dropped"), TimeSpan.FromSeconds(10), () => true);
        int? nextExit = null;
        if (!user1.HasExited)
        {
            ChatProcess next = Sandbox.StartConnector(proxy.Port, user2Home, Timeouts, label: "next User2");
            await next.WriteLineAsync("next caller");
            next.CloseInput();
            nextExit = await next.WaitForExitAsync();
        }

        int user1Exit = await user1.WaitForExitAsync();
        return new Outcome(user1, user1Exit, user2, user2Exit, nextExit);
    }

    private static async Task<bool> UntilAsync(Func<bool> done, TimeSpan timeout, Func<bool> worthWaiting)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < timeout && worthWaiting())
        {
            await Task.Delay(10);
        }

        return done();
    }

    private sealed record Outcome(ChatProcess User1, int User1Exit, ChatProcess User2, int User2Exit, int? NextCallerExit)
    {
        public string Transcript => User1.Transcript + "\n" + User2.Transcript;

        public void ShouldNotHaveCrashed()
        {
            foreach (ChatProcess process in new[] { User1, User2 })
            {
                process.StderrText.Should().NotContain("Unhandled exception", process.Transcript).And.NotContain("\n   at ", process.Transcript);
            }
        }
    }
}
