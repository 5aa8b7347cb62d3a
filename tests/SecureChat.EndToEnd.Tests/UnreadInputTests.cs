using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// Issue 20 item 4: when reconnecting gives up, every line the script wrote is either delivered or listed,
/// in one list, including those the app never read from its input.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class UnreadInputTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    private static readonly string[] Timeouts = ["--keepalive", "1", "--peer-timeout", "3"];

    /// <summary>
    /// Regression (issue 20 item 4: of 80 lines fed to User2, 24 were never read from stdin nor listed, and the
    /// unconfirmed list came in two parts). Forty lines arrive, twenty go into a blackout without a receipt,
    /// and twenty are written while User2 is reconnecting, when nothing reads its input; the one attempt
    /// stalls in the blackout, and User2 gives up.
    /// </summary>
    [Fact]
    public async Task ReconnectGivesUp_EightyLinesFedAcrossABlackout_EveryLineIsDeliveredOrListedOnce()
    {
        string[] lines = [.. Enumerable.Range(1, 80).Select(i => "line " + i.ToString("00", CultureInfo.InvariantCulture))];
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, homes.User1, ["--wait", ReceiptWait, .. Timeouts]);
        await using var link = new LinkSimulator(port, new LinkProfile());
        ChatProcess user2 = Sandbox.StartConnector(link.Port, homes.User2,
            ["--reconnect", "--reconnect-attempts", "1", "--handshake-timeout", "8", "--wait", ReceiptWait, .. Timeouts]);
        await BothConnectedAsync(user1, user2);

        await user2.WriteLinesAsync(lines[..40]);
        await user1.WaitForStdoutLinesAsync(40);
        link.Blackout(TimeSpan.FromMinutes(5)); // longer than the test: the link never comes back
        await user2.WriteLinesAsync(lines[40..60]);
        await user2.WaitForStderrAsync("Connection lost — reconnecting");
        await user2.WriteLinesAsync(lines[60..]);
        user2.CloseInput();
        int exit = await user2.WaitForExitAsync(TimeSpan.FromSeconds(60));
        user1.Kill();

        exit.Should().Be(69, user2.Transcript);
        var stderr = user2.Stderr.ToList();
        stderr.Where(line => line.Contains("never confirmed delivered", StringComparison.Ordinal)).Should().ContainSingle("one list\n" + user2.Transcript);
        int heading = stderr.FindIndex(line => line.Contains("never confirmed delivered", StringComparison.Ordinal));
        stderr.FindIndex(line => line.Contains("Gave up reconnecting", StringComparison.Ordinal)).Should().BeInRange(0, heading - 1, user2.Transcript);
        List<string> listed = [.. stderr.Skip(heading + 1).TakeWhile(line => line.StartsWith("warning:   ", StringComparison.Ordinal)).Select(line => line["warning:   ".Length..])];
        int.Parse(Heading().Match(stderr[heading]).Groups[1].Value, CultureInfo.InvariantCulture).Should().Be(listed.Count, "the heading counts what it lists");
        HashSet<string> delivered = [.. user1.Stdout.Select(line => Message().Match(line).Groups[1].Value)];
        lines.Where(line => !delivered.Contains(line) && !listed.Contains(line)).Should().BeEmpty("every line is delivered or listed\n" + user2.Transcript);
        listed.Should().Contain(lines[60..], "written while reconnecting: never read by a conversation, so never sent");
        listed.Should().OnlyHaveUniqueItems();
    }

    [GeneratedRegex(@"(\d+) message\(s\) were never confirmed delivered")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\d\d:\d\d:\d\d User2: (.*)$")]
    private static partial Regex Message();
}
