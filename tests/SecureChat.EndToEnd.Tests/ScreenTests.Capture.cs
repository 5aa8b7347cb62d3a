// Both screens mid-conversation with a file on its way, as the README shows them: User1 (Alice) and User2
// (Bob) each on a 100×30 tmux pane, first contact answered on both boxes, a few lines each way, then Bob
// sends a 6 MB file across a link capped at 1 MB/s (LinkSimulator), so the transfer is still running
// while Alice chats on. The test checks what both screens show; with SECURECHAT_CAPTURE_SCREENS=DIR it
// also writes the two panes there (trailing spaces trimmed), which is how docs/screens/ and the README's
// walkthrough are recorded:
//   SECURECHAT_CAPTURE_SCREENS=$PWD/docs/screens dotnet test tests/SecureChat.EndToEnd.Tests --filter Screen_BothScreensMidConversation
using System.Text.RegularExpressions;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

public sealed partial class ScreenTests
{
    /// <summary>The folder the captured screens are written to, if asked for.</summary>
    public const string CaptureVariable = "SECURECHAT_CAPTURE_SCREENS";

    [Fact]
    public async Task Screen_BothScreensMidConversationWithATransferRunning_ShowTheMessagesAndTheProgressOnBoth()
    {
        string work = Sandbox.NewHome("files");
        string photos = SampleFile.Create(Path.Combine(work, "bob", "holiday-photos.zip"), 6_000_000, seed: 17);
        string downloads = Directory.CreateDirectory(Path.Combine(work, "Downloads")).FullName;
        int port = ChatSandbox.FreePort();
        await using var link = new LinkSimulator(port, LinkProfile.Kbps(8_000)); // 1 MB/s: the 6 MB take about 6 s

        using ScreenSession alice = await StartUser1Async(port, Sandbox.NewHome("alice"), "--once", "--accept-files", downloads);
        using ScreenSession bob = await ScreenSession.StartAsync(
            ChatApp.User2, ["--port", Number(link.Port), "--home", Sandbox.NewHome("bob"), "--name", "Bob"], label: "User2");
        await bob.WaitForTextAsync("┤First contact├");
        bob.Press("y");
        await alice.WaitForTextAsync("┤First contact├");
        alice.Press("y");
        await alice.WaitForTextAsync("│ connected");
        await bob.WaitForTextAsync("│ connected");

        await SayAsync(alice, bob, "Hi Bob, can you read me?");
        // A wave without a skin-tone modifier: tmux 3.3 draws the modifier (U+1F3FD) as two columns of its
        // own where Terminal.Gui counts 👋🏽 as two in all, so the input row holding it overflowed, the
        // terminal scrolled, and Bob's prompt row stayed blank until redrawn (about one run in three after
        // issue 19, one in nine before). That disagreement is the terminal's (README, "known limit"), not
        // what this test is about: the screens mid-transfer.
        await SayAsync(bob, alice, "Loud and clear, Alice. 你好 👋");
        await SayAsync(bob, alice, "I have the photos from the trip, sending them now.");
        bob.Type("/send " + photos);
        bob.Press("Enter");
        await alice.WaitForTextAsync("(offer 1)");
        alice.Type("/accept 1");
        alice.Press("Enter");
        await SayAsync(alice, bob, "Great, thanks! Chat goes on while it comes.");

        // Both panes captured one right after the other while both still show the transfer's bar, each drawn
        // whole down to its input line (a capture can land while a redraw is half done: wait for a whole one).
        string alicePane = await alice.WaitForAsync(
            pane => Whole(pane, "Alice>") && Whole(bob.Capture(), "Bob>"), "the transfer's bar and the input line on both screens");
        string bobPane = bob.LastPane;

        foreach ((string pane, string prompt) in new[] { (alicePane, "Alice>"), (bobPane, "Bob>") })
        {
            ScreenSession.LastRow(pane).Should().Be(prompt, pane);
            pane.Should().Contain("Hi Bob, can you read me?").And.Contain("Loud and clear, Alice. 你好 👋")
                .And.Contain("Great, thanks! Chat goes on while it comes.").And.Contain("│ connected");
        }

        alicePane.Should().Contain("Bob offers holiday-photos.zip (offer 1)");
        bobPane.Should().Contain("Alice accepted holiday-photos.zip; sending.");
        if (Environment.GetEnvironmentVariable(CaptureVariable) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "user1-alice.txt"), Trimmed(alicePane));
            await File.WriteAllTextAsync(Path.Combine(folder, "user2-bob.txt"), Trimmed(bobPane));
        }

        _output.WriteLine("--- Alice:\n" + alicePane + "\n--- Bob:\n" + bobPane);
    }

    /// <summary>The transfer's row, well under way: the file's name, its bar, and between 20 and 90 per cent.</summary>
    private static bool ShowsTransfer(string pane) =>
        ScreenSession.Rows(pane).Any(row => row.StartsWith("holiday-photos.zip [", StringComparison.Ordinal)
            && TransferPercent().Match(row) is { Success: true } percent
            && int.Parse(percent.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is >= 20 and <= 90);

    /// <summary>The transfer's bar under way, and the screen drawn whole down to its empty input line.</summary>
    private static bool Whole(string pane, string prompt) => ShowsTransfer(pane) && ScreenSession.LastRow(pane) == prompt;

    [GeneratedRegex(@"\]\s+(\d+)%")]
    private static partial Regex TransferPercent();

    /// <summary><paramref name="from"/> types <paramref name="text"/>; it shows on both screens.</summary>
    private static async Task SayAsync(ScreenSession from, ScreenSession to, string text)
    {
        from.Type(text);
        from.Press("Enter");
        await to.WaitForTextAsync(text);
        await from.WaitForTextAsync(text);
    }

    /// <summary>The pane as captured, every row's trailing spaces trimmed (tmux pads rows to the width); rows kept.</summary>
    private static string Trimmed(string pane) => string.Join('\n', ScreenSession.Rows(pane));
}
