// The English of file transfers, in one place. Scripted output is compared byte for byte by the end-to-end
// tests, so each sentence is exactly what the transfers used to write: every name, reason and folder that
// came from the peer or the file system passes through SafeText; paths the user typed and the system's
// error messages are shown as they are.
using System.Globalization;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Files;

namespace SecureChat.Cli.Views;

/// <summary>A line to show, and whether it is a warning (something went wrong or needs attention).</summary>
/// <param name="Text">The line.</param>
/// <param name="Warning">Whether it is shown as a warning.</param>
public readonly record struct FileSentence(string Text, bool Warning);

/// <summary>The sentences the views show for file events.</summary>
public static class FileSentences
{
    /// <summary>The sentence for <paramref name="e"/>; null for progress, which is drawn, not said.</summary>
    public static FileSentence? Of(FileEvent e) => e switch
    {
        FileNotSent n => Warn(NotSent(n)),
        FileHashing h => Say($"Computing the SHA-256 of {S(h.Name)} ({ByteSize.Format(h.Size)})…"),
        OfferDeferred d => Warn($"{S(d.Name)} will be offered once connected."),
        OfferSent o => Say($"Offered {S(o.Name)} ({ByteSize.Format(o.Size)}) to {S(o.Peer)}; waiting for them to accept."),
        OfferingAgain a => Say($"Offering {S(a.Name)} to {S(a.Peer)} again, to resume the transfer."),
        SendingStarted s => Say(Sending(s)),
        FileSent s => Say($"Sent {S(s.Name)}; waiting for {S(s.Peer)} to verify it."),
        FileVerifiedByPeer v => Say($"{S(v.Name)} ({ByteSize.Format(v.Size)}) arrived at {S(v.Peer)}: SHA-256 verified."),
        FileRefusedByPeer r => Warn($"{S(r.Peer)} did not take {S(r.Name)}: {S(r.Reason)}"),
        OfferWaiting w => Say(Waiting(w)),
        OfferAutoAccepted a => Say($"{S(a.Peer)} offers {S(a.Name)}{Renamed(a.Name, a.SavedAs)}, {ByteSize.Format(a.Size)}; accepting into {a.Into}."),
        OfferResumed r => Say($"{S(r.Peer)} offers {S(r.Name)} again, which you accepted before the connection dropped; resuming where it stopped."),
        OfferTooLarge t => Warn($"Refused {S(t.Name)} from {S(t.Peer)}: {ByteSize.Format(t.Size)} is more than --max-file-size ({ByteSize.Format(t.MaxSize)})."),
        OfferNotAccepted n => Warn($"Refused {S(n.Name)} ({ByteSize.Format(n.Size)}) from {S(n.Peer)}: run with --accept-files DIR to accept files."),
        OfferFlood f => Warn($"{S(f.Peer)} is offering files faster than they can be answered; further offers are refused until they slow down."),
        OfferDeclined d => Say($"Declined {S(d.Name)}."),
        NoSuchOffer n => Warn(n.Waiting.Count == 0
            ? "No file offer is waiting for an answer."
            : $"There is no offer {n.Number}; waiting: {string.Join(", ", n.Waiting.Select(w => $"{w.Number} {S(w.Name)}"))}."),
        OfferWithdrawn { WhileReceiving: true } w => Warn($"{S(w.Peer)} stopped sending {S(w.Name)}: {S(w.Reason)}. What arrived is kept (hidden); if they offer it again and it is accepted, it resumes."),
        OfferWithdrawn w => Warn($"{S(w.Peer)} withdrew the offer of {S(w.Name)}: {S(w.Reason)}."),
        ReceiveResumed r => Say($"Resuming {S(r.Name)}: {Percent(r.Held, r.Size)} is here already."),
        ReceiveInterrupted i => Warn(
            $"The connection dropped while receiving {S(i.Name)}: {ByteSize.Format(i.Held)} of {ByteSize.Format(i.Size)} is kept (hidden, in {S(i.Folder ?? "the receive folder")}); " +
            $"it resumes where it stopped when {S(i.Peer)} offers it again, as their app does after reconnecting."),
        FileSaved s => Say($"Received {S(Path.GetFileName(s.Path))} ({ByteSize.Format(s.Size)}) from {S(s.Peer)} into {S(s.Path)}: SHA-256 verified."),
        FileDiscarded d => Warn($"{S(d.Name)} from {S(d.Peer)} did not verify (its SHA-256 differs from the offer) and was discarded."),
        TransferFailed f => Warn(Failed(f)),
        PartialsEvicted p => Say(
            $"Removed {p.Names.Count} older partial file(s) from {S(p.Peer)} ({string.Join(", ", p.Names.Select(S))}) to stay within " +
            $"{p.MaxFiles} files and {ByteSize.Format(p.MaxBytes)} per peer (--max-partial-files, --max-partial-bytes)."),
        StalePartialsRemoved r => Say(string.Create(
            CultureInfo.InvariantCulture,
            $"Removed {r.Names.Count} partial file(s) untouched for more than {r.MaxAge.TotalDays:0.#} days from {S(r.Folder)}: {string.Join(", ", r.Names.Select(S))}.")),
        StalePartialsNotCleaned c => Warn($"Could not clean old partial files in {S(c.Folder)}: {c.Detail}"),
        _ => null,
    };

    /// <summary>One unfinished file in the list of what never reached the peer.</summary>
    public static string Unfinished(UnfinishedFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.Direction == TransferDirection.Outgoing
            ? $"file {S(file.Name)} (to {S(file.Peer)})"
            : $"file {S(file.Name)} (from {S(file.Peer)}, partial)";
    }

    private static string NotSent(FileNotSent n) => n.Reason switch
    {
        NotSentReason.Folder => $"Not sent: {n.Path} is a folder. Send its files one by one, or an archive of it (for example tar or zip).",
        NotSentReason.Missing => $"Not sent: there is no file {n.Path}.",
        NotSentReason.Unusable => $"Not sent: cannot use {n.Path}: {n.Detail}",
        _ => $"Not sent: cannot read {n.Path}: {n.Detail}",
    };

    private static string Sending(SendingStarted s) =>
        s.PeerHolds > 0 ? $"{S(s.Peer)} already holds {Percent(s.PeerHolds, s.Size)} of {S(s.Name)}; sending the rest."
        : s.PeerCopyDiffers ? $"The part of {S(s.Name)} that {S(s.Peer)} holds differs from this file; sending it from the start."
        : $"{S(s.Peer)} accepted {S(s.Name)}; sending.";

    private static string Waiting(OfferWaiting w)
    {
        string where = w.Folder is { } folder ? $" (saved into {S(folder)})" : string.Empty;
        // Offers are numbered, so that several waiting ones can be told apart (issue 17 item 9).
        return $"{S(w.Peer)} offers {S(w.Name)}{Renamed(w.Name, w.SavedAs)} (offer {w.Number}), {ByteSize.Format(w.Size)}, SHA-256 {w.Sha256[..16]}…. Type /accept {w.Number}{where} or /reject {w.Number}.";
    }

    private static string Failed(TransferFailed f) => f.Failure switch
    {
        TransferFailure.SourceShrank => $"Stopped sending {S(f.Name)}: it got shorter while it was being sent.",
        TransferFailure.SourceUnreadable => $"Stopped sending {S(f.Name)}: {f.Detail}",
        TransferFailure.CannotStore => $"Cannot receive {S(f.Name)}: {f.Detail}",
        TransferFailure.PartialSetAside => $"Not resuming {S(f.Name)}: {f.Detail}; it was set aside and the file starts over.",
        _ => $"Stopped receiving {S(f.Name)}: {f.Detail}. What arrived is kept (hidden); offered again and accepted, it resumes.",
    };

    private static string Renamed(string name, string savedAs) => savedAs == name ? string.Empty : $" (saved as {savedAs})";

    private static string Percent(long part, long whole) =>
        whole == 0 ? "100%" : string.Create(CultureInfo.InvariantCulture, $"{(int)(part * 100 / whole)}%");

    private static string S(string text) => SafeText.ForTerminal(text);

    private static FileSentence Say(string text) => new(text, Warning: false);

    private static FileSentence Warn(string text) => new(text, Warning: true);
}
