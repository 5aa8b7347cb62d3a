// What the file transfers tell the views. Like every chat event they carry data, never a sentence:
// Views/FileSentences.cs holds the English. Names and reasons are as they came (a peer's name, a file
// name, a peer's reason are not yet made safe to print); the view makes them safe when it shows them.
namespace SecureChat.Cli.Chat;

/// <summary>Something that happened to a file transfer.</summary>
public abstract record FileEvent : ChatEvent;

/// <summary>Which way a transfer goes.</summary>
public enum TransferDirection
{
    /// <summary>We send it.</summary>
    Outgoing,

    /// <summary>The peer sends it.</summary>
    Incoming,
}

/// <summary>Why a file of ours was not offered.</summary>
public enum NotSentReason
{
    /// <summary>The path is a folder.</summary>
    Folder,

    /// <summary>There is no file at the path.</summary>
    Missing,

    /// <summary>The path cannot be used (bad characters, no access); <see cref="FileNotSent.Detail"/> says why.</summary>
    Unusable,

    /// <summary>The file could not be read to hash it; <see cref="FileNotSent.Detail"/> says why.</summary>
    Unreadable,
}

/// <summary>Why a transfer stopped on this side.</summary>
public enum TransferFailure
{
    /// <summary>The file we were sending got shorter while it was sent.</summary>
    SourceShrank,

    /// <summary>The file we were sending could not be read.</summary>
    SourceUnreadable,

    /// <summary>An accepted file could not be stored (no folder, an unsafe folder, a disk error).</summary>
    CannotStore,

    /// <summary>Writing a file being received failed; what arrived is kept.</summary>
    StoreFailed,

    /// <summary>The partial file kept for a resume was not ours any more: it was set aside and the file starts over.</summary>
    PartialSetAside,
}

/// <summary>A file offer waiting for an answer, by the number /accept and /reject take.</summary>
/// <param name="Number">Its number.</param>
/// <param name="Name">Its safe name.</param>
public sealed record WaitingOffer(int Number, string Name);

/// <summary>A file of ours that did not arrive verified, or one of the peer's that did not finish.</summary>
/// <param name="Name">The file's name (ours as it is here; theirs as it is saved).</param>
/// <param name="Peer">The peer's name.</param>
/// <param name="Direction">Which way it was going.</param>
public sealed record UnfinishedFile(string Name, string Peer, TransferDirection Direction);

/// <summary>A file of ours (/send, --send) was not offered.</summary>
/// <param name="Path">The path as given.</param>
/// <param name="Reason">Why.</param>
/// <param name="Detail">The system's words, for <see cref="NotSentReason.Unusable"/> and <see cref="NotSentReason.Unreadable"/>.</param>
public sealed record FileNotSent(string Path, NotSentReason Reason, string Detail = "") : FileEvent;

/// <summary>A large file of ours is being hashed before it is offered.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record FileHashing(string Name, long Size) : FileEvent;

/// <summary>A file of ours waits for a connection to be offered.</summary>
/// <param name="Name">The file's name.</param>
public sealed record OfferDeferred(string Name) : FileEvent;

/// <summary>We offered a file; the peer has not answered yet.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The file's name.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record OfferSent(string Peer, string Name, long Size) : FileEvent;

/// <summary>After a reconnect, an unfinished file of ours is offered again so that it resumes.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The file's name.</param>
public sealed record OfferingAgain(string Peer, string Name) : FileEvent;

/// <summary>The peer accepted a file of ours and it is being sent.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The file's name.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="PeerHolds">How many bytes the peer already holds (sending resumes there), 0 if none.</param>
/// <param name="PeerCopyDiffers">The peer held a part that differs from our file, so it is sent from the start.</param>
public sealed record SendingStarted(string Peer, string Name, long Size, long PeerHolds, bool PeerCopyDiffers) : FileEvent;

/// <summary>Every byte of a file of ours went out; the peer's verdict is awaited.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The file's name.</param>
public sealed record FileSent(string Peer, string Name) : FileEvent;

/// <summary>The peer verified a file of ours (its SHA-256 matched the offer).</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The file's name.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record FileVerifiedByPeer(string Peer, string Name, long Size) : FileEvent;

/// <summary>The peer did not take a file of ours.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The file's name.</param>
/// <param name="Reason">The peer's reason.</param>
public sealed record FileRefusedByPeer(string Peer, string Name, string Reason) : FileEvent;

/// <summary>The peer offers a file and this user is asked (/accept or /reject).</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Number">The offer's number, for /accept N and /reject N.</param>
/// <param name="Name">The name the peer gave it.</param>
/// <param name="SavedAs">The safe name it would be saved as.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, hex.</param>
/// <param name="Folder">Where it would be saved, if there is a receive folder.</param>
public sealed record OfferWaiting(string Peer, int Number, string Name, string SavedAs, long Size, string Sha256, string? Folder) : FileEvent;

/// <summary>The peer offers a file and --accept-files takes it.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The name the peer gave it.</param>
/// <param name="SavedAs">The safe name it is saved as.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Into">The folder given with --accept-files.</param>
public sealed record OfferAutoAccepted(string Peer, string Name, string SavedAs, long Size, string Into) : FileEvent;

/// <summary>The peer offers again a file this user accepted before the connection dropped: it resumes unasked.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The name the peer gave it.</param>
public sealed record OfferResumed(string Peer, string Name) : FileEvent;

/// <summary>The peer's offer was refused: larger than --max-file-size.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The name the peer gave it.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="MaxSize">--max-file-size.</param>
public sealed record OfferTooLarge(string Peer, string Name, long Size, long MaxSize) : FileEvent;

/// <summary>The peer's offer was refused: a script that did not say --accept-files takes no files.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The name the peer gave it.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record OfferNotAccepted(string Peer, string Name, long Size) : FileEvent;

/// <summary>The peer offers files faster than they can be answered; further offers are refused unseen.</summary>
/// <param name="Peer">The peer's name.</param>
public sealed record OfferFlood(string Peer) : FileEvent;

/// <summary>This user declined an offer (/reject).</summary>
/// <param name="Name">The offer's safe name.</param>
public sealed record OfferDeclined(string Name) : FileEvent;

/// <summary>/accept or /reject found no such offer.</summary>
/// <param name="Number">The number asked for, or null for "the oldest".</param>
/// <param name="Waiting">The offers that are waiting.</param>
public sealed record NoSuchOffer(int? Number, IReadOnlyList<WaitingOffer> Waiting) : FileEvent;

/// <summary>The peer withdrew an offer, or stopped sending a file we were receiving.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The offer's safe name.</param>
/// <param name="Reason">The peer's reason.</param>
/// <param name="WhileReceiving">Whether bytes were arriving (they are kept for a resume).</param>
public sealed record OfferWithdrawn(string Peer, string Name, string Reason, bool WhileReceiving) : FileEvent;

/// <summary>An accepted file resumes from a partial file kept here.</summary>
/// <param name="Name">The file's safe name.</param>
/// <param name="Held">Bytes already here.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record ReceiveResumed(string Name, long Held, long Size) : FileEvent;

/// <summary>The connection dropped while a file was arriving; its partial file is kept for a resume.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The file's safe name.</param>
/// <param name="Held">Bytes kept.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Folder">The receive folder, if one was opened.</param>
public sealed record ReceiveInterrupted(string Peer, string Name, long Held, long Size, string? Folder) : FileEvent;

/// <summary>A received file verified and took its final name.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Path">Where it was saved.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record FileSaved(string Peer, string Path, long Size) : FileEvent;

/// <summary>A received file did not verify (its SHA-256 differs from the offer) and was discarded.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The file's safe name.</param>
public sealed record FileDiscarded(string Peer, string Name) : FileEvent;

/// <summary>A transfer stopped on this side.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Failure">Why, as a kind.</param>
/// <param name="Detail">The system's words, where there are any.</param>
public sealed record TransferFailed(string Name, TransferFailure Failure, string Detail = "") : FileEvent;

/// <summary>Older partial files of the peer were removed to make room under the per-peer quota.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Names">The removed files' names.</param>
/// <param name="MaxFiles">--max-partial-files.</param>
/// <param name="MaxBytes">--max-partial-bytes.</param>
public sealed record PartialsEvicted(string Peer, IReadOnlyList<string> Names, int MaxFiles, long MaxBytes) : FileEvent;

/// <summary>At start-up, partial files untouched for longer than the age limit were removed.</summary>
/// <param name="Folder">The receive folder.</param>
/// <param name="Names">The removed files' names.</param>
/// <param name="MaxAge">The age limit.</param>
public sealed record StalePartialsRemoved(string Folder, IReadOnlyList<string> Names, TimeSpan MaxAge) : FileEvent;

/// <summary>At start-up, old partial files could not be cleaned.</summary>
/// <param name="Folder">The receive folder.</param>
/// <param name="Detail">The system's words.</param>
public sealed record StalePartialsNotCleaned(string Folder, string Detail) : FileEvent;

/// <summary>A transfer moved on.</summary>
/// <param name="Id">The transfer's id in this session.</param>
/// <param name="Direction">Which way it goes.</param>
/// <param name="Name">The file's name.</param>
/// <param name="Held">Bytes that have arrived (or gone out), in all.</param>
/// <param name="Total">The file's size.</param>
/// <param name="BytesPerSecond">The speed of this run (bytes beyond where it resumed), or null before anything moved.</param>
/// <param name="Elapsed">Time since this run began.</param>
public sealed record TransferProgressed(ulong Id, TransferDirection Direction, string Name, long Held, long Total, double? BytesPerSecond, TimeSpan Elapsed) : FileEvent;

/// <summary>No transfer's progress is to be shown any more (one ended, or the connection did).</summary>
public sealed record ProgressCleared : FileEvent;
