// The English of listening, dialling and starting up. The end-to-end tests compare scripted output byte for
// byte, so each sentence is exactly what Network/, ConversationKeeper and ChatRunner used to write, with the
// same number formats (some in the current culture, some invariant, as they were).
using System.Globalization;
using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Views;

/// <summary>The sentences the views show for connection events.</summary>
public static class ConnectionSentences
{
    /// <summary>The sentence for <paramref name="e"/>, and whether it is a warning.</summary>
    public static (string Text, bool Warning) Of(ConnectionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            Listening l => ($"Listening on {l.Endpoint} as {l.Name} ({l.Fingerprint}). Waiting for User2…", false),
            ListeningAgain again => ($"Still listening on port {again.Port}. Waiting for User2…", false),
            ListeningForReturn kept => ($"Still listening on port {kept.Port}. If {SafeText.ForTerminal(kept.Peer)} reconnects, the conversation resumes" +
                (kept.Unconfirmed > 0 ? $" and {kept.Unconfirmed} unconfirmed message(s) are resent." : "."), false),
            ConnectionLostReconnecting lost => ($"Connection lost — reconnecting in {lost.Delay.TotalSeconds:0.##} s…", true),
            ReconnectAttemptFailed failed => ($"Reconnecting (attempt {failed.Attempt} of {failed.Of})… {failed.Reason}" +
                (failed.NextIn is { } next ? string.Create(CultureInfo.InvariantCulture, $" Next try in {next.TotalSeconds:0.##} s.") : string.Empty), true),
            DialAttemptFailed dial => (string.Create(CultureInfo.InvariantCulture, $"Attempt {dial.Attempt} of {dial.Of}: {dial.Reason} Trying again in {dial.RetryIn.TotalSeconds:0.#} s."), true),
            GaveUpReconnecting gaveUp => ($"Gave up reconnecting to {gaveUp.Host}:{gaveUp.Port} after {gaveUp.Attempts} attempt(s).", true),
            IdentityCreated created => ($"Created your identity key {created.Fingerprint} in {created.Path}", false),
            FailureNoticed failure => (failure.Sentence, true),
            PeerRefusedByTrust refused => (refused.Verdict, true),
            KnownPeersUnreadable unreadable => ($"Could not check the known peers, so the connection is refused: {unreadable.Detail}", true),
            CallerTurnedAway away => ($"Turned away \"{SafeText.ForTerminal(away.Peer)}\" ({away.Fingerprint}): already in a conversation.", true),
            FirstContactRemembered first => ($"First contact with {first.Peer}: remembered its key {first.Fingerprint}. Safety number (compare it aloud; it is the same on both screens): {first.SafetyNumber}", false),
            CallerDropped dropped => ($"A connection from {dropped.Remote} failed the handshake and was dropped: {dropped.Reason}", true),
            DropsSuppressed counted => ($"{counted.Count} more connection(s) failed the handshake and were dropped (only the first {counted.Burst} of every {counted.Window.TotalSeconds:0} s are shown; --verbosity information logs each).", true),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "No sentence for this event."),
        };
    }

    /// <summary>A kept conversation that will not resume: the heading, then one line for each thing never delivered.</summary>
    public static IReadOnlyList<string> EarlierConversationLost(EarlierConversationLost e)
    {
        ArgumentNullException.ThrowIfNull(e);
        IReadOnlyList<string> undelivered = [.. e.Messages, .. e.Files.Select(FileSentences.Unfinished)];
        return undelivered.Count == 0
            ? []
            : [$"The earlier conversation will not resume; {undelivered.Count} message(s) were never confirmed delivered:", .. undelivered.Select(text => "  " + text)];
    }
}
