using SecureChat.Cli.Chat;
using SecureChat.Cli.Files;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Files;

/// <summary>A transfer's progress as measured (TransferProgress) and drawn (Views/ProgressText).</summary>
public sealed class TransferProgressTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void Line_MidTransfer_ShowsPercentSizesSpeedAndEta()
    {
        var progress = new TransferProgress("report.pdf", 27_000_000, 150_000, _clock);
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        progress.Advance(12_300_000);

        // 12,150,000 bytes moved in 1.5 s is 8.1 MB/s; the 14.7 MB left take 1.8 s, shown rounded up.
        Line(progress).Should().Be("report.pdf  45%  12.3 MB / 27.0 MB  8.1 MB/s  ETA 0:02");
    }

    [Fact]
    public void Line_ResumedTransfer_SpeedCountsOnlyThisRunsBytes()
    {
        var progress = new TransferProgress("big.iso", 30_000_000, 20_000_000, _clock);
        _clock.Advance(TimeSpan.FromSeconds(2));
        progress.Advance(21_000_000);

        // Counting the 20 MB held before the resume would claim 10.5 MB/s and an ETA under a second.
        Line(progress).Should().Be("big.iso  70%  21.0 MB / 30.0 MB  500.0 KB/s  ETA 0:18");
    }

    [Fact]
    public void Line_NothingMovedYet_SpeedAndEtaUnknown()
    {
        var progress = new TransferProgress("a.bin", 1_000, 0, _clock);

        Line(progress).Should().Be("a.bin   0%  0 B / 1.0 KB  -- B/s  ETA --:--");
    }

    [Fact]
    public void Line_ResumedAndStalled_SpeedUnknownNotZeroEta()
    {
        var progress = new TransferProgress("a.bin", 1_000, 400, _clock);
        _clock.Advance(TimeSpan.FromSeconds(5));
        progress.Advance(400);

        Line(progress).Should().EndWith("-- B/s  ETA --:--");
    }

    [Fact]
    public void Line_EmptyFile_IsComplete()
    {
        var progress = new TransferProgress("empty.txt", 0, 0, _clock);

        Line(progress).Should().Be("empty.txt 100%  0 B / 0 B  -- B/s  ETA 0:00");
    }

    [Theory]
    [InlineData(0, "  0%")]
    [InlineData(1, "  0%")]
    [InlineData(499, " 49%")]
    [InlineData(500, " 50%")]
    [InlineData(999, " 99%")]
    [InlineData(1_000, "100%")]
    public void Line_Percent_RoundsDownSo100MeansComplete(long held, string percent)
    {
        var progress = new TransferProgress("a", 1_000, 0, _clock);
        progress.Advance(held);

        Line(progress).Should().StartWith("a " + percent + "  ");
    }

    [Fact]
    public void Line_HugeFile_PercentDoesNotOverflow()
    {
        var progress = new TransferProgress("a", long.MaxValue, 0, _clock);
        progress.Advance(long.MaxValue / 2);

        Line(progress).Should().StartWith("a  49%");
    }

    [Fact]
    public void Line_UnderASecondLeft_EtaRoundsUpSoZeroMeansDone()
    {
        var progress = new TransferProgress("a", 1_000, 0, _clock);
        _clock.Advance(TimeSpan.FromSeconds(1));
        progress.Advance(900);

        Line(progress).Should().EndWith("900 B/s  ETA 0:01");
    }

    [Fact]
    public void Line_HoursLeft_EtaShowsHours()
    {
        var progress = new TransferProgress("a", 10_000_000_000, 0, _clock);
        _clock.Advance(TimeSpan.FromSeconds(1));
        progress.Advance(1_000_000);

        Line(progress).Should().EndWith("1.0 MB/s  ETA 2:46:39");
    }

    [Fact]
    public void Line_EtaBeyond100Hours_Unknown()
    {
        var progress = new TransferProgress("a", 10_000_000_000, 0, _clock);
        _clock.Advance(TimeSpan.FromSeconds(1));
        progress.Advance(1);

        Line(progress).Should().EndWith("1 B/s  ETA --:--");
    }

    [Fact]
    public void Line_LabelWithEscapes_IsShownNotObeyed()
    {
        Line(new TransferProgress("\u001b[2Jevil\u202e", 1, 0, _clock)).Should().StartWith("\\u001b[2Jevil\\u202e ");
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(999.4, "999 B")]
    [InlineData(999.6, "1.0 KB")]
    [InlineData(1_000, "1.0 KB")]
    [InlineData(12_345, "12.3 KB")]
    [InlineData(999_949, "999.9 KB")]
    [InlineData(999_950, "1.0 MB")]
    [InlineData(27_000_000, "27.0 MB")]
    [InlineData(1_500_000_000, "1.5 GB")]
    [InlineData(5_000_000_000_000, "5000.0 GB")]
    public void Size_DecimalUnits_NeverShows1000OfAUnit(double bytes, string expected)
    {
        ProgressText.Size(bytes).Should().Be(expected);
    }

    [Fact]
    public void Bar_HalfDone_FillsHalfTheCellsAndUsesTheWholeWidth()
    {
        var progress = new TransferProgress("a.bin", 1_000, 0, _clock);
        progress.Advance(500);

        Bar(progress, 60).Should().Be("a.bin [######......]  50%  500 B / 1.0 KB  -- B/s  ETA --:--");
    }

    [Fact]
    public void Bar_Complete_IsFull()
    {
        var progress = new TransferProgress("a.bin", 1_000, 0, _clock);
        progress.Advance(1_000);

        Bar(progress, 60).Should().Contain("[############]");
    }

    [Fact]
    public void Bar_EmptyFile_IsFull()
    {
        Bar(new TransferProgress("a.bin", 0, 0, _clock), 60).Should().Contain("[").And.NotContain(".]").And.Contain("#]");
    }

    [Fact]
    public void Bar_EmojiLabel_CountsEachEmojiAsOneColumn()
    {
        // "😀.bin" is five text elements like "a.bin", so it leaves the bar the same 12 cells.
        var progress = new TransferProgress("\U0001F600.bin", 1_000, 0, _clock);
        progress.Advance(500);

        Bar(progress, 60).Should().Be("\U0001F600.bin [######......]  50%  500 B / 1.0 KB  -- B/s  ETA --:--");
    }

    [Fact]
    public void Bar_LongLabel_IsShortenedBeforeTheBarShrinksBelowTenCells()
    {
        var progress = new TransferProgress(new string('x', 100) + ".pdf", 1_000, 0, _clock);

        string bar = Bar(progress, 80);

        bar.Should().HaveLength(80).And.StartWith(new string('x', 28) + "\u2026 [..........] ");
    }

    [Fact]
    public void Bar_JustWideEnough_KeepsFourColumnsOfTheLabel()
    {
        Bar(new TransferProgress("report.pdf", 1_000, 0, _clock), 55)
            .Should().Be("rep\u2026 [..........]   0%  0 B / 1.0 KB  -- B/s  ETA --:--");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(54)]
    public void Bar_TooNarrowForABar_IsThePlainLineCutAtTheWidth(int width)
    {
        var progress = new TransferProgress("report.pdf", 1_000, 0, _clock);
        string line = Line(progress);

        string bar = Bar(progress, width);

        bar.Should().Be(line.Length <= width ? line : line[..width]);
    }

    [Fact]
    public void Bar_ZeroWidth_Throws()
    {
        Action act = () => Bar(new TransferProgress("a", 1, 0, _clock), 0);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Advance_BeyondTheTotal_Throws()
    {
        var progress = new TransferProgress("a", 10, 0, _clock);

        Action act = () => progress.Advance(11);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Constructor_StartBeyondTheTotal_Throws()
    {
        Action act = () => _ = new TransferProgress("a", 10, 11, _clock);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static string Line(TransferProgress progress) => ProgressText.Line(progress.Snapshot(1, TransferDirection.Incoming));

    private static string Bar(TransferProgress progress, int width) => ProgressText.Bar(progress.Snapshot(1, TransferDirection.Incoming), width);

    /// <summary>A monotonic clock that moves only when told (TransferProgress times with timestamps, not wall time).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
