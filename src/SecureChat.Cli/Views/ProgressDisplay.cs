// How often progress reaches a terminal. A terminal that redraws a bar in place gets it at most ten times a
// second per transfer; output that is not a terminal (a script's stderr, a log) gets a plain line at most
// once a second per transfer, the first a second after the start, and once, at once, when it is complete.
// The pace is measured on each transfer's own clock (its Elapsed), so the view needs no clock of its own.
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views;

/// <summary>Shows transfer progress on a terminal at a pace the terminal can take.</summary>
/// <param name="terminal">Where to show it.</param>
public sealed class ProgressDisplay(IChatTerminal terminal)
{
    private static readonly TimeSpan BarInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<(TransferDirection, ulong), (TimeSpan At, bool Complete)> _lastShown = [];

    /// <summary>Shows <paramref name="progress"/> if it is due.</summary>
    public void Show(TransferProgressed progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        int? width = terminal.ProgressWidth;
        string? line;
        lock (_gate)
        {
            line = Due(progress, width is null ? LineInterval : BarInterval)
                ? width is { } w ? ProgressText.Bar(progress, w) : ProgressText.Line(progress)
                : null;
        }

        if (line is not null)
        {
            terminal.ShowProgress(line);
        }
    }

    /// <summary>Clears the progress line.</summary>
    public void Clear() => terminal.ShowProgress(null);

    private bool Due(TransferProgressed progress, TimeSpan interval)
    {
        var key = (progress.Direction, progress.Id);
        (TimeSpan last, bool completeShown) = _lastShown.GetValueOrDefault(key);
        bool fresh = !_lastShown.ContainsKey(key) || progress.Elapsed < last; // a new run of the id starts afresh
        if (fresh)
        {
            (last, completeShown) = (TimeSpan.Zero, false);
        }

        bool complete = progress.Held == progress.Total;
        bool due = complete
            ? !completeShown // once, at once
            : (fresh && interval == BarInterval) || progress.Elapsed - last >= interval;
        if (due || fresh)
        {
            _lastShown[key] = (due ? progress.Elapsed : last, complete && due);
        }

        return due;
    }
}
