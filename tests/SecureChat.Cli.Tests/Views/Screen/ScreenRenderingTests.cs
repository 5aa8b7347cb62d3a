using SecureChat.Cli.Chat;
using SecureChat.Cli.Views.Screen;

namespace SecureChat.Cli.Tests.Views.Screen;

public sealed class ScreenRenderingTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void IncomingMessage_WideAndCombinedCharacters_EachTakeTheirCellsAndTheRowEndsWhereTheTerminalSaysItDoes()
    {
        using var harness = new ScreenHarness();
        harness.View.Publish(new MessageShown(At, "Bob", "你好 👩‍👩‍👧 é!", Own: false));
        harness.Draw();

        IReadOnlyList<(int Column, string Grapheme)> cells = harness.Cells(0);
        int ni = cells.Single(c => c.Grapheme == "你").Column;
        cells.Should().Contain((ni + 2, "好"), "a CJK character takes two cells");
        cells.Should().Contain((ni + 5, "👩‍👩‍👧"), "the emoji sequence is one grapheme in one place after the space");
        cells.Should().Contain((ni + 8, "é"), "the family emoji takes two cells, then a space");
        cells.Should().Contain((ni + 9, "!"), "e with a combining acute is one cell");
    }

    [Fact]
    public void IncomingMessage_JoinerKept_BidiOverrideShownAsCode()
    {
        using var harness = new ScreenHarness();
        harness.View.Publish(new MessageShown(At, "Bob", "a\u200db \u202eevil", Own: false));
        harness.Draw();

        string row = harness.Row(0);
        row.Should().Contain("a\u200db", "a zero-width joiner is part of emoji and scripts, not a control");
        row.Should().Contain("\\u202eevil", "a right-to-left override must not reorder what follows");
    }

    [Fact]
    public void LongMessage_WrapsWithinThePaneWidth_AtSpaces()
    {
        using var harness = new ScreenHarness(columns: 40);
        string text = string.Join(' ', Enumerable.Range(1, 20).Select(i => $"w{i:00}"));
        harness.View.Publish(new MessageShown(At, "Bob", text, Own: false));
        harness.Draw();

        IReadOnlyList<string> rows = harness.Screen.Pane.Rows;
        rows.Should().HaveCountGreaterThan(1);
        rows.Should().OnlyContain(r => ScreenText.Columns(r) <= 40);
        string.Join(' ', rows.Select(r => r.Trim())).Should().EndWith(text, "no word is lost or split at a space");
        rows.Skip(1).Should().OnlyContain(r => r.StartsWith(new string(' ', 11), StringComparison.Ordinal), "continuations sit under the text");
    }

    [Fact]
    public void OwnMessage_ReceiptArrives_MarkTurnsToCheckOnTheSameRowAndNoRowIsAdded()
    {
        using var harness = new ScreenHarness();
        harness.View.Publish(new MessageShown(At, "Alice", "first", Own: true));
        harness.View.Publish(new MessageShown(At, "Alice", "second", Own: true));
        harness.Draw();
        harness.Row(0).Should().MatchRegex(@"^\d\d:\d\d:\d\d · Alice: first$");
        harness.Row(1).Should().MatchRegex(@"^\d\d:\d\d:\d\d · Alice: second$");

        harness.View.Publish(new DeliveredThrough(1, "first"));
        harness.Draw();

        harness.Row(0).Should().MatchRegex(@"^\d\d:\d\d:\d\d ✓ Alice: first$");
        harness.Row(1).Should().MatchRegex(@"^\d\d:\d\d:\d\d · Alice: second$", "only the confirmed message changes");
        harness.Row(2).Should().BeEmpty("a receipt adds no line");
        harness.Screen.Pane.Lines.Should().HaveCount(2);
    }

    [Fact]
    public void StatusLine_ShowsPeerFingerprintVerificationSuiteAndState()
    {
        using var harness = new ScreenHarness(columns: 100);
        harness.View.ShowSession("Bob", "SHA256:0RxGpPx3ixOZ4G8kJCKsKE0XlSs+OkcjyQX+XuLPZHE", verified: false, "aes256cbc-hmacsha256");
        harness.Draw();

        harness.Rows().Should().Contain("Bob SHA256:0RxGpPx3… (unverified) │ aes256cbc-hmacsha256 │ connected");

        harness.View.ShowConnection(ConnectionState.Reconnecting, attempt: 3);
        harness.Draw();
        harness.Screen.StatusText.Should().EndWith("│ reconnecting (attempt 3)");
    }

    [Fact]
    public void ReconnectAttemptFailed_StatusLineSaysReconnectingWithTheAttempt()
    {
        using var harness = new ScreenHarness(columns: 100);
        harness.View.Publish(new Listening("127.0.0.1:5000", "alice", "SHA256:us"));
        harness.Draw();
        harness.Screen.StatusText.Should().EndWith("waiting for a caller");

        harness.View.Publish(new ReconnectAttemptFailed(2, 5, "Nobody is listening.", TimeSpan.FromSeconds(1)));
        harness.Draw();

        harness.Screen.StatusText.Should().EndWith("reconnecting (attempt 2)");
        harness.Rows().Should().Contain(row => row.Contains("Reconnecting (attempt 2 of 5)… Nobody is listening.", StringComparison.Ordinal), "the sentence is shown too");
    }

    [Fact]
    public void UnverifiedPeer_SpeaksUnderItsShortFingerprint()
    {
        using var harness = new ScreenHarness(columns: 100);
        harness.View.ShowSession("Bob", "SHA256:0RxGpPx3ixOZ4G8kJCKsKE0XlSs+OkcjyQX+XuLPZHE", verified: false, "aes256cbc-hmacsha256");
        harness.View.Publish(new MessageShown(At, "Bob", "hi", Own: false));
        harness.Draw();

        harness.Row(0).Should().EndWith("Bob [SHA256:0RxGpPx3…]: hi");
    }

    [Fact]
    public void ListenerPeerLeaves_StatusForgetsThePeerAndWaitsForACaller()
    {
        using var harness = new ScreenHarness(columns: 100, listener: true);
        harness.View.ShowSession("Bob", "SHA256:0RxGpPx3ixOZ4G8kJCKsKE0XlSs+OkcjyQX+XuLPZHE", verified: true, "aes256cbc-hmacsha256");
        harness.View.Publish(new PeerLeft("Bob"));

        harness.Screen.StatusText.Should().Be("waiting for a caller");
        harness.Screen.Pane.Lines.Should().ContainSingle(l => l.Text == "Bob left the conversation.");
    }

    [Fact]
    public void TransferProgress_ShownUnderTheStatusAndCleared()
    {
        using var harness = new ScreenHarness(columns: 80);
        harness.View.ShowProgress("report.pdf [#####.....]  50%");
        harness.Draw();
        harness.Rows().Should().Contain("report.pdf [#####.....]  50%");

        harness.View.ShowProgress(null);
        harness.Draw();
        harness.Rows().Should().NotContain(r => r.Contains("report.pdf", StringComparison.Ordinal));
    }
}
