using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// Peer death (issue 6): one app is killed (SIGKILL) mid-message (while a stream of lines flows),
/// mid-handshake, or while idle, or frozen (SIGSTOP: a hung machine whose connection stays open). The
/// other side reports it within the keepalive's peer timeout, in a plain sentence, with exit code 69,
/// and in scripted mode lists every line it sent that was never confirmed. Short timeouts via the hidden
/// options keep each case to seconds.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class PeerDeathTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    private const double PeerTimeoutSeconds = 2;

    private static readonly string[] Timeouts =
        ["--handshake-timeout", "5", "--frame-timeout", "2", "--keepalive", "0.5", "--peer-timeout", "2", "--decision-timeout", "5", "--wait", "2"];

    /// <summary>Process exit and the last output lines, on a loaded machine.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task ListenerKilledWhileTheConnectorStreams_ConnectorExits69AndListsEveryUnconfirmedLine()
    {
        (ChatProcess user1, ChatProcess user2) = await ConnectAsync();
        using var streaming = new CancellationTokenSource();
        Task<int> writing = user2.WriteLinesAsync(Lines(200_000), cancellationToken: streaming.Token);
        await user1.WaitForStdoutLinesAsync(500);

        user1.Kill();
        var clock = Stopwatch.StartNew();
        int exit = await user2.WaitForExitAsync();
        TimeSpan noticed = clock.Elapsed;
        await streaming.CancelAsync();
        await writing;

        exit.Should().Be(69, user2.Transcript);
        user2.StderrText.Should().Contain("was lost");
        user2.StderrText.Should().NotContain("stopped answering", "a killed peer's socket closes at once: the loss is seen, not timed out (the time to exit, printing every unconfirmed line, depends on the load)");
        int[] shown = [.. user1.Stdout.Select(l => Number(Text(l)))];
        int[] listed = [.. Undelivered(user2).Select(Number)];
        listed.Should().NotBeEmpty("lines were in flight when User1 died\n" + user2.Transcript);
        int last = Math.Max(listed.Max(), shown.Length == 0 ? 0 : shown.Max());
        Enumerable.Range(1, last).Except(shown).Except(listed).Should().BeEmpty("every line User2 sent was shown by User1 or is listed as never confirmed");
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"User1 showed {shown.Length} lines before it died; User2 noticed in {noticed.TotalSeconds:0.00} s and listed {listed.Length} unconfirmed"));
    }

    [Fact]
    public async Task ConnectorKilledWhileItStreams_ListenerExits69AndShowedAGapFreePrefix()
    {
        (ChatProcess user1, ChatProcess user2) = await ConnectAsync();
        using var streaming = new CancellationTokenSource();
        Task<int> writing = user2.WriteLinesAsync(Lines(200_000), cancellationToken: streaming.Token);
        await user1.WaitForStdoutLinesAsync(500);

        user2.Kill();
        var clock = Stopwatch.StartNew();
        int exit = await user1.WaitForExitAsync();
        TimeSpan noticed = clock.Elapsed;
        await streaming.CancelAsync();
        await writing;

        exit.Should().Be(69, user1.Transcript);
        user1.StderrText.Should().Match(s => s.Contains("was lost", StringComparison.Ordinal));
        user1.StderrText.Should().NotContain("stopped answering", "a killed peer's socket closes at once: the loss is seen, not timed out");
        int[] shown = [.. user1.Stdout.Select(l => Number(Text(l)))];
        shown.Should().Equal(Enumerable.Range(1, shown.Length), "what arrived before the death is shown whole, once and in order");
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"User1 showed {shown.Length} lines and noticed User2's death in {noticed.TotalSeconds:0.00} s"));
    }

    [Theory]
    [InlineData(ChatApp.User1)]
    [InlineData(ChatApp.User2)]
    public async Task KilledWhileIdle_TheOtherExits69PromptlySayingTheConnectionWasLost(ChatApp killed)
    {
        (ChatProcess user1, ChatProcess user2) = await ConnectAsync();
        (ChatProcess victim, ChatProcess survivor) = killed == ChatApp.User1 ? (user1, user2) : (user2, user1);

        victim.Kill();
        int exit = await survivor.WaitForExitAsync();

        exit.Should().Be(69, survivor.Transcript);
        survivor.StderrText.Should().Contain("was lost").And.NotContain("stopped answering", "a killed peer's socket closes at once: the loss is seen, not timed out");
        survivor.StderrText.Should().NotContain("Unhandled exception").And.NotContain("\n   at ");
    }

    [Theory]
    [InlineData(ChatApp.User1)]
    [InlineData(ChatApp.User2)]
    public async Task FrozenWhileIdle_TheOtherExits69AfterThePeerTimeoutSayingItStoppedAnswering(ChatApp frozen)
    {
        (ChatProcess user1, ChatProcess user2) = await ConnectAsync();
        (ChatProcess victim, ChatProcess survivor) = frozen == ChatApp.User1 ? (user1, user2) : (user2, user1);
        await victim.WriteLineAsync("still here"); // heard from: the peer timeout applies, not the longer decision timeout
        await survivor.WaitForStdoutAsync(l => l.EndsWith("still here", StringComparison.Ordinal), "the victim's line");

        victim.Signal("STOP"); // the connection stays open: only the keepalive can tell
        var clock = Stopwatch.StartNew();
        await survivor.WriteLineAsync("are you there?"); // can never be confirmed
        int exit;
        TimeSpan noticed;
        try
        {
            // Timed to the verdict itself, not to the process exit: leaving reads the script's unread lines
            // and lists what was undelivered first (issue 20), which is no part of noticing.
            await survivor.WaitForStderrAsync("stopped answering", TimeSpan.FromSeconds(PeerTimeoutSeconds) + Slack + Slack);
            noticed = clock.Elapsed;
            exit = await survivor.WaitForExitAsync(TimeSpan.FromSeconds(PeerTimeoutSeconds) + Slack + Slack);
        }
        finally
        {
            victim.Signal("CONT");
        }

        exit.Should().Be(69, survivor.Transcript);
        survivor.StderrText.Should().Contain("stopped answering").And.Contain($"for {PeerTimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s");
        Undelivered(survivor).Should().Contain("are you there?");
        noticed.Should().BeLessThan(TimeSpan.FromSeconds(PeerTimeoutSeconds) + Slack, "the keepalive notices a silent peer at its peer timeout (checked every third of the interval), give or take a loaded machine");
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{survivor.Label} noticed the frozen {victim.Label} after {noticed.TotalSeconds:0.00} s (peer timeout {PeerTimeoutSeconds} s)"));
    }

    [Fact]
    public async Task ConnectorKilledMidHandshake_ListenerDropsTheCallerAndServesTheNextOne()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", .. Timeouts]);
        await using FaultProxy proxy = FaultProxy.Start(port, new Fault(FaultKind.Drop, Toward.Listener, 3)); // User2's finish (after its key frame) never arrives
        ChatProcess user2 = Sandbox.StartConnector(proxy.Port, homes.User2, Timeouts);
        await WaitUntilAsync(() => proxy.Injected);

        user2.Kill();
        await user1.WaitForStderrAsync("failed the handshake and was dropped");

        user1.StderrText.Should().Contain("lost").And.NotContainEquivalentOf("no answer", "the caller's socket closed at once: the loss is seen, not timed out");
        user1.HasExited.Should().BeFalse("a handshake that never finished is not the --once conversation");
        ChatProcess next = Sandbox.StartConnector(port, homes.User2, Timeouts, label: "next User2");
        await next.WriteLineAsync("after the dead one");
        next.CloseInput();
        (await next.WaitForExitAsync()).Should().Be(0, next.Transcript);
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
    }

    [Fact]
    public async Task ListenerKilledMidHandshake_ConnectorExits69SayingTheConnectionWasLost()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", .. Timeouts]);
        await using FaultProxy proxy = FaultProxy.Start(port, new Fault(FaultKind.Drop, Toward.Connector, 2)); // User1's finish never arrives
        ChatProcess user2 = Sandbox.StartConnector(proxy.Port, homes.User2, Timeouts);
        await WaitUntilAsync(() => proxy.Injected);

        user1.Kill();
        int exit = await user2.WaitForExitAsync();

        exit.Should().Be(69, user2.Transcript);
        user2.StderrText.Should().Contain("was lost").And.NotContainEquivalentOf("no answer", "the listener's socket closed at once: the loss is seen, not timed out");
    }

    private static IEnumerable<string> Lines(int count) => Enumerable.Range(1, count).Select(i => $"line {i:D6}");

    private static int Number(string text) => int.Parse(text["line ".Length..], CultureInfo.InvariantCulture);

    private static string Text(string line) => MessageLine().Match(line) is { Success: true } m ? m.Groups[1].Value : line;

    private static IEnumerable<string> Undelivered(ChatProcess process) =>
        process.Stderr.SkipWhile(l => !l.Contains("were never confirmed delivered", StringComparison.Ordinal))
            .Where(l => l.StartsWith("warning:   ", StringComparison.Ordinal)).Select(l => l["warning:   ".Length..]);

    [GeneratedRegex(@"^\d\d:\d\d:\d\d User\d: (.*)$")]
    private static partial Regex MessageLine();

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            clock.Elapsed.Should().BeLessThan(ChatProcess.DefaultTimeout);
            await Task.Delay(10);
        }
    }

    private async Task<(ChatProcess User1, ChatProcess User2)> ConnectAsync()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", .. Timeouts]);
        ChatProcess user2 = Sandbox.StartConnector(port, homes.User2, Timeouts);
        await BothConnectedAsync(user1, user2);
        return (user1, user2);
    }
}
