using SecureChat.Cli.Chat;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Views;

/// <summary>
/// The one test of the files' English: each file event as the terminal view shows it, word for word (the
/// sentences the transfers wrote before they published events), with peer-given text made safe to print.
/// </summary>
public sealed class FileSentencesTests
{
    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Publish_EveryFileEvent_ShowsItsSentence()
    {
        var screen = new FakeTerminal(interactive: false);
        var view = new TerminalView(screen);
        string dir = Path.Combine("/data", "in");

        view.Publish(new FileNotSent("/tmp/pics", NotSentReason.Folder));
        view.Publish(new FileNotSent("/tmp/none", NotSentReason.Missing));
        view.Publish(new FileNotSent("/tmp/x", NotSentReason.Unusable, "bad path"));
        view.Publish(new FileNotSent("/tmp/y", NotSentReason.Unreadable, "denied"));
        view.Publish(new FileHashing("big.iso", 70_000_000));
        view.Publish(new OfferDeferred("a.txt"));
        view.Publish(new OfferSent("alice", "a.txt", 1_500));
        view.Publish(new OfferingAgain("alice", "a.txt"));
        view.Publish(new SendingStarted("alice", "a.txt", 1_000, 0, PeerCopyDiffers: false));
        view.Publish(new SendingStarted("alice", "a.txt", 1_000, 500, PeerCopyDiffers: false));
        view.Publish(new SendingStarted("alice", "a.txt", 1_000, 0, PeerCopyDiffers: true));
        view.Publish(new FileSent("alice", "a.txt"));
        view.Publish(new FileVerifiedByPeer("alice", "a.txt", 1_500));
        view.Publish(new FileRefusedByPeer("ali\u001bce", "a.txt", "no\u202e"));
        view.Publish(new OfferWaiting("bob", 1, "../evil.sh", "evil.sh", 2_000, Hash, dir));
        view.Publish(new OfferWaiting("bob", 2, "b.txt", "b.txt", 2_000, Hash, null));
        view.Publish(new OfferAutoAccepted("bob", "b.txt", "b.txt", 2_000, "./in"));
        view.Publish(new OfferResumed("bob", "b.txt"));
        view.Publish(new OfferTooLarge("bob", "huge.bin", 2_000_000, 1_000_000));
        view.Publish(new OfferNotAccepted("bob", "b.txt", 2_000));
        view.Publish(new OfferFlood("bob"));
        view.Publish(new OfferDeclined("b.txt"));
        view.Publish(new NoSuchOffer(null, []));
        view.Publish(new NoSuchOffer(3, [new WaitingOffer(1, "a.txt"), new WaitingOffer(2, "b.txt")]));
        view.Publish(new OfferWithdrawn("bob", "b.txt", "oops", WhileReceiving: false));
        view.Publish(new OfferWithdrawn("bob", "b.txt", "oops", WhileReceiving: true));
        view.Publish(new ReceiveResumed("b.txt", 250, 1_000));
        view.Publish(new ReceiveInterrupted("bob", "b.txt", 49_152, 147_456, dir));
        view.Publish(new ReceiveInterrupted("bob", "b.txt", 0, 10, null));
        view.Publish(new FileSaved("bob", Path.Combine(dir, "b (1).txt"), 2_000));
        view.Publish(new FileDiscarded("bob", "b.txt"));
        view.Publish(new TransferFailed("a.txt", TransferFailure.SourceShrank));
        view.Publish(new TransferFailed("a.txt", TransferFailure.SourceUnreadable, "I/O error"));
        view.Publish(new TransferFailed("b.txt", TransferFailure.CannotStore, "no room"));
        view.Publish(new TransferFailed("b.txt", TransferFailure.StoreFailed, "disk full"));
        view.Publish(new TransferFailed("b.txt", TransferFailure.PartialSetAside, "not ours"));
        view.Publish(new PartialsEvicted("bob", ["old1.bin", "old2.bin"], 2, 1_000_000));
        view.Publish(new StalePartialsRemoved(dir, ["old.iso"], TimeSpan.FromDays(7)));
        view.Publish(new StalePartialsNotCleaned(dir, "denied"));

        screen.Shown.Should().Equal(
            "warning Not sent: /tmp/pics is a folder. Send its files one by one, or an archive of it (for example tar or zip).",
            "warning Not sent: there is no file /tmp/none.",
            "warning Not sent: cannot use /tmp/x: bad path",
            "warning Not sent: cannot read /tmp/y: denied",
            "system Computing the SHA-256 of big.iso (70 MB)…",
            "warning a.txt will be offered once connected.",
            "system Offered a.txt (1.5 KB) to alice; waiting for them to accept.",
            "system Offering a.txt to alice again, to resume the transfer.",
            "system alice accepted a.txt; sending.",
            "system alice already holds 50% of a.txt; sending the rest.",
            "system The part of a.txt that alice holds differs from this file; sending it from the start.",
            "system Sent a.txt; waiting for alice to verify it.",
            "system a.txt (1.5 KB) arrived at alice: SHA-256 verified.",
            "warning ali\\u001bce did not take a.txt: no\\u202e",
            $"system bob offers ../evil.sh (saved as evil.sh) (offer 1), 2 KB, SHA-256 0123456789abcdef…. Type /accept 1 (saved into {dir}) or /reject 1.",
            "system bob offers b.txt (offer 2), 2 KB, SHA-256 0123456789abcdef…. Type /accept 2 or /reject 2.",
            "system bob offers b.txt, 2 KB; accepting into ./in.",
            "system bob offers b.txt again, which you accepted before the connection dropped; resuming where it stopped.",
            "warning Refused huge.bin from bob: 2 MB is more than --max-file-size (1 MB).",
            "warning Refused b.txt (2 KB) from bob: run with --accept-files DIR to accept files.",
            "warning bob is offering files faster than they can be answered; further offers are refused until they slow down.",
            "system Declined b.txt.",
            "warning No file offer is waiting for an answer.",
            "warning There is no offer 3; waiting: 1 a.txt, 2 b.txt.",
            "warning bob withdrew the offer of b.txt: oops.",
            "warning bob stopped sending b.txt: oops. What arrived is kept (hidden); if they offer it again and it is accepted, it resumes.",
            "system Resuming b.txt: 25% is here already.",
            $"warning The connection dropped while receiving b.txt: 49.15 KB of 147.46 KB is kept (hidden, in {dir}); it resumes where it stopped when bob offers it again, as their app does after reconnecting.",
            "warning The connection dropped while receiving b.txt: 0 B of 10 B is kept (hidden, in the receive folder); it resumes where it stopped when bob offers it again, as their app does after reconnecting.",
            $"system Received b (1).txt (2 KB) from bob into {Path.Combine(dir, "b (1).txt")}: SHA-256 verified.",
            "warning b.txt from bob did not verify (its SHA-256 differs from the offer) and was discarded.",
            "warning Stopped sending a.txt: it got shorter while it was being sent.",
            "warning Stopped sending a.txt: I/O error",
            "warning Cannot receive b.txt: no room",
            "warning Stopped receiving b.txt: disk full. What arrived is kept (hidden); offered again and accepted, it resumes.",
            "warning Not resuming b.txt: not ours; it was set aside and the file starts over.",
            "system Removed 2 older partial file(s) from bob (old1.bin, old2.bin) to stay within 2 files and 1 MB per peer (--max-partial-files, --max-partial-bytes).",
            $"system Removed 1 partial file(s) untouched for more than 7 days from {dir}: old.iso.",
            $"warning Could not clean old partial files in {dir}: denied");
    }

    [Fact]
    public void OwnFileName_FromAHostileFile_IsShownNotObeyed()
    {
        var screen = new FakeTerminal(interactive: false);

        new TerminalView(screen).Publish(new OfferSent("alice", "x\u001b[2J.bin", 1));

        screen.Shown.Should().Equal("system Offered x\\u001b[2J.bin (1 B) to alice; waiting for them to accept.");
    }

    [Fact]
    public void Unfinished_BothDirections_NamesTheFileAndThePeer_MadeSafe()
    {
        FileSentences.Unfinished(new UnfinishedFile("a\u001b.txt", "alice", TransferDirection.Outgoing)).Should().Be("file a\\u001b.txt (to alice)");
        FileSentences.Unfinished(new UnfinishedFile("b.txt", "bo\u202eb", TransferDirection.Incoming)).Should().Be("file b.txt (from bo\\u202eb, partial)");
    }

    [Fact]
    public void Progress_IsDrawnNotSaid_AndClearedOnRequest()
    {
        var screen = new FakeTerminal(interactive: true);
        var view = new TerminalView(screen);
        var progress = new TransferProgressed(1, TransferDirection.Outgoing, "a.bin", 500, 1_000, null, TimeSpan.Zero);

        view.Publish(progress);
        view.Publish(new ProgressCleared());

        screen.Shown.Should().Equal("progress " + ProgressText.Bar(progress, 79));
        FileSentences.Of(progress).Should().BeNull();
    }
}
