// Outages made visible (issue 20 item 7): a stall shorter than the peer timeout used to show nothing, and
// after a 40 s outage 40 lines shared one arrival time. A silence is told once, when it is longer than a
// healthy peer can be quiet; a message that took long to arrive says when it was sent.
namespace SecureChat.Cli.Chat;

/// <summary>
/// Decides when the peer's silence is worth a line. A healthy peer answers a message with a receipt at
/// once, so while a receipt is awaited a few seconds of silence already say something; otherwise an idle
/// peer is heard only through keepalives, so the silence must outlast one keepalive round first.
/// Pure: the chat loop feeds it durations, so tests need no clock.
/// </summary>
public sealed class SilenceNotice
{
    /// <summary>Silence, while a receipt is awaited, after which the stall is shown.</summary>
    public static readonly TimeSpan AwaitingThreshold = TimeSpan.FromSeconds(10);

    /// <summary>Added to a keepalive round (the interval and its check's third) before an idle peer's silence is shown.</summary>
    public static readonly TimeSpan IdleMargin = TimeSpan.FromSeconds(10);

    /// <summary>A message whose send time differs from its arrival by more than this shows its send time.</summary>
    public static readonly TimeSpan LateArrival = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _idleThreshold;
    private readonly TimeSpan _peerTimeout;
    private TimeSpan _shownAt = TimeSpan.Zero;
    private TimeSpan _longest;

    /// <summary>For a session pinging after <paramref name="keepalive"/> and declaring the peer gone after <paramref name="peerTimeout"/>.</summary>
    public SilenceNotice(TimeSpan keepalive, TimeSpan peerTimeout)
    {
        _idleThreshold = keepalive + (keepalive / 3) + IdleMargin;
        _peerTimeout = peerTimeout;
    }

    /// <summary>
    /// The line to show now, or null: once per silence, when <paramref name="silence"/> (since the peer's last
    /// byte) reaches the threshold; <paramref name="awaited"/> is how long a receipt has been awaited, if one is.
    /// When the peer is heard again after a silence that was shown, says for how long it was silent.
    /// </summary>
    public SilenceChange? Observe(TimeSpan silence, TimeSpan? awaited)
    {
        if (_shownAt > TimeSpan.Zero && silence < _longest)
        {
            // A byte came: the stall is over. Said once, so that the notice above it is not left standing.
            TimeSpan lasted = _longest;
            _shownAt = TimeSpan.Zero;
            _longest = TimeSpan.Zero;
            return new SilenceChange(lasted, Stalled: false);
        }

        _longest = silence;
        if (_shownAt > TimeSpan.Zero)
        {
            return null;
        }

        TimeSpan waited = awaited is { } a && a < silence ? a : silence;
        bool stalled = (awaited is not null && waited >= AwaitingThreshold) || silence >= _idleThreshold;
        if (!stalled || silence >= _peerTimeout)
        {
            return null; // at the peer timeout the session's own verdict speaks instead
        }

        _shownAt = silence;
        return new SilenceChange(silence, Stalled: true);
    }

    /// <summary>Whether a message sent at <paramref name="sentAt"/> (the peer's clock) and received at <paramref name="receivedAt"/> should show its send time.</summary>
    public static bool ShowsSendTime(DateTimeOffset sentAt, DateTimeOffset receivedAt) => (receivedAt - sentAt).Duration() > LateArrival;
}

/// <summary>The peer's silence began to matter (<paramref name="Stalled"/>), or ended.</summary>
/// <param name="Silence">How long the silence is (a stall), or lasted (heard again).</param>
/// <param name="Stalled">True for the stall, false for the peer heard again.</param>
public readonly record struct SilenceChange(TimeSpan Silence, bool Stalled);
