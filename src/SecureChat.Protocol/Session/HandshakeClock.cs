// The handshake's one deadline (docs/protocol.md, "Deadline"). It starts at the handshake timeout and
// follows the link: the round trip measured on the first exchange (from our first frame to the peer's next)
// stretches it to a few round trips, bounded, so a handshake over a slow link completes while a silent
// peer still gets the plain timeout. It also remembers enough to say, on expiry, whether the peer's bytes
// were arriving (a slow link) or nothing was (no answer).
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Session;

/// <summary>The handshake deadline: the timeout, stretched by the measured round trip; cancels <see cref="Token"/> on expiry.</summary>
internal sealed class HandshakeClock : IDisposable
{
    /// <summary>How many measured round trips the handshake may take: it needs about two after the first.</summary>
    public const int RoundTrips = 6;

    /// <summary>The longest a measured round trip stretches the deadline to (a longer handshake timeout still wins).</summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _deadline;
    private readonly long _startedAt;
    private long _sentAt = -1;
    private long _waitingSince;
    private int _answers;

    /// <summary>
    /// Starts the clock with <paramref name="timeout"/>, of which <paramref name="alreadyWaited"/> has passed
    /// (the listener read frame 1 itself: one clock from the moment it began waiting for it).
    /// </summary>
    public HandshakeClock(TimeSpan timeout, TimeSpan alreadyWaited, CancellationToken cancellationToken)
    {
        Timeout = timeout;
        Limit = timeout;
        _startedAt = Environment.TickCount64 - (long)alreadyWaited.TotalMilliseconds;
        _waitingSince = _startedAt;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _deadline.CancelAfter(Remaining());
    }

    /// <summary>The configured handshake timeout.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The deadline now, from the start: the timeout, or longer once a slow round trip was measured.</summary>
    public TimeSpan Limit { get; private set; }

    /// <summary>The first round trip, once measured.</summary>
    public TimeSpan? RoundTrip { get; private set; }

    /// <summary>Cancelled when the deadline passes (or the caller cancels).</summary>
    public CancellationToken Token => _deadline.Token;

    /// <summary>
    /// The deadline for a first exchange that took <paramref name="roundTrip"/>: the timeout, or
    /// <see cref="RoundTrips"/> round trips up to <see cref="Ceiling"/>, whichever is longer.
    /// </summary>
    public static TimeSpan LimitFor(TimeSpan timeout, TimeSpan roundTrip) =>
        TimeSpan.FromTicks(Math.Max(timeout.Ticks, Math.Min(Ceiling.Ticks, roundTrip.Ticks * RoundTrips)));

    /// <summary>Our first frame has gone out: the round trip is measured from here.</summary>
    public void Sent()
    {
        if (_sentAt < 0)
        {
            _sentAt = Environment.TickCount64;
        }
    }

    /// <summary>We begin waiting for the peer's next frame.</summary>
    public void Waiting() => _waitingSince = Environment.TickCount64;

    /// <summary>A frame of the peer's has arrived; the first after <see cref="Sent"/> measures the round trip and sets the deadline.</summary>
    public void Answered()
    {
        _answers++;
        if (_sentAt < 0 || RoundTrip is not null)
        {
            return;
        }

        RoundTrip = TimeSpan.FromMilliseconds(Environment.TickCount64 - _sentAt);
        Limit = LimitFor(Timeout, RoundTrip.Value);
        if (!_deadline.IsCancellationRequested)
        {
            _deadline.CancelAfter(Remaining());
        }
    }

    /// <summary>Why the deadline passed: a slow link when the peer's bytes had been arriving since we began waiting, else no answer.</summary>
    public SessionTimeoutException Expired(FrameReader reader)
    {
        string limit = $"{Limit.TotalSeconds:0.###} s";
        string measured = RoundTrip is { } r ? $"; the first round trip took {r.TotalSeconds:0.##} s" : string.Empty;
        if (reader.InsideFrame || reader.LastProgressAt > _waitingSince)
        {
            return new SessionTimeoutException($"The handshake did not finish within {limit} over a slow link: the peer's answer was still arriving{measured}.")
            {
                SlowLink = true,
            };
        }

        double silent = (Environment.TickCount64 - _waitingSince) / 1000.0;
        return _answers == 0
            ? new SessionTimeoutException($"No answer from the peer within {limit}.")
            : new SessionTimeoutException($"No answer from the peer for {silent:0.#} s: the handshake did not finish within {limit}{measured}.");
    }

    /// <inheritdoc />
    public void Dispose() => _deadline.Dispose();

    private TimeSpan Remaining() =>
        TimeSpan.FromMilliseconds(Math.Max(0, (long)Limit.TotalMilliseconds - (Environment.TickCount64 - _startedAt)));
}
