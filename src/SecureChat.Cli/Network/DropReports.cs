// The listener tells its user about every caller it drops before a conversation: a port scanner, a wrong
// pre-shared key, someone tampering. Under a flood of such callers (thousands a second) a line each would
// bury the conversation and make the terminal the bottleneck, so the first few in each window are shown
// in full and the rest are counted; every one is still logged (--verbosity information).
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Network;

/// <summary>Shows the first <see cref="Burst"/> dropped callers of each <see cref="Window"/> in full, then a count.</summary>
internal sealed class DropReports
{
    /// <summary>How many drops are shown in full per window.</summary>
    public const int Burst = 5;

    /// <summary>The window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Action<ConnectionEvent> _show;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart;
    private int _shown;
    private int _suppressed;

    /// <summary>Publishes the reports with <paramref name="show"/>, timing windows with <paramref name="time"/>.</summary>
    public DropReports(Action<ConnectionEvent> show, TimeProvider time)
    {
        _show = show;
        _time = time;
        _windowStart = time.GetUtcNow();
    }

    /// <summary>Shows <paramref name="dropped"/>, or counts it if this window's burst is used up.</summary>
    public void Report(CallerDropped dropped)
    {
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (now - _windowStart >= Window)
            {
                FlushLocked();
                _windowStart = now;
                _shown = 0;
            }

            if (_shown < Burst)
            {
                _shown++;
                _show(dropped);
            }
            else
            {
                _suppressed++;
            }
        }
    }

    /// <summary>Shows the count of drops not shown yet, if any (when a caller connects, and when listening ends).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        if (_suppressed > 0)
        {
            _show(new DropsSuppressed(_suppressed, Burst, Window));
            _suppressed = 0;
        }
    }
}
