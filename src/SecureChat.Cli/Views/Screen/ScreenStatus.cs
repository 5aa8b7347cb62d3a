// What the status line says, as data: who the peer is (name, short fingerprint, whether the key was known
// before this run), the suite, where the connection stands, typed lines not yet taken, and a transfer's
// progress bar. Immutable; the screen swaps in a new one and the line redraws.
using System.Globalization;

namespace SecureChat.Cli.Views.Screen;

/// <summary>Where the connection stands.</summary>
public enum ConnectionState
{
    /// <summary>User1, before a caller arrives.</summary>
    WaitingForCaller,

    /// <summary>User2, dialling User1.</summary>
    Connecting,

    /// <summary>A handshake is running.</summary>
    Handshaking,

    /// <summary>Our side accepted; the peer's user is still comparing the safety number.</summary>
    WaitingForPeerToConfirm,

    /// <summary>In a conversation.</summary>
    Connected,

    /// <summary>The connection dropped and is being re-established.</summary>
    Reconnecting,

    /// <summary>No connection, and none on the way.</summary>
    Disconnected,
}

/// <summary>The status line's content.</summary>
/// <param name="Connection">Where the connection stands.</param>
/// <param name="Peer">The peer's name, once known.</param>
/// <param name="Fingerprint">The peer's fingerprint, once known.</param>
/// <param name="Verified">Whether the peer's key was known before this run (else: first met, or trusted once).</param>
/// <param name="Suite">The message suite's wire name, once known.</param>
/// <param name="Attempt">The reconnect attempt, while reconnecting.</param>
/// <param name="Queued">Lines typed that the chat has not taken yet.</param>
/// <param name="Transfer">A file transfer's progress line (with its bar), or null.</param>
public sealed record ScreenStatus(
    ConnectionState Connection,
    string? Peer = null,
    string? Fingerprint = null,
    bool Verified = false,
    string? Suite = null,
    int Attempt = 0,
    int Queued = 0,
    string? Transfer = null)
{
    /// <summary>The first characters of a fingerprint, enough to tell keys apart at a glance.</summary>
    public static string Shorten(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return fingerprint.Length <= 15 ? fingerprint : fingerprint[..15] + "…";
    }

    /// <summary>The connection state in words, e.g. <c>reconnecting (attempt 3)</c>.</summary>
    public string ConnectionText => Connection switch
    {
        ConnectionState.WaitingForCaller => "waiting for a caller",
        ConnectionState.Connecting => "connecting",
        ConnectionState.Handshaking => "handshaking",
        ConnectionState.WaitingForPeerToConfirm => $"waiting for {ScreenText.Clean(Peer ?? "the peer")} to confirm",
        ConnectionState.Connected => "connected",
        ConnectionState.Reconnecting => Attempt > 0 ? string.Create(CultureInfo.InvariantCulture, $"reconnecting (attempt {Attempt})") : "reconnecting",
        _ => "disconnected",
    };

    /// <summary>
    /// The first status row: <c>Bob SHA256:0RxGpPx3ixOZ… ✓ verified │ hmac-sha256 │ connected │ 2 queued</c>
    /// (the peer's part only once a peer is known).
    /// </summary>
    public string Text()
    {
        var parts = new List<string>();
        if (Peer is not null)
        {
            string who = ScreenText.Clean(Peer);
            if (Fingerprint is not null)
            {
                who += " " + Shorten(Fingerprint);
            }

            parts.Add(who + (Verified ? " ✓ verified" : " (unverified)"));
        }

        if (Suite is not null)
        {
            parts.Add(Suite);
        }

        parts.Add(ConnectionText);
        if (Queued > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Queued} queued"));
        }

        return string.Join(" │ ", parts);
    }
}
