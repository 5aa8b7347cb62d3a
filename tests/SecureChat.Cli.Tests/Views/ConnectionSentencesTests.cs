using SecureChat.Cli.Chat;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Views;

/// <summary>The English of listening, dialling and starting up (issue 16): each event as the terminal view shows it, word for word.</summary>
public sealed class ConnectionSentencesTests
{
    [Fact]
    public void Publish_EveryConnectionEvent_ShowsItsSentence()
    {
        var screen = new FakeTerminal(interactive: true);
        var view = new TerminalView(screen);

        view.Publish(new Listening("127.0.0.1:5000", "alice", "SHA256:us"));
        view.Publish(new ListeningAgain(5000));
        view.Publish(new ListeningForReturn(5000, "b\u001bob", 0));
        view.Publish(new ListeningForReturn(5000, "bob", 3));
        view.Publish(new ConnectionLostReconnecting(TimeSpan.FromSeconds(2)));
        view.Publish(new ReconnectAttemptFailed(2, 5, "Nobody is listening.", TimeSpan.FromMilliseconds(500)));
        view.Publish(new ReconnectAttemptFailed(5, 5, "Nobody is listening.", null));
        view.Publish(new DialAttemptFailed(1, 3, "Nobody is listening on h:1.", TimeSpan.FromMilliseconds(500)));
        view.Publish(new GaveUpReconnecting("h", 1, 4));
        view.Publish(new IdentityCreated("SHA256:us", "/home/a/id"));
        view.Publish(new FailureNoticed("It failed."));
        view.Publish(new PeerRefusedByTrust("Refused bob."));
        view.Publish(new KnownPeersUnreadable("bad line 3"));
        view.Publish(new CallerTurnedAway("e\u202eve", "SHA256:eve"));
        view.Publish(new FirstContactRemembered("bob", "SHA256:bob", "12345 67890"));
        view.Publish(new EarlierConversationLost(["one"], [new UnfinishedFile("a.txt", "bob", TransferDirection.Outgoing)]));
        view.Publish(new EarlierConversationLost([], []));
        view.Publish(new CallerDropped("192.0.2.7:50000", "it sent something that is not SecureChat."));
        view.Publish(new DropsSuppressed(7, 5, TimeSpan.FromSeconds(10)));

        screen.Shown.Should().Equal(
            "system Listening on 127.0.0.1:5000 as alice (SHA256:us). Waiting for User2…",
            "system Still listening on port 5000. Waiting for User2…",
            "system Still listening on port 5000. If b\\u001bob reconnects, the conversation resumes.",
            "system Still listening on port 5000. If bob reconnects, the conversation resumes and 3 unconfirmed message(s) are resent.",
            "warning Connection lost — reconnecting in 2 s…",
            "warning Reconnecting (attempt 2 of 5)… Nobody is listening. Next try in 0.5 s.",
            "warning Reconnecting (attempt 5 of 5)… Nobody is listening.",
            "warning Attempt 1 of 3: Nobody is listening on h:1. Trying again in 0.5 s.",
            "warning Gave up reconnecting to h:1 after 4 attempt(s).",
            "system Created your identity key SHA256:us in /home/a/id",
            "warning It failed.",
            "warning Refused bob.",
            "warning Could not check the known peers, so the connection is refused: bad line 3",
            "warning Turned away \"e\\u202eve\" (SHA256:eve): already in a conversation.",
            "system First contact with bob: remembered its key SHA256:bob. Safety number (compare it aloud; it is the same on both screens): 12345 67890",
            "warning The earlier conversation will not resume; 2 message(s) were never confirmed delivered:",
            "warning   one",
            "warning   file a.txt (to bob)",
            "warning A connection from 192.0.2.7:50000 failed the handshake and was dropped: it sent something that is not SecureChat.",
            "warning 7 more connection(s) failed the handshake and were dropped (only the first 5 of every 10 s are shown; --verbosity information logs each).");
    }
}
