using SecureChat.Cli.Network;

namespace SecureChat.Cli.Tests.Network;

public sealed class DropReportsTests
{
    [Fact]
    public void Report_MoreThanTheBurstInOneWindow_ShowsTheBurstThenCountsTheRest()
    {
        var shown = new List<string>();
        var clock = new ManualClock();
        var drops = new DropReports(shown.Add, clock);

        for (int i = 0; i < 12; i++)
        {
            drops.Report($"drop {i}");
        }

        drops.Flush();

        shown.Should().HaveCount(DropReports.Burst + 1);
        shown.Take(DropReports.Burst).Should().Equal(Enumerable.Range(0, DropReports.Burst).Select(i => $"drop {i}"));
        shown[^1].Should().StartWith($"{12 - DropReports.Burst} more connection(s) failed the handshake");
    }

    [Fact]
    public void Report_AfterTheWindow_ShowsTheCountThenAFreshBurst()
    {
        var shown = new List<string>();
        var clock = new ManualClock();
        var drops = new DropReports(shown.Add, clock);
        for (int i = 0; i < DropReports.Burst + 3; i++)
        {
            drops.Report("first window");
        }

        clock.Advance(DropReports.Window);
        drops.Report("second window");

        shown.Should().HaveCount(DropReports.Burst + 2);
        shown[DropReports.Burst].Should().StartWith("3 more connection(s)");
        shown[^1].Should().Be("second window");
    }

    [Fact]
    public void Flush_NothingSuppressed_ShowsNothing()
    {
        var shown = new List<string>();
        var drops = new DropReports(shown.Add, new ManualClock());
        drops.Report("one");

        drops.Flush();

        shown.Should().Equal("one");
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
