using SecureChat.Cli.Chat;
using SecureChat.Cli.Views.Screen;

namespace SecureChat.Cli.Tests.Views.Screen;

public sealed class LineColourTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OwnAndPeerMessages_AreDrawnInDifferentColours()
    {
        using var harness = new ScreenHarness(columns: 60, rows: 16);
        harness.View.Publish(new MessageShown(At, "Alice", "mine", Own: true));
        harness.View.Publish(new MessageShown(At, "Bob", "theirs", Own: false));
        harness.Draw();

        int text = harness.Row(0).IndexOf("mine", StringComparison.Ordinal);
        harness.AttributeAt(text, 0).Should().NotBeNull();
        harness.AttributeAt(text, 0).Should().NotBe(harness.AttributeAt(harness.Row(1).IndexOf("theirs", StringComparison.Ordinal), 1));
    }

    [Fact]
    public void SystemNoticeAndWarning_DifferFromEachOtherAndFromMessages()
    {
        using var harness = new ScreenHarness(columns: 60, rows: 16);
        harness.View.Publish(new MessageShown(At, "Bob", "theirs", Own: false));
        harness.View.ShowSystem("Bob joined");
        harness.View.ShowWarning("Bob's key changed");
        harness.Draw();

        var colours = new[] { harness.AttributeAt(harness.Row(0).IndexOf("theirs", StringComparison.Ordinal), 0), harness.AttributeAt(3, 1), harness.AttributeAt(3, 2) };
        colours.Should().OnlyHaveUniqueItems("a peer's message, a notice and a warning each have their colour");
    }

    [Fact]
    public void DeliveryMark_TurnsFromTheSendingColourToTheDeliveredColour_InPlace()
    {
        using var harness = new ScreenHarness(columns: 60, rows: 16);
        harness.View.Publish(new MessageShown(At, "Alice", "mine", Own: true));
        harness.Draw();
        var sending = harness.AttributeAt(9, 0);
        var ownText = harness.AttributeAt(harness.Row(0).IndexOf("mine", StringComparison.Ordinal), 0);

        harness.View.Publish(new DeliveredThrough(1, "mine"));
        harness.Draw();

        harness.Cells(0).Should().Contain((9, "✓"));
        harness.AttributeAt(9, 0).Should().NotBe(sending, "a delivered mark has its own colour");
        harness.AttributeAt(9, 0).Should().NotBe(ownText, "the mark stands out from the message");
    }

    [Fact]
    public void EachKind_HasItsOwnAttribute()
    {
        var normal = new Terminal.Gui.Drawing.Attribute(Terminal.Gui.Drawing.ColorName16.White, Terminal.Gui.Drawing.ColorName16.Black);

        Enum.GetValues<LineKind>().Select(kind => LineColours.For(kind, normal)).Should().OnlyHaveUniqueItems();
    }
}
