namespace SecureChat.Cli.Commands;

/// <summary>
/// What User1 allows strangers on its port, so that connections that never start a handshake cannot
/// lock out the real User2. A caller is cheap until its first frame (the hello) has arrived whole: only
/// then does it get one of the few handshake slots, where the expensive RSA work happens.
/// </summary>
public sealed record ListenerLimits
{
    /// <summary>The defaults.</summary>
    public static readonly ListenerLimits Default = new();

    /// <summary>
    /// A caller's whole hello must arrive within this after it connected; by default (null) the handshake
    /// timeout, whose clock starts at the same moment (docs/protocol.md, "Deadline"). A shorter wait only
    /// ever shortens frame 1's part of that one clock; it cannot lengthen it.
    /// </summary>
    public TimeSpan? HelloTimeout { get; init; }

    /// <summary>
    /// At most this many callers wait for their hello at once (default 1024). A waiting caller costs a
    /// socket and what it has actually sent (a few KiB at most for a real hello), so the room can be larger
    /// than any crowd of idle or stalling strangers: then a flood of short-lived connections evicts nobody.
    /// Beyond it, each newcomer makes the longest-waiting caller leave, so none is ever locked out.
    /// </summary>
    public int MaxWaitingForHello { get; init; } = 1024;

    /// <summary>At most this many handshakes run at once (default 16); a caller whose hello came waits for a slot until its hello wait ends.</summary>
    public int MaxHandshakes { get; init; } = 16;

    /// <summary>
    /// When every handshake slot is taken, a newcomer evicts a handshake whose caller has kept us waiting
    /// longer than this for its next frame (default 1 s; a real caller answers within milliseconds).
    /// </summary>
    public TimeSpan HandshakeStallBound { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A source address may fail this many handshakes' key confirmation in a row (default 5) before it is
    /// turned away; see <see cref="Network.GuessLimiter"/>.
    /// </summary>
    public int FailedHandshakeBurst { get; init; } = 5;

    /// <summary>One more failed handshake is allowed per this much time (default 2 s): online guessing runs at 0.5 guesses a second.</summary>
    public TimeSpan FailedHandshakeRefill { get; init; } = TimeSpan.FromSeconds(2);
}
