using SecureChat.Cli.Chat;
using SecureChat.Cli.Network;

namespace SecureChat.Cli.Tests.Network;

public sealed class DropReportsTests
{
    [Fact]
    public void Report_MoreThanTheBurstInOneWindow_ShowsTheBurstThenCountsTheRest()
    {
        var shown = new List<ConnectionEvent>();
        var clock = new ManualClock();
        var drops = new DropReports(shown.Add, clock);

        for (int i = 0; i < 12; i++)
        {
            drops.Report(Dropped($"drop {i}"));
        }

        drops.Flush();

        shown.Should().HaveCount(DropReports.Burst + 1);
        shown.Take(DropReports.Burst).Should().Equal(Enumerable.Range(0, DropReports.Burst).Select(i => Dropped($"drop {i}")));
        shown[^1].Should().Be(new DropsSuppressed(12 - DropReports.Burst, DropReports.Burst, DropReports.Window));
    }

    [Fact]
    public void Report_AfterTheWindow_ShowsTheCountThenAFreshBurst()
    {
        var shown = new List<ConnectionEvent>();
        var clock = new ManualClock();
        var drops = new DropReports(shown.Add, clock);
        for (int i = 0; i < DropReports.Burst + 3; i++)
        {
            drops.Report(Dropped("first window"));
        }

        clock.Advance(DropReports.Window);
        drops.Report(Dropped("second window"));

        shown.Should().HaveCount(DropReports.Burst + 2);
        shown[DropReports.Burst].Should().Be(new DropsSuppressed(3, DropReports.Burst, DropReports.Window));
        shown[^1].Should().Be(Dropped("second window"));
    }

    [Fact]
    public void Flush_NothingSuppressed_ShowsNothing()
    {
        var shown = new List<ConnectionEvent>();
        var drops = new DropReports(shown.Add, new ManualClock());
        drops.Report(Dropped("one"));

        drops.Flush();

        shown.Should().Equal(Dropped("one"));
    }

    private static CallerDropped Dropped(string reason) => new("192.0.2.7:50000", reason);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
