// The English of the chat, in one place: every sentence a chat event is shown as. Scripted output is
// compared byte for byte by the end-to-end tests, so each sentence here is exactly what the chat loop used
// to write, including which names pass through SafeText.
using System.Globalization;
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views;

/// <summary>The sentences the views show for chat events.</summary>
public static class ChatSentences
{
    /// <summary>The commands, for /help: one a line, so that the list reads at a glance (issue 17 item 9).</summary>
    public static IReadOnlyList<string> Help { get; } =
    [
        "Commands:",
        "  /send PATH    offer a file",
        "  /accept [N]   accept file offer N (without N, the oldest)",
        "  /reject [N]   decline file offer N (without N, the oldest)",
        "  /verify       show the fingerprints and the safety number",
        "  /status       show the conversation's state",
        "  /rekey        agree fresh keys now",
        "  /help         show this list",
        "  /quit         leave (also /exit, /bye, or Ctrl+C on an empty line)",
        "Start a line with // to send a line that begins with /.",
    ];

    /// <summary>The conversation is open.</summary>
    public static string Connected(Connected e) =>
        $"Connected to {e.Peer} ({e.PeerFingerprint}). Type /help for commands, /verify to compare the safety number.";

    /// <summary>The peer has not accepted us yet.</summary>
    public static string AwaitingPeerConfirmation(AwaitingPeerConfirmation e) =>
        $"Waiting for {SafeText.ForTerminal(e.Peer)} to confirm… (they are comparing the safety number; lines you type now are sent once they accept)";

    /// <summary>A line that waits in the conversation.</summary>
    public static string LineQueued(LineQueued e)
    {
        string peer = SafeText.ForTerminal(e.Peer);
        return e.Until == QueuedUntil.PeerConfirms
            ? $"Queued, will be sent when {peer} confirms: {Shorten(e.Text)}"
            : $"Queued, will be sent when {peer} is back: {Shorten(e.Text)}";
    }

    /// <summary>A line typed while nobody is connected and no conversation is kept.</summary>
    public static string LineNotQueued(LineNotQueued e) =>
        $"Not sent: nobody is connected, and a line typed while waiting for a caller is not given to whoever calls next: {Shorten(e.Text)}";

    /// <summary>A command that needs a peer, typed while there is none.</summary>
    public static string CommandNeedsPeer(CommandNeedsPeer e) => $"{e.Typed} needs a connected peer, and nobody is connected now.";

    /// <summary>/status while no conversation runs.</summary>
    public static string IdleStatus(IdleStatus e) =>
        (e.Doing == IdleActivity.Listening ? "Not connected: waiting for a caller." : "Not connected: reconnecting.")
        + (e.Queued > 0 ? $" {e.Queued} line(s) queued for the peer's return." : string.Empty);

    /// <summary>The trust question about a peer met for the first time, one line each.</summary>
    public static IReadOnlyList<string> TrustQuestion(TrustQuestionAsked e) =>
    [
        $"First contact with \"{SafeText.ForTerminal(e.Peer)}\".",
        $"  Fingerprint:   {e.Fingerprint}",
        $"  Safety number: {e.SafetyNumber}",
        "Compare the safety number with them (it is the same on both screens). Type yes to trust and remember, once for this time only, no to refuse, or paste the fingerprint you were given.",
    ];

    /// <summary>
    /// The trust question as the full screen writes it in the pane: the same facts, but the answer is given
    /// in the box over the pane (no line is read as the answer there), so it says the box's keys instead.
    /// </summary>
    public static IReadOnlyList<string> TrustQuestionInBox(TrustQuestionAsked e) =>
    [
        .. TrustQuestion(e).Take(3),
        "Compare the safety number with them (it is the same on both screens), then answer in the box: Y to trust and remember, O for this time only, N to refuse.",
    ];

    /// <summary>The trust question is no longer open.</summary>
    public static string TrustQuestionWithdrawn(TrustQuestionWithdrawn e) =>
        $"The question about \"{SafeText.ForTerminal(e.Peer)}\" is withdrawn: the connection ended before you answered.";

    /// <summary>The fingerprint given does not match.</summary>
    public static string TrustFingerprintMismatch(TrustFingerprintMismatch e) =>
        $"That fingerprint does not match: {SafeText.ForTerminal(e.Peer)} presented {e.Presented}.";

    private static string Shorten(string text) => SafeText.ForTerminal(text.Length > 40 ? text[..40] + "…" : text);

    /// <summary>We left.</summary>
    public const string WeLeft = "You left the conversation.";

    /// <summary>A receipt confirmed our messages (shown to people only).</summary>
    public static string Delivered(DeliveredThrough e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string shown = e.LastText.Length > 40 ? e.LastText[..40] + "…" : e.LastText;
        return e.Count == 1 ? $"✓ delivered: {shown}" : $"✓ delivered {e.Count} messages, up to: {shown}";
    }

    /// <summary>A new session continues the conversation.</summary>
    public static string Reconnected(Reconnected e) =>
        $"Reconnected to {SafeText.ForTerminal(e.Peer)}, {e.Resent} message(s) resent.";

    /// <summary>The peer said goodbye.</summary>
    public static string PeerLeft(PeerLeft e) => $"{e.Peer} left the conversation.";

    /// <summary>The peer's clock is off.</summary>
    public static string ClockSkew(ClockSkewNoticed e) => string.Create(
        CultureInfo.InvariantCulture,
        $"{e.Peer}'s clock differs from yours by about {Math.Abs(e.Skew.TotalMinutes):0} minutes; message times may mislead (their order does not).");

    /// <summary>A line was refused before it left.</summary>
    public static string LineRefused(LineRefused e) => $"Not sent: {e.Reason}";

    /// <summary>The session failed.</summary>
    public static string SessionFailed(SessionFailed e) => Failures.Describe(e.Failure, e.Peer);

    /// <summary>The peer's late timeout abort: both sides keep the conversation.</summary>
    public static string PeerGaveUpWaiting(PeerGaveUpWaiting e) =>
        $"{SafeText.ForTerminal(e.Peer)} heard nothing from us for too long and dropped the connection; the conversation is kept on both sides.";

    /// <summary>The peer's silence began to matter, or ended.</summary>
    public static string Silence(PeerSilence e) => e.Stalled
        ? string.Create(CultureInfo.InvariantCulture, $"Nothing from {SafeText.ForTerminal(e.Peer)} for {e.Silence.TotalSeconds:0} s — the link may be slow.")
        : string.Create(CultureInfo.InvariantCulture, $"Heard from {SafeText.ForTerminal(e.Peer)} again after {e.Silence.TotalSeconds:0} s.");

    /// <summary>The three lines of /verify.</summary>
    /// <summary>How the keys were agreed and when they were last renewed (/status, /verify, /rekey).</summary>
    public static string Keys(KeysDescribed e)
    {
        string keys = e.LastRekey is { } last
            ? string.Create(CultureInfo.InvariantCulture, $"Keys: {e.Agreement}; last rekey {last.ToLocalTime():HH:mm:ss} ({e.Rekeys} in this session).")
            : $"Keys: {e.Agreement}; no rekey yet (one comes every 1,000 records or 10 minutes, or on /rekey).";
        return e.Renewed ? $"Fresh keys agreed. {keys}" : keys;
    }

    /// <summary>A /rekey that could not be done.</summary>
    public static string RekeyFailed(RekeyFailed e) => $"Could not rekey: {SafeText.ForTerminal(e.Reason)}";

    /// <summary>The fingerprints and safety number (/verify).</summary>
    public static IReadOnlyList<string> Fingerprints(FingerprintsAsked e) =>
    [
        $"You:  {e.Local}",
        $"{e.Peer}: {e.PeerFingerprint}",
        $"Safety number (the same on both screens; compare it aloud): {e.SafetyNumber}",
    ];

    /// <summary>The line of /status.</summary>
    public static string Status(StatusAsked e) => string.Create(
        CultureInfo.InvariantCulture,
        $"Talking to {e.Peer} ({e.PeerFingerprint}) with {e.Suite} for {(int)e.Up.TotalMinutes}m{e.Up.Seconds:00}s; sent {e.Sent}, received {e.Received}, awaiting delivery {e.Awaiting}.");

    /// <summary>A command that does not exist.</summary>
    public static string UnknownCommand(UnknownCommand e) => $"Unknown command {e.Verb}. Type /help for the list, or // to send a line starting with /.";

    /// <summary>A command without what it needs.</summary>
    public static string CommandMisused(CommandMisused e) => $"Usage: {e.Usage}";

    /// <summary>Answering a file offer failed.</summary>
    public static string OfferAnswerFailed(OfferAnswerFailed e) => $"Could not answer the offer: {e.Reason}";

    /// <summary>The heading of the undelivered list.</summary>
    public static string UndeliveredHeading(int count) => $"{count} message(s) were never confirmed delivered:";

    /// <summary>One entry of the undelivered list.</summary>
    public static string UndeliveredEntry(string text) => "  " + text;

    /// <summary>Said under the undelivered list when the input was left unread past it.</summary>
    public const string InputLeftOpen = "The input was still open, so it was not read to its end: whatever it holds after these lines was never sent.";
}
