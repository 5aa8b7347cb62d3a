using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// Issue 20 item 7: an outage shorter than the peer timeout is shown once, on stderr for a script (stdout,
/// the messages, keeps its format), and its end is told too; nothing is lost.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class OutageNoticeTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    /// <summary>The peer timeout is raised so a 13 s stall is an outage, not a verdict; the keepalive is fast, as in the other slow-link cases.</summary>
    private static readonly string[] Timeouts = ["--keepalive", "1", "--peer-timeout", "30"];

    [Fact]
    public async Task Blackout_LongerThanAReceiptCanTake_ShownOnceWhileItLastsAndWhenItEnds()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--once", "--wait", ReceiptWait, .. Timeouts]);
        await using var link = new LinkSimulator(port, new LinkProfile());
        ChatProcess user2 = Sandbox.StartConnector(link.Port, homes.User2, ["--wait", "20", .. Timeouts]);
        await BothConnectedAsync(user1, user2);

        link.Blackout(TimeSpan.FromSeconds(13));
        await user2.WriteLineAsync("sent into the stall");
        await user2.WaitForStderrAsync(line => line.Contains("Nothing from User1 for", StringComparison.Ordinal), "the stall", TimeSpan.FromSeconds(30));
        await user2.WaitForStderrAsync(line => line.Contains("Heard from User1 again after", StringComparison.Ordinal), "its end", TimeSpan.FromSeconds(30));
        await user1.WaitForStdoutAsync(line => IsMessage(line, "User2", "sent into the stall"), "the line", TimeSpan.FromSeconds(30));
        user2.CloseInput();

        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        user2.Stderr.Where(line => line.Contains("Nothing from User1", StringComparison.Ordinal)).Should().ContainSingle(user2.Transcript)
            .Which.Should().MatchRegex(@"^warning: Nothing from User1 for 1\d s — the link may be slow\.$");
        user2.StderrText.Should().NotContain("never confirmed");
        user1.Stdout.Should().ContainSingle("stdout holds the messages only, in their one format");
    }
}
