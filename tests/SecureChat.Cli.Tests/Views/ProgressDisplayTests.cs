using SecureChat.Cli.Chat;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Views;

/// <summary>How often progress reaches a terminal: a script's output takes a line a second, a terminal a bar ten times a second.</summary>
public sealed class ProgressDisplayTests
{
    [Fact]
    public void Lines_Periodic_AtMostOncePerSecond()
    {
        var script = new FakeTerminal(interactive: false);
        var display = new ProgressDisplay(script);

        for (int tenth = 0; tenth <= 35; tenth++)
        {
            display.Show(At(tenth / 10.0, held: tenth * 10, total: 1_000));
        }

        script.Shown.Should().Equal(
            "progress " + ProgressText.Line(At(1.0, 100, 1_000)),
            "progress " + ProgressText.Line(At(2.0, 200, 1_000)),
            "progress " + ProgressText.Line(At(3.0, 300, 1_000)));
    }

    [Fact]
    public void Line_Complete_ShownOnceEvenWithinTheSecond()
    {
        var script = new FakeTerminal(interactive: false);
        var display = new ProgressDisplay(script);

        display.Show(At(1.0, 500, 1_000));
        display.Show(At(1.2, 1_000, 1_000));
        display.Show(At(6.2, 1_000, 1_000));

        script.Shown.Should().HaveCount(2).And.Subject.Last().Should().StartWith("progress a.bin 100%");
    }

    [Fact]
    public void Line_EmptyFile_ShownAtOnceThenNever()
    {
        var script = new FakeTerminal(interactive: false);
        var display = new ProgressDisplay(script);

        display.Show(At(0, 0, 0));
        display.Show(At(2, 0, 0));

        script.Shown.Should().Equal("progress " + ProgressText.Line(At(0, 0, 0)));
    }

    [Fact]
    public void Bar_DrawnAtOnce_ThenAtMostTenTimesASecond()
    {
        var screen = new FakeTerminal(interactive: true);
        var display = new ProgressDisplay(screen);

        for (int ms = 0; ms < 300; ms += 25)
        {
            display.Show(At(ms / 1000.0, held: ms, total: 1_000));
        }

        screen.Shown.Should().Equal(
            "progress " + ProgressText.Bar(At(0, 0, 1_000), 79),
            "progress " + ProgressText.Bar(At(0.1, 100, 1_000), 79),
            "progress " + ProgressText.Bar(At(0.2, 200, 1_000), 79));
    }

    [Fact]
    public void NewRunOfTheSameId_StartsAfresh()
    {
        var script = new FakeTerminal(interactive: false);
        var display = new ProgressDisplay(script);
        display.Show(At(1.0, 1_000, 1_000));

        display.Show(At(0.5, 10, 1_000));
        display.Show(At(1.0, 20, 1_000));

        script.Shown.Should().HaveCount(2, "a new session's transfer with the same id is timed from its own start");
    }

    private static TransferProgressed At(double seconds, long held, long total) =>
        new(7, TransferDirection.Incoming, "a.bin", held, total, BytesPerSecond: null, TimeSpan.FromSeconds(seconds));
}
