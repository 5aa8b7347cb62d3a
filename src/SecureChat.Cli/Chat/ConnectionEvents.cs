// What listening, dialling and starting up tell the views. Like every chat event they carry data, never a
// sentence (Views/ConnectionSentences.cs holds the English), except FailureNoticed: a failure's sentence is
// chosen with its exit code in Failures.Classify, the one place for that decision.
namespace SecureChat.Cli.Chat;

/// <summary>Something that happened to the connection (listening, dialling) rather than in a conversation.</summary>
public abstract record ConnectionEvent : ChatEvent;

/// <summary>User1 listens and waits for a caller.</summary>
/// <param name="Endpoint">The local address and port, as bound.</param>
/// <param name="Name">Our name.</param>
/// <param name="Fingerprint">Our key's fingerprint.</param>
public sealed record Listening(string Endpoint, string Name, string Fingerprint) : ConnectionEvent;

/// <summary>User1 goes on listening for the next caller, after one was turned away or left.</summary>
/// <param name="Port">The port listened on.</param>
public sealed record ListeningAgain(int Port) : ConnectionEvent;

/// <summary>User1 goes on listening and keeps the conversation for its peer's return.</summary>
/// <param name="Port">The port listened on.</param>
/// <param name="Peer">The peer's name, as it gave it.</param>
/// <param name="Unconfirmed">How many of our messages will be resent if it returns.</param>
public sealed record ListeningForReturn(int Port, string Peer, int Unconfirmed) : ConnectionEvent;

/// <summary>User2's connection dropped and reconnecting begins.</summary>
/// <param name="Delay">The wait before the first attempt.</param>
public sealed record ConnectionLostReconnecting(TimeSpan Delay) : ConnectionEvent;

/// <summary>A reconnect attempt failed.</summary>
/// <param name="Attempt">Which attempt (1, 2, …).</param>
/// <param name="Of">--reconnect-attempts.</param>
/// <param name="Reason">The failure's sentence, from Failures.Classify.</param>
/// <param name="NextIn">The wait before the next attempt, or null when this was the last.</param>
public sealed record ReconnectAttemptFailed(int Attempt, int Of, string Reason, TimeSpan? NextIn) : ConnectionEvent;

/// <summary>A first connection found nobody (or no host) and will be tried again (--retry).</summary>
/// <param name="Attempt">Which attempt (1, 2, …).</param>
/// <param name="Of">How many attempts there will be in all.</param>
/// <param name="Reason">Why it failed, with the advice to fix it.</param>
/// <param name="RetryIn">The wait before the next attempt.</param>
public sealed record DialAttemptFailed(int Attempt, int Of, string Reason, TimeSpan RetryIn) : ConnectionEvent;

/// <summary>Reconnecting failed for good.</summary>
/// <param name="Host">The host dialled.</param>
/// <param name="Port">The port dialled.</param>
/// <param name="Attempts">How many attempts were made.</param>
public sealed record GaveUpReconnecting(string Host, int Port, int Attempts) : ConnectionEvent;

/// <summary>A new identity key was made for this home.</summary>
/// <param name="Fingerprint">Its fingerprint.</param>
/// <param name="Path">Where it was saved.</param>
public sealed record IdentityCreated(string Fingerprint, string Path) : ConnectionEvent;

/// <summary>Something failed; its sentence comes from Failures.Classify with its exit code.</summary>
/// <param name="Sentence">The failure's sentence.</param>
public sealed record FailureNoticed(string Sentence) : ConnectionEvent;

/// <summary>A conversation User1 kept for its peer's return will not resume, and this never reached the peer.</summary>
/// <param name="Messages">Our messages never confirmed delivered.</param>
/// <param name="Files">The files that did not finish.</param>
public sealed record EarlierConversationLost(IReadOnlyList<string> Messages, IReadOnlyList<UnfinishedFile> Files) : ConnectionEvent;

/// <summary>The trust decision refused a peer; the verdict's sentence says why (the trust gate words it with its advice).</summary>
/// <param name="Verdict">The verdict's sentence.</param>
public sealed record PeerRefusedByTrust(string Verdict) : ConnectionEvent;

/// <summary>The known peers could not be read, so the connection is refused.</summary>
/// <param name="Detail">What was wrong with them.</param>
public sealed record KnownPeersUnreadable(string Detail) : ConnectionEvent;

/// <summary>A caller was turned away because User1 is already in a conversation.</summary>
/// <param name="Peer">The caller's name, as it gave it.</param>
/// <param name="Fingerprint">The caller's key's fingerprint.</param>
public sealed record CallerTurnedAway(string Peer, string Fingerprint) : ConnectionEvent;

/// <summary>A peer met for the first time was trusted and its key remembered.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Fingerprint">Its key's fingerprint.</param>
/// <param name="SafetyNumber">The safety number to compare aloud.</param>
public sealed record FirstContactRemembered(string Peer, string Fingerprint, string SafetyNumber) : ConnectionEvent;

/// <summary>The listener dropped a caller before any conversation (a scanner, a wrong pre-shared key, tampering).</summary>
/// <param name="Remote">The caller's address, if known.</param>
/// <param name="Reason">Why, as Failures describes the failure.</param>
public sealed record CallerDropped(string? Remote, string Reason) : ConnectionEvent;

/// <summary>More callers were dropped in one window than are shown in full: how many were only counted.</summary>
/// <param name="Count">Dropped callers not shown.</param>
/// <param name="Burst">How many are shown in full per window.</param>
/// <param name="Window">The window.</param>
public sealed record DropsSuppressed(int Count, int Burst, TimeSpan Window) : ConnectionEvent;
