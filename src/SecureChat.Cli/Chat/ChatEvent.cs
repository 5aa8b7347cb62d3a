// What the chat core tells its views. Each event carries data, never a sentence: the views decide how it
// reads (Views/ChatSentences.cs holds the English), so a second view needs nothing below it changed.
using SecureChat.Protocol.Errors;

namespace SecureChat.Cli.Chat;

/// <summary>Something that happened in a conversation, for the views to show.</summary>
public abstract record ChatEvent;

/// <summary>A message to show: the peer's (<paramref name="Own"/> false) or one we sent.</summary>
/// <param name="At">When it arrived (ours: when it was sent).</param>
/// <param name="Name">The speaker's name, as the peer gave it (not yet made safe to print).</param>
/// <param name="Text">The message (not yet made safe to print).</param>
/// <param name="Own">Whether we sent it.</param>
/// <param name="LateSentAt">The peer's send time when it is far from the arrival, else null.</param>
public sealed record MessageShown(DateTimeOffset At, string Name, string Text, bool Own, DateTimeOffset? LateSentAt = null) : ChatEvent;

/// <summary>The peer's receipt covered <paramref name="Count"/> more of our messages, the last being <paramref name="LastText"/>.</summary>
/// <param name="Count">How many messages this receipt confirmed.</param>
/// <param name="LastText">The newest of them.</param>
public sealed record DeliveredThrough(int Count, string LastText) : ChatEvent;

/// <summary>A new session continues the conversation after a dropped connection.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Resent">How many of our unconfirmed messages went out again.</param>
public sealed record Reconnected(string Peer, int Resent) : ChatEvent;

/// <summary>The peer said goodbye.</summary>
/// <param name="Peer">The peer's name.</param>
public sealed record PeerLeft(string Peer) : ChatEvent;

/// <summary>We are leaving (end of input, /quit, Ctrl+C).</summary>
public sealed record WeLeft : ChatEvent;

/// <summary>The peer's clock is far from ours.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Skew">Our clock minus the peer's.</param>
public sealed record ClockSkewNoticed(string Peer, TimeSpan Skew) : ChatEvent;

/// <summary>A line we were asked to send was refused before it left (too long, empty).</summary>
/// <param name="Reason">Why, from the session's check.</param>
public sealed record LineRefused(string Reason) : ChatEvent;

/// <summary>The session ended with <paramref name="Failure"/>, or (on the way out) a missing goodbye.</summary>
/// <param name="Failure">What ended it.</param>
/// <param name="Peer">The peer's name.</param>
public sealed record SessionFailed(SessionException Failure, string Peer) : ChatEvent;

/// <summary>The peer's late "gave up waiting" arrived after an outage: both sides keep the conversation.</summary>
/// <param name="Peer">The peer's name.</param>
public sealed record PeerGaveUpWaiting(string Peer) : ChatEvent;

/// <summary>The peer has been silent for <paramref name="Silence"/> (<paramref name="Stalled"/>), or was heard again after it.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Silence">How long the silence is, or lasted.</param>
/// <param name="Stalled">True when the silence began to matter, false when it ended.</param>
public sealed record PeerSilence(string Peer, TimeSpan Silence, bool Stalled) : ChatEvent;

/// <summary>The conversation ended for good: everything that never reached the peer, in one list.</summary>
/// <param name="Undelivered">Unconfirmed messages and lines never sent.</param>
/// <param name="Unread">A script's lines that nothing read.</param>
public sealed record UndeliveredListed(IReadOnlyList<string> Undelivered, UnreadInput Unread) : ChatEvent
{
    /// <summary>Files that did not arrive verified, listed after the messages.</summary>
    public IReadOnlyList<UnfinishedFile> Files { get; init; } = [];
}

/// <summary>The commands were asked for (/help).</summary>
public sealed record HelpAsked : ChatEvent;

/// <summary>The fingerprints and safety number were asked for (/verify).</summary>
/// <param name="Local">Our fingerprint.</param>
/// <param name="Peer">The peer's name.</param>
/// <param name="PeerFingerprint">The peer's fingerprint.</param>
/// <param name="SafetyNumber">The safety number of the two keys.</param>
public sealed record FingerprintsAsked(string Local, string Peer, string PeerFingerprint, string SafetyNumber) : ChatEvent;

/// <summary>The state of the conversation was asked for (/status).</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="PeerFingerprint">The peer's fingerprint.</param>
/// <param name="Suite">The message suite's wire name.</param>
/// <param name="Up">How long this session has run.</param>
/// <param name="Sent">Messages sent in the conversation.</param>
/// <param name="Received">Messages received in the conversation.</param>
/// <param name="Awaiting">Messages awaiting their receipt.</param>
public sealed record StatusAsked(string Peer, string PeerFingerprint, string Suite, TimeSpan Up, int Sent, int Received, int Awaiting) : ChatEvent;

/// <summary>How the session's keys were agreed and last renewed: with /status and /verify, and after /rekey.</summary>
/// <param name="Agreement">The key agreement, e.g. <c>post-quantum: ML-KEM-768 + P-256</c>.</param>
/// <param name="LastRekey">When the keys were last renewed, if they were.</param>
/// <param name="Rekeys">How many rekeys this session has had.</param>
/// <param name="Renewed">Whether this answers a /rekey that just completed.</param>
public sealed record KeysDescribed(string Agreement, DateTimeOffset? LastRekey, int Rekeys, bool Renewed = false) : ChatEvent;

/// <summary>A /rekey could not be done.</summary>
/// <param name="Reason">Why.</param>
public sealed record RekeyFailed(string Reason) : ChatEvent;

/// <summary>A command that does not exist was typed.</summary>
/// <param name="Verb">What was typed, lower case.</param>
public sealed record UnknownCommand(string Verb) : ChatEvent;

/// <summary>A command was typed without what it needs.</summary>
/// <param name="Usage">How it is used, e.g. <c>/send PATH</c>.</param>
public sealed record CommandMisused(string Usage) : ChatEvent;

/// <summary>Answering a file offer failed.</summary>
/// <param name="Reason">Why.</param>
public sealed record OfferAnswerFailed(string Reason) : ChatEvent;

/// <summary>The conversation is open: the peer accepted us and the first session carries it.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="PeerFingerprint">The peer's fingerprint.</param>
public sealed record Connected(string Peer, string PeerFingerprint) : ChatEvent;

/// <summary>We dialled and the handshake is done, but the peer has not yet accepted us (its user is comparing the safety number).</summary>
/// <param name="Peer">The peer's name.</param>
public sealed record AwaitingPeerConfirmation(string Peer) : ChatEvent;

/// <summary>A typed line could not go out now and waits in the conversation, to be sent when the peer is there.</summary>
/// <param name="Text">The line.</param>
/// <param name="Peer">Whom it waits for.</param>
/// <param name="Until">What it waits for: the peer's confirmation, or its return after a dropped connection.</param>
public sealed record LineQueued(string Text, string Peer, QueuedUntil Until) : ChatEvent;

/// <summary>What a queued line waits for.</summary>
public enum QueuedUntil
{
    /// <summary>The peer accepting this connection.</summary>
    PeerConfirms,

    /// <summary>The peer reconnecting after a dropped connection.</summary>
    PeerReturns,
}

/// <summary>A line typed while no conversation runs and none is kept: it is not sent to whoever calls next.</summary>
/// <param name="Text">The line.</param>
public sealed record LineNotQueued(string Text) : ChatEvent;

/// <summary>A command that needs a connected peer was typed while there is none.</summary>
/// <param name="Typed">The command word, lower case.</param>
public sealed record CommandNeedsPeer(string Typed) : ChatEvent;

/// <summary>/status while no conversation runs: what the app is doing.</summary>
/// <param name="Doing">What it waits for, e.g. a caller or a reconnect.</param>
/// <param name="Queued">Lines queued for a peer's return.</param>
public sealed record IdleStatus(IdleActivity Doing, int Queued) : ChatEvent;

/// <summary>What the app does while no conversation runs.</summary>
public enum IdleActivity
{
    /// <summary>User1: listening for a caller.</summary>
    Listening,

    /// <summary>User2: reconnecting after a dropped connection.</summary>
    Reconnecting,
}

/// <summary>
/// A peer met for the first time asks to be trusted: the user compares the safety number and answers with a
/// <see cref="TrustReply"/> (yes, once, no) or a typed line (which may be the fingerprint they were given).
/// A known peer whose key changed is never asked about: it is refused with both fingerprints.
/// </summary>
/// <param name="Peer">The peer's name, as it gave it (not yet made safe to print).</param>
/// <param name="Fingerprint">The key it presented.</param>
/// <param name="SafetyNumber">The safety number of the two keys.</param>
public sealed record TrustQuestionAsked(string Peer, string Fingerprint, string SafetyNumber) : ChatEvent;

/// <summary>The trust question is no longer open: the connection ended (the caller left) before it was answered.</summary>
/// <param name="Peer">The peer the question was about.</param>
public sealed record TrustQuestionWithdrawn(string Peer) : ChatEvent;

/// <summary>A fingerprint was given as the trust answer, and it is not the one presented: the peer is refused.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Presented">The key it presented.</param>
public sealed record TrustFingerprintMismatch(string Peer, string Presented) : ChatEvent;
