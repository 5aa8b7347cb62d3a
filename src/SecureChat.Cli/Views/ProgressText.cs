// A file transfer's progress as text: a bar for a terminal that redraws one line, or a plain line for logs
// and pipes. Sizes use decimal units (1 KB = 1,000 B, 1 MB = 1,000,000 B): what the symbols mean in SI and
// how network speeds are quoted. The label is shown through SafeText, since a file name may come from the peer.
using System.Globalization;
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views;

/// <summary>Formats progress, e.g. <c>report.pdf [#####.....]  45%  12.3 MB / 27.0 MB  8.1 MB/s  ETA 0:02</c>.</summary>
public static class ProgressText
{
    private const int MinimumBarCells = 10;
    private const int MinimumLabelColumns = 4;
    private static readonly TimeSpan LongestEta = TimeSpan.FromHours(100);
    private static readonly string[] Units = ["B", "KB", "MB", "GB"];

    /// <summary>
    /// The progress as one line of at most <paramref name="width"/> columns (one per text element), the bar
    /// taking what the label and figures leave; a long label is shortened with '…' before the bar shrinks below
    /// 10 cells. The line holds no line break; the caller returns the cursor and clears to the end of the line.
    /// </summary>
    public static string Bar(TransferProgressed progress, int width)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        string figures = Figures(progress);
        string label = SafeText.ForTerminal(progress.Name);
        int room = width - figures.Length - 4; // for the label and the bar: "label [bar] figures"
        if (Columns(label) > room - MinimumBarCells)
        {
            if (room - MinimumBarCells < MinimumLabelColumns)
            {
                return FirstColumns(Line(progress), width);
            }

            label = FirstColumns(label, room - MinimumBarCells - 1) + "\u2026";
        }

        int cells = room - Columns(label);
        int filled = progress.Total == 0 ? cells : (int)((Int128)progress.Held * cells / progress.Total);
        return string.Concat(label, " [", new string('#', filled), new string('.', cells - filled), "] ", figures);
    }

    /// <summary>The progress as a plain line without a bar, for output that is not a terminal.</summary>
    public static string Line(TransferProgressed progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return SafeText.ForTerminal(progress.Name) + " " + Figures(progress);
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
    private static string Figures(TransferProgressed p)
    {
        string speedText = p.BytesPerSecond is double s ? Size(s) + "/s" : "-- B/s";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Percent(p),3}%  {Size(p.Held)} / {Size(p.Total)}  {speedText}  ETA {Eta(p.Total - p.Held, p.BytesPerSecond)}");
    }

    // Rounded down, so 100% means complete; an empty file is complete.
    private static int Percent(TransferProgressed p) => p.Total == 0 ? 100 : (int)((Int128)p.Held * 100 / p.Total);

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
