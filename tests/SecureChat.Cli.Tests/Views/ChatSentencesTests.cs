using SecureChat.Cli.Chat;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Views;
using SecureChat.Protocol.Errors;

namespace SecureChat.Cli.Tests.Views;

/// <summary>The one test of the chat's English: each event as the terminal view shows it, word for word.</summary>
public sealed class ChatSentencesTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Publish_EveryEvent_ShowsItsSentence()
    {
        var screen = new FakeTerminal(interactive: true);
        var view = new TerminalView(screen);

        view.Publish(new MessageShown(At, "alice", "hi", Own: false));
        view.Publish(new MessageShown(At, "bob", "hello", Own: true));
        view.Publish(new DeliveredThrough(1, "hello"));
        view.Publish(new DeliveredThrough(3, new string('y', 41)));
        view.Publish(new Reconnected("ali\u001bce", 2));
        view.Publish(new PeerLeft("alice"));
        view.Publish(new WeLeft());
        view.Publish(new ClockSkewNoticed("alice", TimeSpan.FromMinutes(-12.4)));
        view.Publish(new LineRefused("too long"));
        view.Publish(new PeerGaveUpWaiting("alice"));
        view.Publish(new PeerSilence("alice", TimeSpan.FromSeconds(12.4), Stalled: true));
        view.Publish(new PeerSilence("alice", TimeSpan.FromSeconds(40), Stalled: false));
        view.Publish(new HelpAsked());
        view.Publish(new FingerprintsAsked("SHA256:us", "alice", "SHA256:them", "12345 67890"));
        view.Publish(new StatusAsked("alice", "SHA256:them", "aes256cbc-hmacsha256", TimeSpan.FromSeconds(75), 3, 4, 1));
        view.Publish(new KeysDescribed("post-quantum: ML-KEM-768 + P-256", null, 0));
        view.Publish(new KeysDescribed("post-quantum: ML-KEM-768 + P-256", At, 1, Renewed: true));
        view.Publish(new RekeyFailed("the session is clo\u001bsed"));
        view.Publish(new UnknownCommand("/dance"));
        view.Publish(new CommandMisused("/send PATH"));
        view.Publish(new OfferAnswerFailed("gone"));
        view.Publish(new UndeliveredListed(["one"], new UnreadInput(["two"], ReachedEnd: false)));

        screen.Shown.Should().Equal(
            "in alice: hi",
            "me bob: hello",
            "system ✓ delivered: hello",
            $"system ✓ delivered 3 messages, up to: {new string('y', 40)}…",
            "system Reconnected to ali\\u001bce, 2 message(s) resent.",
            "system alice left the conversation.",
            "system You left the conversation.",
            "warning alice's clock differs from yours by about 12 minutes; message times may mislead (their order does not).",
            "warning Not sent: too long",
            "warning alice heard nothing from us for too long and dropped the connection; the conversation is kept on both sides.",
            "warning Nothing from alice for 12 s — the link may be slow.",
            "system Heard from alice again after 40 s.",
            "system Commands:",
            "system   /send PATH    offer a file",
            "system   /accept [N]   accept file offer N (without N, the oldest)",
            "system   /reject [N]   decline file offer N (without N, the oldest)",
            "system   /verify       show the fingerprints and the safety number",
            "system   /status       show the conversation's state",
            "system   /rekey        agree fresh keys now",
            "system   /help         show this list",
            "system   /quit         leave (also /exit, /bye, or Ctrl+C on an empty line)",
            "system Start a line with // to send a line that begins with /.",
            "system You:  SHA256:us",
            "system alice: SHA256:them",
            "system Safety number (the same on both screens; compare it aloud): 12345 67890",
            "system Talking to alice (SHA256:them) with aes256cbc-hmacsha256 for 1m15s; sent 3, received 4, awaiting delivery 1.",
            "system Keys: post-quantum: ML-KEM-768 + P-256; no rekey yet (one comes every 1,000 records or 10 minutes, or on /rekey).",
            $"system Fresh keys agreed. Keys: post-quantum: ML-KEM-768 + P-256; last rekey {At.ToLocalTime():HH:mm:ss} (1 in this session).",
            "warning Could not rekey: the session is clo\\u001bsed",
            "warning Unknown command /dance. Type /help for the list, or // to send a line starting with /.",
            "warning Usage: /send PATH",
            "warning Could not answer the offer: gone",
            "warning 2 message(s) were never confirmed delivered:",
            "warning   one",
            "warning   two",
            "warning The input was still open, so it was not read to its end: whatever it holds after these lines was never sent.");
    }

    [Fact]
    public void Publish_ConnectionAndTrustEvents_ShowTheirSentences_Issue17()
    {
        var screen = new FakeTerminal(interactive: true);
        var view = new TerminalView(screen);

        view.Publish(new AwaitingPeerConfirmation("alice"));
        view.Publish(new Connected("alice", "SHA256:them"));
        view.Publish(new LineQueued("hello there", "alice", QueuedUntil.PeerConfirms));
        view.Publish(new LineQueued(new string('z', 41), "Bob", QueuedUntil.PeerReturns));
        view.Publish(new LineNotQueued("anyone?"));
        view.Publish(new CommandNeedsPeer("/send"));
        view.Publish(new IdleStatus(IdleActivity.Listening, 2));
        view.Publish(new IdleStatus(IdleActivity.Reconnecting, 0));
        view.Publish(new TrustQuestionAsked("Bob", "SHA256:bob", "12345 67890"));
        view.Publish(new TrustFingerprintMismatch("Bob", "SHA256:bob"));
        view.Publish(new TrustQuestionWithdrawn("Bob"));

        screen.Shown.Should().Equal(
            "system Waiting for alice to confirm… (they are comparing the safety number; lines you type now are sent once they accept)",
            "system Connected to alice (SHA256:them). Type /help for commands, /verify to compare the safety number.",
            "system Queued, will be sent when alice confirms: hello there",
            $"system Queued, will be sent when Bob is back: {new string('z', 40)}…",
            "warning Not sent: nobody is connected, and a line typed while waiting for a caller is not given to whoever calls next: anyone?",
            "warning /send needs a connected peer, and nobody is connected now.",
            "system Not connected: waiting for a caller. 2 line(s) queued for the peer's return.",
            "system Not connected: reconnecting.",
            "system First contact with \"Bob\".",
            "system   Fingerprint:   SHA256:bob",
            "system   Safety number: 12345 67890",
            "system Compare the safety number with them (it is the same on both screens). Type yes to trust and remember, once for this time only, no to refuse, or paste the fingerprint you were given.",
            "warning That fingerprint does not match: Bob presented SHA256:bob.",
            "warning The question about \"Bob\" is withdrawn: the connection ended before you answered.");
    }

    [Fact]
    public void Publish_LineQueuedInAScript_ShowsNothing()
    {
        var screen = new FakeTerminal(interactive: false);

        new TerminalView(screen).Publish(new LineQueued("a script's line", "alice", QueuedUntil.PeerConfirms));

        screen.Shown.Should().BeEmpty("a script's lines all wait alike; its exit code says what was delivered");
    }

    [Fact]
    public void Publish_SessionFailed_ShowsTheFailuresSentence()
    {
        var screen = new FakeTerminal();
        var failure = new ConnectionLostException("reset");

        new TerminalView(screen).Publish(new SessionFailed(failure, "alice"));

        screen.Shown.Should().Equal("warning " + Failures.Describe(failure, "alice"));
    }

    [Fact]
    public void Publish_SilenceOfAHostileName_IsMadeSafeForTheTerminal()
    {
        var screen = new FakeTerminal();

        new TerminalView(screen).Publish(new PeerSilence("Bob\u001b[2J", TimeSpan.FromSeconds(12), Stalled: true));

        screen.Shown.Should().ContainSingle().Which.Should().NotContain("\u001b");
    }

    [Fact]
    public void Publish_Delivered_NotShownToAScript()
    {
        var screen = new FakeTerminal(interactive: false);

        new TerminalView(screen).Publish(new DeliveredThrough(1, "hello"));

        screen.Shown.Should().BeEmpty("a script learns about delivery from the exit code");
    }

    [Fact]
    public void Publish_LateMessage_GoesToTheTerminalWithItsSendTime()
    {
        var screen = new LateRecorder();

        new TerminalView(screen).Publish(new MessageShown(At.AddSeconds(40), "alice", "typed in the outage", Own: false, At));

        screen.Late.Should().Equal((At.AddSeconds(40), At, "alice", "typed in the outage"));
    }

    private sealed class LateRecorder : IChatTerminal
    {
        public List<(DateTimeOffset At, DateTimeOffset SentAt, string Name, string Text)> Late { get; } = [];

        public bool IsInteractive => true;

        public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public void DiscardPendingInput()
        {
        }

        public string? TakeUnusedLine() => null;

        public void ShowIncoming(DateTimeOffset at, string name, string text) => throw new InvalidOperationException("a late message shows its send time");

        public void ShowIncomingLate(DateTimeOffset at, DateTimeOffset sentAt, string name, string text) => Late.Add((at, sentAt, name, text));

        public void ShowOwn(DateTimeOffset at, string name, string text)
        {
        }

        public void ShowSystem(string line)
        {
        }

        public void ShowWarning(string line)
        {
        }

        public void ShowProgress(string? line)
        {
        }
    }
}
