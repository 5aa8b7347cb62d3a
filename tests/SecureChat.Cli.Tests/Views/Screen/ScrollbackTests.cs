using System.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace SecureChat.Cli.Tests.Views.Screen;

public sealed class ScrollbackTests
{
    private static ScreenHarness WithLines(int count)
    {
        var harness = new ScreenHarness(columns: 60, rows: 12);
        for (int i = 1; i <= count; i++)
        {
            harness.View.ShowSystem($"line {i}");
        }

        harness.Draw();
        return harness;
    }

    [Fact]
    public void NewLines_WhileAtTheBottom_KeepTheNewestInView()
    {
        using ScreenHarness harness = WithLines(30);

        harness.Rows().Should().Contain("* line 30").And.NotContain("* line 1");
    }

    [Fact]
    public void PageUp_ShowsOlderLines_AndANewLineDoesNotPullTheReaderBack()
    {
        using ScreenHarness harness = WithLines(30);
        harness.Press(Key.PageUp);
        harness.Press(Key.PageUp);
        harness.Draw();
        IReadOnlyList<string> before = harness.Rows();
        before.Should().NotContain("* line 30");

        harness.View.ShowSystem("line 31");
        harness.Draw();

        harness.Rows().Take(8).Should().Equal(before.Take(8), "reading back is not interrupted");
        harness.Press(Key.Esc);
        harness.Draw();
        harness.Rows().Should().Contain("* line 31");
    }

    [Fact]
    public void MouseWheel_ScrollsThePane()
    {
        using ScreenHarness harness = WithLines(30);
        int bottom = harness.Screen.Pane.Viewport.Y;

        harness.App.InjectMouse(new Mouse { ScreenPosition = new Point(5, 3), Flags = MouseFlags.WheeledUp });

        harness.Screen.Pane.Viewport.Y.Should().BeLessThan(bottom);
    }
}
