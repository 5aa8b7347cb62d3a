// The files of one conversation, on both sides, across the sessions that carry it. Offers are hashed
// before they go out, received bytes are hashed as they are written, and a file gets its final name only
// once its SHA-256 matches the offer (until then it is a hidden partial file that cannot be taken for a
// finished one). The peer's name is never a path (SafeFileName), an existing file is never overwritten
// (ReceiveFolder), and the size cap is checked against the offer and against every chunk. When a
// connection drops mid-transfer the partial file stays; offered again (by hand, or automatically after a
// reconnect), the transfer resumes from what the receiver holds, which it proves by the hash of those bytes.
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Logging;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Files;

/// <summary>What governs files in a conversation: where they go and how large they may be.</summary>
/// <param name="AcceptInto">The folder for received files (--accept-files); scripts refuse offers without it.</param>
/// <param name="MaxFileSize">The largest file accepted, in bytes.</param>
public sealed record FilePolicy(string? AcceptInto, long MaxFileSize)
{
    /// <summary>Where /accept saves without --accept-files (the downloads folder's SecureChat); null: nowhere.</summary>
    public string? DefaultFolder { get; init; }

    /// <summary>The mode of received files (--file-mode): owner-only unless the user says otherwise.</summary>
    public UnixFileMode FileMode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>At most this many partial files per peer (--max-partial-files); older ones make room.</summary>
    public int MaxPartialFiles { get; init; } = 8;

    /// <summary>Partial files of one peer beyond this many bytes make room by age (--max-partial-bytes).</summary>
    public long MaxPartialBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Partial files untouched this long are removed at start-up.</summary>
    public TimeSpan MaxPartialAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The home folder that <c>~</c> stands for in paths typed at the prompt.</summary>
    public string? Home { get; init; } = PromptPath.Home();

    /// <summary>The folder received files go to: --accept-files, else the default one.</summary>
    public string? Folder => AcceptInto ?? DefaultFolder;
}

/// <summary>Sends and receives the files of one conversation.</summary>
public sealed class FileTransfers : IDisposable
{
    private const int ReadBuffer = SecureSession.MaxFileChunkBytes;

    // A peer's offers beyond these are refused unseen: each costs a line and a lookup, and a flood of them
    // must cost neither memory nor the user's attention (issue 15). Twenty at once, then one a second.
    private const int OfferBurst = 20;
    private const int MaxWaitingOffers = 16;
    private const int MaxInterrupted = 16;

    private readonly IChatTerminal _terminal;
    private readonly FilePolicy _policy;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<Outgoing> _outgoing = [];
    private readonly List<Incoming> _incoming = [];
    private SecureSession? _session;
    private string _peer = "the peer";
    private string _peerKey = string.Empty;
    private long _lastBarAt;
    private TaskCompletionSource? _idle;
    private double _offerTokens = OfferBurst;
    private long _offerTokensAt;
    private bool _floodReported;
    private int _lastNumber;

    /// <summary>Files for a conversation shown on <paramref name="terminal"/>.</summary>
    public FileTransfers(IChatTerminal terminal, FilePolicy policy, ILogger logger, TimeProvider time)
    {
        _terminal = terminal;
        _policy = policy;
        _logger = logger;
        _time = time;
        _offerTokensAt = time.GetTimestamp();
    }

    /// <summary>Files we offered that did not arrive verified, and files we were receiving that did not finish.</summary>
    public IReadOnlyList<string> Unfinished
    {
        get
        {
            lock (_gate)
            {
                return [.. _outgoing.Where(o => !o.Finished).Select(o => $"{o.Name} (to {_peer})"),
                        .. _incoming.Where(i => i.State == IncomingState.Receiving || i.State == IncomingState.Interrupted).Select(i => $"{i.SafeName} (from {_peer}, partial)")];
            }
        }
    }

    /// <summary>At start-up: partial files untouched for longer than the age limit are removed, with a line saying so.</summary>
    public void RemoveStalePartials()
    {
        if (_policy.Folder is not { } folder || !Directory.Exists(folder))
        {
            return;
        }

        try
        {
            DateTime cutoff = _time.GetUtcNow().UtcDateTime - _policy.MaxPartialAge;
            IReadOnlyList<PartialFile> removed = new PartialFiles(new ReceiveFolder(folder)).RemoveOlderThan(cutoff);
            if (removed.Count > 0)
            {
                _terminal.ShowSystem(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Removed {removed.Count} partial file(s) untouched for more than {_policy.MaxPartialAge.TotalDays:0.#} days from {SafeText.ForTerminal(folder)}: {string.Join(", ", removed.Select(r => SafeText.ForTerminal(r.Name)))}."));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _terminal.ShowWarning($"Could not clean old partial files in {SafeText.ForTerminal(folder)}: {e.Message}");
        }
    }

    /// <summary>
    /// A new session carries the conversation; transfer ids start again. Called before the session's first
    /// file event is handled: the peer may offer a file as soon as the conversation has resumed.
    /// </summary>
    public void Attach(SecureSession session, bool continued)
    {
        lock (_gate)
        {
            _session = session;
            _peer = SafeText.ForTerminal(session.Peer.Name);
            _peerKey = Convert.ToHexStringLower(session.Peer.Fingerprint.Hash);
            if (!continued)
            {
                _incoming.RemoveAll(i => i.State != IncomingState.Receiving);
            }
        }
    }

    /// <summary>After a reconnect, our unfinished offers go out again at once, so that they resume.</summary>
    public async Task OfferAgainAsync(CancellationToken cancellationToken)
    {
        List<Outgoing> again;
        lock (_gate)
        {
            again = [.. _outgoing.Where(o => !o.Finished)];
        }

        foreach (Outgoing o in again)
        {
            _terminal.ShowSystem($"Offering {o.Name} to {_peer} again, to resume the transfer.");
            await OfferAsync(o, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The session ended: open files are closed, partial files kept, transfers in flight wait for the next session.</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _session = null;
            foreach (Outgoing o in _outgoing.Where(o => !o.Finished))
            {
                o.Stop();
                o.Id = null;
            }

            foreach (Incoming i in _incoming.Where(i => i.State == IncomingState.Receiving))
            {
                i.Close();
                i.State = IncomingState.Interrupted;
                _terminal.ShowWarning(
                    $"The connection dropped while receiving {i.SafeName}: {ByteSize.Format(i.Held)} of {ByteSize.Format(i.Size)} is kept (hidden, in {SafeText.ForTerminal(i.Folder?.Folder ?? "the receive folder")}); " +
                    $"it resumes where it stopped when {_peer} offers it again, as their app does after reconnecting.");
            }

            // Offers not yet answered die with the session; nothing was written for them.
            _incoming.RemoveAll(i => i.State == IncomingState.Offered);
            while (_incoming.Count(i => i.State == IncomingState.Interrupted) > MaxInterrupted)
            {
                _incoming.Remove(_incoming.First(i => i.State == IncomingState.Interrupted));
            }

            _terminal.ShowProgress(null);
            CheckIdleLocked();
        }
    }

    /// <summary>Offers a file named at the prompt (/send): a leading <c>~</c> is the home folder, as in a shell.</summary>
    public Task OfferFromPromptAsync(string typed, CancellationToken cancellationToken) =>
        OfferAsync(PromptPath.Expand(typed, _policy.Home), cancellationToken);

    /// <summary>How many offers from the peer are held (waiting, receiving or interrupted); tests count them.</summary>
    internal int RetainedOffers
    {
        get
        {
            lock (_gate)
            {
                return _incoming.Count;
            }
        }
    }

    /// <summary>Offers the file at <paramref name="path"/> (/send, --send): hashed first, then offered.</summary>
    public async Task OfferAsync(string path, CancellationToken cancellationToken)
    {
        string full;
        long size;
        try
        {
            full = Path.GetFullPath(path);
            var info = new FileInfo(full);
            if (Directory.Exists(full))
            {
                _terminal.ShowWarning($"Not sent: {path} is a folder. Send its files one by one, or an archive of it (for example tar or zip).");
                return;
            }

            if (!info.Exists)
            {
                _terminal.ShowWarning($"Not sent: there is no file {path}.");
                return;
            }

            size = info.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            _terminal.ShowWarning($"Not sent: cannot use {path}: {e.Message}");
            return;
        }

        var outgoing = new Outgoing(full, Path.GetFileName(full), size);
        lock (_gate)
        {
            _outgoing.Add(outgoing);
        }

        try
        {
            if (size > 64 * 1024 * 1024)
            {
                _terminal.ShowSystem($"Computing the SHA-256 of {outgoing.Name} ({ByteSize.Format(size)})…");
            }

            outgoing.Sha256 = await HashFileAsync(full, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _terminal.ShowWarning($"Not sent: cannot read {path}: {e.Message}");
            Finish(outgoing);
            return;
        }

        await OfferAsync(outgoing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>/accept: the oldest waiting offer, or the one numbered <paramref name="number"/>.</summary>
    public async Task AcceptAsync(int? number, CancellationToken cancellationToken)
    {
        Incoming? offer = FindOffer(number);
        if (offer is not null)
        {
            await AcceptAsync(offer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>/reject: the oldest waiting offer, or the one numbered <paramref name="number"/>.</summary>
    public async Task RejectAsync(int? number, CancellationToken cancellationToken)
    {
        Incoming? offer = FindOffer(number);
        if (offer is not null && _session is { } session)
        {
            Drop(offer);
            await session.RejectFileAsync(offer.Id, "declined", cancellationToken).ConfigureAwait(false);
            _terminal.ShowSystem($"Declined {offer.SafeName}.");
        }
    }

    /// <summary>Completes when no transfer is in progress or waiting for an answer (scripts wait for it at the end of input).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (IsIdleLocked())
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    /// <summary>Acts on a file event of the session; false for an event that is not about files.</summary>
    public async ValueTask<bool> OnEventAsync(SessionEvent item, CancellationToken cancellationToken)
    {
        switch (item)
        {
            case FileOffered offer:
                await OnOfferAsync(offer, cancellationToken).ConfigureAwait(false);
                return true;
            case FileAccepted accepted when FindOutgoing(accepted.File) is { } o:
                _ = Task.Run(() => SendAsync(o, accepted, o.StopToken), CancellationToken.None); // stopped through StopToken
                return true;
            case FileRejected rejected when FindOutgoing(rejected.File) is { } o:
                _terminal.ShowProgress(null);
                _terminal.ShowWarning($"{_peer} did not take {o.Name}: {SafeText.ForTerminal(rejected.Reason)}");
                Log.Transfer(_logger, "out", rejected.File, "rejected", o.Size);
                o.Stop();
                Finish(o);
                return true;
            case FileVerified verified when FindOutgoing(verified.File) is { } o:
                _terminal.ShowProgress(null);
                _terminal.ShowSystem($"{o.Name} ({ByteSize.Format(o.Size)}) arrived at {_peer}: SHA-256 verified.");
                Log.Transfer(_logger, "out", verified.File, "verified", o.Size);
                Finish(o);
                return true;
            case FileChunkReceived chunk when FindIncoming(chunk.File) is { } i:
                await OnChunkAsync(i, chunk, cancellationToken).ConfigureAwait(false);
                return true;
            case FileCancelled cancelled when FindIncoming(cancelled.File) is { } i:
                _terminal.ShowProgress(null);
                bool receiving = i.State == IncomingState.Receiving;
                i.Close();
                Drop(i); // a cancel ends this offer's consent: sent again, it is a new offer that asks again
                _terminal.ShowWarning(receiving
                    ? $"{_peer} stopped sending {i.SafeName}: {SafeText.ForTerminal(cancelled.Reason)}. What arrived is kept (hidden); if they offer it again and it is accepted, it resumes."
                    : $"{_peer} withdrew the offer of {i.SafeName}: {SafeText.ForTerminal(cancelled.Reason)}.");
                CheckIdle();
                return true;
            default:
                return item is FileAccepted or FileRejected or FileVerified or FileChunkReceived or FileCancelled;
        }
    }

    /// <summary>Closes every open file (partial files stay).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (Outgoing o in _outgoing)
            {
                o.Stop();
                o.Dispose();
            }

            foreach (Incoming i in _incoming)
            {
                i.Close();
            }
        }
    }

    private async Task OfferAsync(Outgoing outgoing, CancellationToken cancellationToken)
    {
        if (_session is not { } session)
        {
            _terminal.ShowWarning($"{outgoing.Name} will be offered once connected.");
            return;
        }

        try
        {
            outgoing.Restart();
            // The id is recorded before the offer is written: the peer's accept can overtake this call's return.
            await session.OfferFileAsync(outgoing.OfferedName, outgoing.Size, outgoing.Sha256, id => Numbered(outgoing, id), cancellationToken).ConfigureAwait(false);
            _terminal.ShowSystem($"Offered {outgoing.Name} ({ByteSize.Format(outgoing.Size)}) to {_peer}; waiting for them to accept.");
        }
        catch (Exception e) when (e is SessionException or InvalidOperationException)
        {
            // The session ended: the offer goes out again after a reconnect, or is listed as unfinished.
        }
    }

    private async Task SendAsync(Outgoing o, FileAccepted accepted, CancellationToken cancellationToken)
    {
        SecureSession? session = _session;
        ulong id = accepted.File;
        if (session is null)
        {
            return;
        }

        try
        {
            using SafeFileHandle file = File.OpenHandle(o.Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            long start = 0;
            if (accepted.Offset > 0)
            {
                byte[] ours = await HashPrefixAsync(file, accepted.Offset, cancellationToken).ConfigureAwait(false);
                if (CryptographicOperations.FixedTimeEquals(ours, accepted.Prefix.Span))
                {
                    start = accepted.Offset;
                    _terminal.ShowSystem($"{_peer} already holds {Percent(start, o.Size)} of {o.Name}; sending the rest.");
                }
                else
                {
                    _terminal.ShowSystem($"The part of {o.Name} that {_peer} holds differs from this file; sending it from the start.");
                }
            }
            else
            {
                _terminal.ShowSystem($"{_peer} accepted {o.Name}; sending.");
            }

            var progress = new TransferProgress(o.Name, o.Size, start, _time);
            byte[] buffer = new byte[ReadBuffer];
            long offset = start;
            do
            {
                int length = (int)Math.Min(buffer.Length, o.Size - offset);
                int read = length == 0 ? 0 : await RandomAccess.ReadAsync(file, buffer.AsMemory(0, length), offset, cancellationToken).ConfigureAwait(false);
                if (read != length)
                {
                    await session.CancelFileAsync(id, "the file changed while it was being sent", CancellationToken.None).ConfigureAwait(false);
                    _terminal.ShowWarning($"Stopped sending {o.Name}: it got shorter while it was being sent.");
                    Finish(o);
                    return;
                }

                await session.SendFileChunkAsync(id, offset, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                offset += read;
                progress.Advance(offset);
                ShowProgress(progress, offset == o.Size);
            }
            while (offset < o.Size);

            _terminal.ShowProgress(null);
            _terminal.ShowSystem($"Sent {o.Name}; waiting for {_peer} to verify it.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _terminal.ShowProgress(null);
            _terminal.ShowWarning($"Stopped sending {o.Name}: {e.Message}");
            await TryTellAsync(() => session.CancelFileAsync(id, "the sender could not read the file", CancellationToken.None)).ConfigureAwait(false);
            Finish(o);
        }
        catch (Exception e) when (e is SessionException or InvalidOperationException or OperationCanceledException)
        {
            // The session ended or the peer stopped the transfer: what happens next is decided elsewhere.
        }
    }

    private async Task OnOfferAsync(FileOffered offer, CancellationToken cancellationToken)
    {
        SecureSession session = _session ?? throw new InvalidOperationException("A file event without a session.");
        string safe = SafeFileName.FromPeer(offer.Name);
        string shownName = SafeText.ForTerminal(offer.Name);
        string renamed = safe == offer.Name ? string.Empty : $" (saved as {safe})";
        var incoming = new Incoming(offer.File, _peerKey, offer.Name, safe, offer.Size, offer.Sha256.ToArray());
        Incoming? earlier;
        bool flood;
        bool report = false;
        lock (_gate)
        {
            flood = !TakeOfferToken() || _incoming.Count(i => i.State == IncomingState.Offered) >= MaxWaitingOffers;
            if (flood)
            {
                report = !_floodReported;
                _floodReported = true;
                earlier = null;
            }
            else
            {
                // The flood is over once the peer was quiet long enough for the bucket to fill again.
                _floodReported &= _offerTokens < OfferBurst - 1;

                // Only a transfer this user accepted, cut off by a dropped connection, resumes unasked, and only
                // when everything about the offer is the same: the sender's key, name, size and hash.
                earlier = _incoming.FirstOrDefault(i => i.State == IncomingState.Interrupted && i.Peer == _peerKey && i.OfferedName == offer.Name && i.Size == offer.Size && i.Sha256.AsSpan().SequenceEqual(offer.Sha256.Span));
                _incoming.RemoveAll(i => i.State == IncomingState.Interrupted && i.Peer == _peerKey && i.Sha256.AsSpan().SequenceEqual(offer.Sha256.Span));
                _incoming.Add(incoming);
                incoming.Number = _incoming.Any(i => i.State == IncomingState.Offered && i != incoming) ? ++_lastNumber : _lastNumber = 1;
            }
        }

        if (flood)
        {
            await session.RejectFileAsync(offer.File, "too many offers at once; offer fewer files, or wait", cancellationToken).ConfigureAwait(false);
            if (report)
            {
                _terminal.ShowWarning($"{_peer} is offering files faster than they can be answered; further offers are refused until they slow down.");
            }

            return;
        }

        if (offer.Size > _policy.MaxFileSize)
        {
            Drop(incoming);
            await session.RejectFileAsync(offer.File, $"too large: {ByteSize.Format(offer.Size)}; this side accepts at most {ByteSize.Format(_policy.MaxFileSize)}", cancellationToken).ConfigureAwait(false);
            _terminal.ShowWarning($"Refused {shownName} from {_peer}: {ByteSize.Format(offer.Size)} is more than --max-file-size ({ByteSize.Format(_policy.MaxFileSize)}).");
            return;
        }

        if (earlier is not null)
        {
            _terminal.ShowSystem($"{_peer} offers {shownName} again, which you accepted before the connection dropped; resuming where it stopped.");
            await AcceptAsync(incoming, cancellationToken).ConfigureAwait(false);
        }
        else if (!_terminal.IsInteractive)
        {
            if (_policy.AcceptInto is null)
            {
                Drop(incoming);
                await session.RejectFileAsync(offer.File, "this side does not accept files", cancellationToken).ConfigureAwait(false);
                _terminal.ShowWarning($"Refused {shownName} ({ByteSize.Format(offer.Size)}) from {_peer}: run with --accept-files DIR to accept files.");
                return;
            }

            _terminal.ShowSystem($"{_peer} offers {shownName}{renamed}, {ByteSize.Format(offer.Size)}; accepting into {_policy.AcceptInto}.");
            await AcceptAsync(incoming, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            string where = _policy.Folder is { } folder ? $" (saved into {SafeText.ForTerminal(folder)})" : string.Empty;
            _terminal.ShowSystem($"{_peer} offers {shownName}{renamed}, {ByteSize.Format(offer.Size)}, SHA-256 {Convert.ToHexStringLower(offer.Sha256.Span)[..16]}…. Type /accept{where} or /reject.");
        }
    }

    private async Task AcceptAsync(Incoming incoming, CancellationToken cancellationToken)
    {
        SecureSession session = _session ?? throw new InvalidOperationException("Not connected.");
        try
        {
            if (_policy.Folder is not { } into)
            {
                throw new IOException("there is no receive folder (no home folder to put Downloads/SecureChat in); run with --accept-files DIR");
            }

            var folder = new ReceiveFolder(into);
            if (_policy.AcceptInto is null)
            {
                folder.CreateIfMissing();
            }
            else
            {
                folder.CheckSafe();
            }

            incoming.Folder = folder;
            incoming.Partials = new PartialFiles(folder);
            incoming.File = OpenPartial(incoming);
            long held = RandomAccess.GetLength(incoming.File);
            if (held > incoming.Size)
            {
                RandomAccess.SetLength(incoming.File, 0);
                held = 0;
            }
            else if (held == incoming.Size && held > 0)
            {
                // An accept holds less than the whole file (docs/protocol.md, "Files"): the last byte travels again.
                held--;
                RandomAccess.SetLength(incoming.File, held);
            }

            incoming.Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await AppendPrefixAsync(incoming.File, incoming.Hash, held, cancellationToken).ConfigureAwait(false);
            incoming.Held = held;
            incoming.Progress = new TransferProgress(incoming.SafeName, incoming.Size, held, _time);
            incoming.State = IncomingState.Receiving;
            await session.AcceptFileAsync(incoming.Id, held, incoming.Hash.GetCurrentHash(), cancellationToken).ConfigureAwait(false);
            if (held > 0)
            {
                _terminal.ShowSystem($"Resuming {incoming.SafeName}: {Percent(held, incoming.Size)} is here already.");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            incoming.Close();
            Drop(incoming);
            _terminal.ShowWarning($"Cannot receive {incoming.SafeName}: {e.Message}");
            await TryTellAsync(() => session.RejectFileAsync(incoming.Id, "the receiver could not store the file", CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// This peer's partial file of this very file, reopened only if it is still the file we created; else a
    /// new one, after older partial files of the peer made room under the quota.
    /// </summary>
    private Microsoft.Win32.SafeHandles.SafeFileHandle OpenPartial(Incoming incoming)
    {
        PartialFiles partials = incoming.Partials!;
        if (partials.Find(incoming.Peer, incoming.Size, incoming.Sha256) is { } kept)
        {
            try
            {
                Microsoft.Win32.SafeHandles.SafeFileHandle file = partials.Open(kept);
                incoming.Partial = kept;
                return file;
            }
            catch (PartialFileException e)
            {
                // Removing unlinks whatever is there now (a link is removed, never followed).
                partials.Remove(kept);
                _terminal.ShowWarning($"Not resuming {incoming.SafeName}: {e.Message}; it was set aside and the file starts over.");
            }
        }

        IReadOnlyList<PartialFile> removed = partials.MakeRoom(incoming.Peer, _policy.MaxPartialFiles, _policy.MaxPartialBytes);
        if (removed.Count > 0)
        {
            _terminal.ShowSystem(
                $"Removed {removed.Count} older partial file(s) from {_peer} ({string.Join(", ", removed.Select(r => SafeText.ForTerminal(r.Name)))}) to stay within " +
                $"{_policy.MaxPartialFiles} files and {ByteSize.Format(_policy.MaxPartialBytes)} per peer (--max-partial-files, --max-partial-bytes).");
        }

        (PartialFile partial, Microsoft.Win32.SafeHandles.SafeFileHandle created) = partials.Create(incoming.Peer, incoming.SafeName, incoming.Size, incoming.Sha256);
        incoming.Partial = partial;
        return created;
    }

    private async Task OnChunkAsync(Incoming i, FileChunkReceived chunk, CancellationToken cancellationToken)
    {
        if (i.State != IncomingState.Receiving || i.File is null || i.Hash is null || _session is not { } session)
        {
            return;
        }

        try
        {
            if (chunk.Offset == 0 && i.Held > 0)
            {
                // The sender's copy differs from what we held: it starts over, and so do we.
                RandomAccess.SetLength(i.File, 0);
                i.Hash.Dispose();
                i.Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                i.Held = 0;
                i.Progress = new TransferProgress(i.SafeName, i.Size, 0, _time);
            }

            // The ledger already keeps chunks within the offered size, which was within the cap: this is the
            // cap checked again against the bytes themselves, in case either check is ever loosened.
            if (chunk.Offset + chunk.Data.Length > _policy.MaxFileSize)
            {
                throw new IOException($"more than --max-file-size ({ByteSize.Format(_policy.MaxFileSize)}) arrived");
            }

            RandomAccess.Write(i.File, chunk.Data.Span, chunk.Offset);
            i.Hash.AppendData(chunk.Data.Span);
            i.Held = chunk.Offset + chunk.Data.Length;
            i.Progress!.Advance(i.Held);
            ShowProgress(i.Progress, chunk.Complete);
            if (chunk.Complete)
            {
                await CompleteAsync(session, i, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException e)
        {
            i.Close();
            Drop(i); // not resumed unasked: it stopped on this side, not by a dropped connection
            _terminal.ShowProgress(null);
            _terminal.ShowWarning($"Stopped receiving {i.SafeName}: {e.Message}. What arrived is kept (hidden); offered again and accepted, it resumes.");
            await TryTellAsync(() => session.RejectFileAsync(i.Id, "the receiver could not store the file", CancellationToken.None)).ConfigureAwait(false);
            CheckIdle();
        }
    }

    private async Task CompleteAsync(SecureSession session, Incoming i, CancellationToken cancellationToken)
    {
        byte[] actual = i.Hash!.GetHashAndReset();
        bool verified = CryptographicOperations.FixedTimeEquals(actual, i.Sha256);
        if (verified && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(i.File!, _policy.FileMode); // through our handle: the file we wrote, not a name
        }

        i.Close();
        _terminal.ShowProgress(null);
        if (!verified)
        {
            i.Partials!.Remove(i.Partial!);
            Drop(i);
            _terminal.ShowWarning($"{i.SafeName} from {_peer} did not verify (its SHA-256 differs from the offer) and was discarded.");
            Log.Transfer(_logger, "in", i.Id, "hash mismatch", i.Size);
            await session.RejectFileAsync(i.Id, "the file did not verify (SHA-256 mismatch) and was discarded", cancellationToken).ConfigureAwait(false);
            CheckIdle();
            return;
        }

        string final = i.Folder!.Commit(i.Partials!.PathOf(i.Partial!), i.SafeName);
        i.Partials.Remove(i.Partial!); // the sidecar; the partial itself has its final name now
        Drop(i);
        _terminal.ShowSystem($"Received {SafeText.ForTerminal(Path.GetFileName(final))} ({ByteSize.Format(i.Size)}) from {_peer} into {SafeText.ForTerminal(final)}: SHA-256 verified.");
        Log.Transfer(_logger, "in", i.Id, "verified", i.Size);
        await session.ConfirmFileAsync(i.Id, cancellationToken).ConfigureAwait(false);
        CheckIdle();
    }

    private void ShowProgress(TransferProgress progress, bool complete)
    {
        if (_terminal.IsInteractive)
        {
            long now = _time.GetTimestamp();
            if (complete || _time.GetElapsedTime(Interlocked.Read(ref _lastBarAt), now) >= TimeSpan.FromMilliseconds(100))
            {
                Interlocked.Exchange(ref _lastBarAt, now);
                _terminal.ShowProgress(progress.Bar(TerminalWidth()));
            }
        }
        else if (progress.ShouldReport(out string line))
        {
            _terminal.ShowProgress(line);
        }
    }

    private static int TerminalWidth()
    {
        try
        {
            return Math.Max(40, Console.WindowWidth - 1);
        }
        catch (IOException)
        {
            return 79;
        }
    }

    private Incoming? FindOffer(int? number)
    {
        lock (_gate)
        {
            List<Incoming> waiting = [.. _incoming.Where(i => i.State == IncomingState.Offered)];
            Incoming? found = number is { } n ? waiting.FirstOrDefault(i => i.Number == n) : waiting.FirstOrDefault();
            if (found is null)
            {
                _terminal.ShowWarning(waiting.Count == 0 ? "No file offer is waiting for an answer." : $"There is no offer {number}; waiting: {string.Join(", ", waiting.Select(i => $"{i.Number} {i.SafeName}"))}.");
            }

            return found;
        }
    }

    /// <summary>An offer that is over (refused, withdrawn, done or failed) is forgotten: nothing about it is kept.</summary>
    private void Drop(Incoming i)
    {
        lock (_gate)
        {
            i.State = IncomingState.Over;
            _incoming.Remove(i);
            CheckIdleLocked();
        }
    }

    // A token bucket: OfferBurst offers at once, then one a second.
    private bool TakeOfferToken()
    {
        long now = _time.GetTimestamp();
        _offerTokens = Math.Min(OfferBurst, _offerTokens + _time.GetElapsedTime(_offerTokensAt, now).TotalSeconds);
        _offerTokensAt = now;
        if (_offerTokens < 1)
        {
            return false;
        }

        _offerTokens--;
        return true;
    }

    private Outgoing? FindOutgoing(ulong id)
    {
        lock (_gate)
        {
            return _outgoing.FirstOrDefault(o => o.Id == id && !o.Finished);
        }
    }

    private Incoming? FindIncoming(ulong id)
    {
        lock (_gate)
        {
            return _incoming.FirstOrDefault(i => i.Id == id && i.State is IncomingState.Offered or IncomingState.Receiving);
        }
    }

    private void Numbered(Outgoing o, ulong id)
    {
        lock (_gate)
        {
            o.Id = id;
        }
    }

    private void Finish(Outgoing o)
    {
        lock (_gate)
        {
            o.Finished = true;
            CheckIdleLocked();
        }
    }

    private void CheckIdle()
    {
        lock (_gate)
        {
            CheckIdleLocked();
        }
    }

    private void CheckIdleLocked()
    {
        if (_idle is not null && IsIdleLocked())
        {
            _idle.TrySetResult();
            _idle = null;
        }
    }

    private bool IsIdleLocked() =>
        _session is null || (_outgoing.All(o => o.Finished) && !_incoming.Any(i => i.State == IncomingState.Receiving));

    private static string Percent(long part, long whole) =>
        whole == 0 ? "100%" : string.Create(CultureInfo.InvariantCulture, $"{(int)(part * 100 / whole)}%");

    private static async Task<byte[]> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> HashPrefixAsync(SafeFileHandle file, long length, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await AppendPrefixAsync(file, hash, length, cancellationToken).ConfigureAwait(false);
        return hash.GetHashAndReset();
    }

    private static async Task AppendPrefixAsync(SafeFileHandle file, IncrementalHash hash, long length, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[ReadBuffer];
        long offset = 0;
        while (offset < length)
        {
            int read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - offset)), offset, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the file is shorter than it was");
            }

            hash.AppendData(buffer, 0, read);
            offset += read;
        }
    }

    /// <summary>Sends a last word about a transfer if the session still can; a session that is gone needs none.</summary>
    private static async Task TryTellAsync(Func<ValueTask> send)
    {
        try
        {
            await send().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SessionException or InvalidOperationException)
        {
            // The session is gone; the peer learns nothing more.
        }
    }

    private enum IncomingState
    {
        Offered,
        Receiving,

        /// <summary>Accepted, then cut off by a dropped connection: the one state that resumes unasked.</summary>
        Interrupted,
        Over,
    }

    /// <summary>A file we offer: kept until it is verified, refused, or we give up.</summary>
    private sealed class Outgoing(string path, string name, long size) : IDisposable
    {
        private CancellationTokenSource _stop = new();

        public string Path { get; } = path;

        /// <summary>
        /// The file's own name, as offered: the receiver makes its safe name from it (SafeFileName). Only a
        /// lone surrogate (possible in a Windows name) is replaced, by U+FFFD, since an offer is well-formed text.
        /// </summary>
        public string OfferedName { get; } = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(name));

        /// <summary>The name as shown here, with anything that could act on the terminal made visible.</summary>
        public string Name { get; } = SafeText.ForTerminal(name);

        public long Size { get; } = size;

        public byte[] Sha256 { get; set; } = [];

        /// <summary>Our id for the offer in the current session (null between sessions).</summary>
        public ulong? Id { get; set; }

        public bool Finished { get; set; }

        public CancellationToken StopToken => _stop.Token;

        public void Stop() => _stop.Cancel();

        public void Dispose() => _stop.Dispose();

        public void Restart()
        {
            if (_stop.IsCancellationRequested)
            {
                _stop.Dispose();
                _stop = new CancellationTokenSource();
            }
        }
    }

    /// <summary>A file the peer offers: where it goes, what arrived, and the hash so far.</summary>
    private sealed class Incoming(ulong id, string peer, string offeredName, string safeName, long size, byte[] sha256)
    {
        public ulong Id { get; } = id;

        /// <summary>The sender's key fingerprint (hex): partial files and consent belong to a key, not a name.</summary>
        public string Peer { get; } = peer;

        public string OfferedName { get; } = offeredName;

        public string SafeName { get; } = safeName;

        public long Size { get; } = size;

        public byte[] Sha256 { get; } = sha256;

        public int Number { get; set; }

        public IncomingState State { get; set; } = IncomingState.Offered;

        public ReceiveFolder? Folder { get; set; }

        public PartialFiles? Partials { get; set; }

        public PartialFile? Partial { get; set; }

        public SafeFileHandle? File { get; set; }

        public IncrementalHash? Hash { get; set; }

        public long Held { get; set; }

        public TransferProgress? Progress { get; set; }

        public void Close()
        {
            File?.Dispose();
            File = null;
            Hash?.Dispose();
            Hash = null;
        }
    }
}
