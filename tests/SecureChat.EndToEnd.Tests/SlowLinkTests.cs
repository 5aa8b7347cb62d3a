using System.Diagnostics;
using System.Globalization;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// The real apps across the link simulator (issue 20): a slow handshake, a file whose chunks take longer
/// than the frame timeout, a stall. Time is real, so CI runs each case at a scale that keeps its property
/// and finishes in seconds; SECURECHAT_SLOW_LINKS=full runs the issue's own figures (docs/robustness.md).
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class SlowLinkTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(120);

    private readonly ITestOutputHelper _log = output;

    /// <summary>Whether the long cases were asked for.</summary>
    public static bool Full => string.Equals(Environment.GetEnvironmentVariable("SECURECHAT_SLOW_LINKS"), "full", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A file of <c>size</c> bytes over a link of <c>kbps</c>: in CI each 48 KiB chunk (a 49,341-byte binary
    /// record frame) takes 1.5 s, longer than the 1 s frame timeout, and the whole transfer longer than the
    /// peer timeout, so the transfer lives only because liveness is measured by progress. (The full case,
    /// 64 kbit/s, now crosses a chunk in about 6 s, within the default 10 s: the 87 KB JSON chunk took 11.)
    /// </summary>
    public static TheoryData<string, int, double, string[]> FileCases => Full
        ? new() { { "300 KB over 64 kbit/s, default timeouts", 300_000, 64, [] } }
        : new() { { "120 KB over 256 kbit/s, 1 s frame timeout, 3 s peer timeout", 120_000, 256, ["--frame-timeout", "1", "--keepalive", "1", "--peer-timeout", "3"] } };

    [Theory]
    [MemberData(nameof(FileCases))]
    public async Task FileOverASlowLink_ChunksSlowerThanTheFrameTimeout_ArrivesVerifiedWithNoFalseAlarm(string label, int size, double kbps, string[] timeouts)
    {
        string work = Sandbox.NewHome("slow-file");
        string file = SampleFile.Create(Path.Combine(work, "out", "slow.bin"), size, seed: 20);
        string dir = Directory.CreateDirectory(Path.Combine(work, "in")).FullName;
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--accept-files", dir, "--wait", ReceiptWait, .. timeouts]);
        await using var link = new LinkSimulator(port, LinkProfile.Kbps(kbps, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(10)));
        ChatProcess user2 = Sandbox.StartConnector(link.Port, homes.User2, ["--send", file, "--wait", ReceiptWait, .. timeouts]);
        await BothConnectedAsync(user1, user2);
        var clock = Stopwatch.StartNew();
        user2.CloseInput(); // the script ends; it waits for its transfer before it leaves

        int user2Exit = await user2.WaitForExitAsync(Slow);
        int user1Exit = await user1.WaitForExitAsync(Slow);

        _log.WriteLine($"{label}: {clock.Elapsed.TotalSeconds:0.0} s, {link.DeliveredToListener} bytes toward User1");
        user2Exit.Should().Be(0, user2.Transcript);
        user1Exit.Should().Be(0, user1.Transcript);
        SampleFile.Sha256(Path.Combine(dir, "slow.bin")).Should().Be(SampleFile.Sha256(file));
        user2.StderrText.Should().Contain("arrived at User1: SHA-256 verified").And.NotContain("stopped answering");
        user1.StderrText.Should().NotContain("stopped answering").And.NotContain("did not finish");
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(size / (kbps * 1000 / 8)), "the link really was that slow (the file's bytes alone take this long)");
    }

    [Theory]
    [InlineData(1.5)] // the case, with the default 10 s: about 3 s per round trip
    [InlineData(2.0, "--handshake-timeout", "6")] // User2 needs 8 s and more: only a deadline that follows the link lets it finish
    public async Task Handshake_SlowerThanTheTimeoutAllows_DeadlineFollowsTheLinkAndTheChatWorks(double oneWaySeconds, params string[] timeout)
    {
        // Issue 20 item 3: the initiator needs two round trips after its first; a fixed deadline ends it, a
        // deadline stretched by the measured round trip does not. (The responder measures only when frame 3
        // arrives, so its hello wait and first round trip must fit its plain timeout: User1 keeps the default.)
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--wait", "20"]);
        await using var link = new LinkSimulator(port, new LinkProfile(TimeSpan.FromSeconds(oneWaySeconds), TimeSpan.FromMilliseconds(100)));
        ChatProcess user2 = Sandbox.StartConnector(link.Port, homes.User2, ["--wait", "20", "--verbosity", "information", .. timeout]);

        await ChatAndEndAsync(user1, user2);

        user2.StderrText.Should().NotContain("slow link").And.NotContain("No answer");
        user2.StderrText.Should().NotContain("texts resent", "issue 20 item 8: a first connection resumed nothing");
    }

    [Fact]
    public async Task Blackout_ShorterThanThePeerTimeout_EveryLineArrivesOnceInOrderAndNothingIsReported()
    {
        // A mobile stall: everything held both ways for 2 s (the peer timeout is 3 s), then released.
        int port = ChatSandbox.FreePort();
        string[] timeouts = ["--keepalive", "1", "--peer-timeout", "3"];
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--wait", ReceiptWait, .. timeouts]);
        await using var link = new LinkSimulator(port, new LinkProfile(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(30)), seed: 7);
        ChatProcess user2 = Sandbox.StartConnector(link.Port, homes.User2, ["--wait", ReceiptWait, .. timeouts]);
        await BothConnectedAsync(user1, user2);

        link.Blackout(TimeSpan.FromSeconds(2));
        string[] lines = [.. Enumerable.Range(1, 10).Select(i => string.Create(CultureInfo.InvariantCulture, $"line {i} typed in the stall"))];
        foreach (string line in lines)
        {
            await user2.WriteLineAsync(line);
        }

        await user1.WaitForStdoutLinesAsync(lines.Length);
        user1.CloseInput();
        user2.CloseInput();
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        user1.Stdout.Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]).Should().Equal(lines, user1.Transcript);
        user2.Stderr.Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).Should().BeEmpty(user2.Transcript);
    }

    /// <summary>A blackout longer than the peer timeout: both sides call the peer gone; User2 reconnects when the link is back.</summary>
    public static TheoryData<string, double, string[]> LongBlackouts => Full
        ? new() { { "60 s blackout, default timeouts", 60, [] } }
        : new() { { "6 s blackout, 3 s peer timeout", 6, ["--keepalive", "1", "--peer-timeout", "3"] } };

    [Theory]
    [MemberData(nameof(LongBlackouts))]
    public async Task Blackout_LongerThanThePeerTimeoutWithReconnect_EveryLineArrivesExactlyOnceInOrder(string label, double seconds, string[] timeouts)
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--wait", ReceiptWait, .. timeouts]);
        await using var link = new LinkSimulator(port, new LinkProfile(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(30)), seed: 60);
        ChatProcess user2 = Sandbox.StartConnector(link.Port, homes.User2, ["--reconnect", "--wait", ReceiptWait, .. timeouts]);
        await BothConnectedAsync(user1, user2);
        await user2.WriteLineAsync("before the blackout");
        await user1.WaitForStdoutAsync(line => IsMessage(line, "User2", "before the blackout"), "the first line");

        link.Blackout(TimeSpan.FromSeconds(seconds));
        string[] during = [.. Enumerable.Range(1, 5).Select(i => string.Create(CultureInfo.InvariantCulture, $"typed in the blackout {i}"))];
        foreach (string line in during)
        {
            await user2.WriteLineAsync(line);
        }

        await user2.WaitForStderrAsync("Reconnected to User1", Slow);
        await user2.WriteLineAsync("after the blackout");
        await user1.WaitForStdoutAsync(line => IsMessage(line, "User2", "after the blackout"), "the last line", Slow);

        _log.WriteLine($"{label}: {link.Connections} connection(s)");
        user1.Stdout.Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..])
            .Should().Equal(["before the blackout", .. during, "after the blackout"], "each line exactly once, in order\n" + user1.Transcript);
    }

    /// <summary>
    /// The figures of docs/benchmarks.md ("Slow links"): one-way delay in ms and a file size on a 20 Mbit/s
    /// link. SECURECHAT_SLOW_LINKS=measure runs the table; CI runs one small case, which checks the harness.
    /// </summary>
    public static TheoryData<int, int> Measurements =>
        string.Equals(Environment.GetEnvironmentVariable("SECURECHAT_SLOW_LINKS"), "measure", StringComparison.OrdinalIgnoreCase)
            ? new() { { 0, 1_000_000 }, { 100, 20_000_000 }, { 300, 1_000_000 }, { 1000, 1_000_000 } }
            : new() { { 0, 1_000_000 } };

    [Theory]
    [MemberData(nameof(Measurements))]
    public async Task Measure_TwentyMegabitLink_TimeToFirstMessageAndFileThroughput(int oneWayMs, int size)
    {
        const double LinkBytesPerSecond = 20_000_000 / 8.0;
        string work = Sandbox.NewHome("measure");
        string file = SampleFile.Create(Path.Combine(work, "out", "measure.bin"), size, seed: 21);
        string dir = Directory.CreateDirectory(Path.Combine(work, "in")).FullName;
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--accept-files", dir, "--wait", "30"]);
        await using var link = new LinkSimulator(port, LinkProfile.Kbps(20_000, TimeSpan.FromMilliseconds(oneWayMs)));
        var clock = Stopwatch.StartNew();
        ChatProcess user2 = Sandbox.StartConnector(link.Port, homes.User2, ["--send", file, "--wait", "30"]);
        await user2.WriteLineAsync("first");
        user2.CloseInput();

        await user1.WaitForStdoutAsync(line => IsMessage(line, "User2", "first"), "the first message", Slow);
        TimeSpan firstMessage = clock.Elapsed;
        await user1.WaitForStderrAsync("accepting into", Slow);
        TimeSpan accepted = clock.Elapsed;
        await user1.WaitForStderrAsync("Received measure.bin", Slow);
        TimeSpan received = clock.Elapsed;
        int user2Exit = await user2.WaitForExitAsync(Slow);

        double seconds = (received - accepted).TotalSeconds;
        _log.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"MEASURE one-way {oneWayMs} ms: first message {firstMessage.TotalSeconds:0.00} s; {size / 1e6:0.#} MB in {seconds:0.00} s from the accept = {size / seconds / 1e6:0.00} MB/s, {size / seconds / LinkBytesPerSecond:P0} of the link's file bytes"));
        user2Exit.Should().Be(0, user2.Transcript);
        SampleFile.Sha256(Path.Combine(dir, "measure.bin")).Should().Be(SampleFile.Sha256(file));
    }
}
