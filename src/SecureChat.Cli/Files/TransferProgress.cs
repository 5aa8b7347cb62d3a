// Progress of one file transfer as text: a bar for a terminal that redraws one line, or a plain line at
// most once a second for logs and pipes. Speed counts only the bytes moved in this run, beyond the offset a
// resumed transfer started from, so resuming at 90 % does not claim a burst of speed. Time comes from the
// injected TimeProvider's monotonic timestamps, so a wall-clock jump cannot distort it and tests can drive it.
// Sizes use decimal units (1 KB = 1,000 B, 1 MB = 1,000,000 B): what the symbols mean in SI and how network
// speeds are quoted. The label is shown through SafeText, since a file name may come from the peer.
using System.Globalization;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Files;

/// <summary>Formats the progress of one file transfer, e.g. <c>report.pdf [#####.....]  45%  12.3 MB / 27.0 MB  8.1 MB/s  ETA 0:02</c>.</summary>
/// <remarks>Not for concurrent use from several threads.</remarks>
public sealed class TransferProgress
{
    private const int MinimumBarCells = 10;
    private const int MinimumLabelColumns = 4;
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestEta = TimeSpan.FromHours(100);
    private static readonly string[] Units = ["B", "KB", "MB", "GB"];

    private readonly string _label;
    private readonly long _total;
    private readonly long _startOffset;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _held;
    private long _lastReport;
    private bool _completionReported;

    /// <summary>
    /// Starts timing a transfer of <paramref name="totalBytes"/> of which <paramref name="startOffset"/> were
    /// already held (a resumed transfer); <paramref name="time"/> supplies the clock.
    /// </summary>
    public TransferProgress(string label, long totalBytes, long startOffset, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(totalBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startOffset, totalBytes);
        _label = SafeText.ForTerminal(label);
        _total = totalBytes;
        _startOffset = startOffset;
        _held = startOffset;
        _time = time;
        _started = time.GetTimestamp();
        _lastReport = _started;
    }

    /// <summary>Records that <paramref name="bytesNowHeld"/> bytes of the file are now held (not a delta).</summary>
    public void Advance(long bytesNowHeld)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesNowHeld);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytesNowHeld, _total);
        _held = bytesNowHeld;
    }

    /// <summary>
    /// The progress as one line of at most <paramref name="width"/> columns (one per text element), the bar
    /// taking what the label and figures leave; a long label is shortened with '…' before the bar shrinks below
    /// 10 cells. The line holds no line break; the caller returns the cursor and clears to the end of the line.
    /// </summary>
    public string Bar(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        string figures = Figures();
        string label = _label;
        int room = width - figures.Length - 4; // for the label and the bar: "label [bar] figures"
        if (Columns(label) > room - MinimumBarCells)
        {
            if (room - MinimumBarCells < MinimumLabelColumns)
            {
                return FirstColumns(Line(), width);
            }

            label = FirstColumns(label, room - MinimumBarCells - 1) + "\u2026";
        }

        int cells = room - Columns(label);
        int filled = _total == 0 ? cells : (int)((Int128)_held * cells / _total);
        return string.Concat(label, " [", new string('#', filled), new string('.', cells - filled), "] ", figures);
    }

    /// <summary>The progress as a plain line without a bar, for output that is not a terminal.</summary>
    public string Line() => _label + " " + Figures();

    /// <summary>
    /// Whether a periodic line is due: at most once per second of the clock (the first a second after the start),
    /// and once, at once, when the transfer is complete. <paramref name="line"/> is <see cref="Line"/> if so, else empty.
    /// </summary>
    public bool ShouldReport(out string line)
    {
        long now = _time.GetTimestamp();
        bool due = _held == _total
            ? !_completionReported
            : _time.GetElapsedTime(_lastReport, now) >= ReportInterval;
        if (!due)
        {
            line = string.Empty;
            return false;
        }

        _lastReport = now;
        _completionReported = _held == _total;
        line = Line();
        return true;
    }

    /// <summary>A size in decimal units: <c>999 B</c>, <c>1.0 KB</c>, <c>12.3 MB</c>, <c>5000.0 GB</c>.</summary>
    internal static string Size(double bytes)
    {
        double value = bytes;
        int unit = 0;

        // Move up a unit before rounding would show 1000: 999.95 KB is "1.0 MB", not "1000.0 KB".
        while (unit < Units.Length - 1 && value >= (unit == 0 ? 999.5 : 999.95))
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value:0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    // " 45%  12.3 MB / 27.0 MB  8.1 MB/s  ETA 0:02"
    private string Figures()
    {
        TimeSpan elapsed = _time.GetElapsedTime(_started);
        long moved = _held - _startOffset;
        double? speed = elapsed > TimeSpan.Zero && moved > 0 ? moved / elapsed.TotalSeconds : null;
        string speedText = speed is double s ? Size(s) + "/s" : "-- B/s";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Percent(),3}%  {Size(_held)} / {Size(_total)}  {speedText}  ETA {Eta(_total - _held, speed)}");
    }

    // Rounded down, so 100% means complete; an empty file is complete.
    private int Percent() => _total == 0 ? 100 : (int)((Int128)_held * 100 / _total);

    private static string Eta(long remaining, double? speed)
    {
        if (remaining == 0)
        {
            return "0:00";
        }

        // Rounded up, so 0:00 means done; beyond 100 hours an estimate says nothing.
        double seconds = speed is double s ? Math.Ceiling(remaining / s) : double.PositiveInfinity;
        if (seconds >= LongestEta.TotalSeconds)
        {
            return "--:--";
        }

        var eta = TimeSpan.FromSeconds(seconds);
        return eta.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)eta.TotalHours}:{eta.Minutes:00}:{eta.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{eta.Minutes}:{eta.Seconds:00}");
    }

    // Terminal columns, approximated as text elements (an East Asian wide character counts as one).
    private static int Columns(string text) => new StringInfo(text).LengthInTextElements;

    private static string FirstColumns(string text, int columns) =>
        Columns(text) <= columns ? text : new StringInfo(text).SubstringByTextElements(0, columns);
}
