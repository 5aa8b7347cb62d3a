// The receiving half of FileTransfers: offers from the peer (consent, rate, size), the partial file each
// accepted one is written to (PartialFiles), its chunks, and the verdict once the hash is checked.
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Logging;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Files;

/// <summary>Receiving files.</summary>
public sealed partial class FileTransfers
{
    private static readonly TimeSpan ProgressReportInterval = TimeSpan.FromMilliseconds(250);

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
                _events.Publish(new StalePartialsRemoved(folder, [.. removed.Select(r => r.Name)], _policy.MaxPartialAge));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _events.Publish(new StalePartialsNotCleaned(folder, e.Message));
        }
    }

    private async Task OnOfferAsync(FileOffered offer, CancellationToken cancellationToken)
    {
        SecureSession session = _session ?? throw new InvalidOperationException("A file event without a session.");
        string safe = SafeFileName.FromPeer(offer.Name);
        var incoming = new IncomingTransfer(offer.File, _peerKey, offer.Name, safe, offer.Size, offer.Sha256.ToArray());
        IncomingTransfer? earlier;
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
                _events.Publish(new OfferFlood(_peer));
            }

            return;
        }

        if (offer.Size > _policy.MaxFileSize)
        {
            Drop(incoming);
            await session.RejectFileAsync(offer.File, $"too large: {ByteSize.Format(offer.Size)}; this side accepts at most {ByteSize.Format(_policy.MaxFileSize)}", cancellationToken).ConfigureAwait(false);
            _events.Publish(new OfferTooLarge(_peer, offer.Name, offer.Size, _policy.MaxFileSize));
            return;
        }

        if (earlier is not null)
        {
            _events.Publish(new OfferResumed(_peer, offer.Name));
            await AcceptAsync(incoming, cancellationToken).ConfigureAwait(false);
        }
        else if (!_policy.AskBeforeAccepting)
        {
            if (_policy.AcceptInto is null)
            {
                Drop(incoming);
                await session.RejectFileAsync(offer.File, "this side does not accept files", cancellationToken).ConfigureAwait(false);
                _events.Publish(new OfferNotAccepted(_peer, offer.Name, offer.Size));
                return;
            }

            _events.Publish(new OfferAutoAccepted(_peer, offer.Name, safe, offer.Size, _policy.AcceptInto));
            await AcceptAsync(incoming, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _events.Publish(new OfferWaiting(_peer, incoming.Number, offer.Name, safe, offer.Size, Convert.ToHexStringLower(offer.Sha256.Span), _policy.Folder));
        }
    }

    private async Task AcceptAsync(IncomingTransfer incoming, CancellationToken cancellationToken)
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
            await FileHashes.AppendPrefixAsync(incoming.File, incoming.Hash, held, cancellationToken).ConfigureAwait(false);
            incoming.Held = held;
            incoming.Progress = new TransferProgress(incoming.SafeName, incoming.Size, held, _time);
            incoming.StartReceiving();
            await session.AcceptFileAsync(incoming.Id, held, incoming.Hash.GetCurrentHash(), cancellationToken).ConfigureAwait(false);
            if (held > 0)
            {
                _events.Publish(new ReceiveResumed(incoming.SafeName, held, incoming.Size));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            incoming.Close();
            Drop(incoming);
            _events.Publish(new TransferFailed(incoming.SafeName, TransferFailure.CannotStore, e.Message));
            await TryTellAsync(() => session.RejectFileAsync(incoming.Id, "the receiver could not store the file", CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// This peer's partial file of this very file, reopened only if it is still the file we created; else a
    /// new one, after older partial files of the peer made room under the quota.
    /// </summary>
    private SafeFileHandle OpenPartial(IncomingTransfer incoming)
    {
        PartialFiles partials = incoming.Partials!;
        if (partials.Find(incoming.Peer, incoming.Size, incoming.Sha256) is { } kept)
        {
            try
            {
                SafeFileHandle file = partials.Open(kept);
                incoming.Partial = kept;
                return file;
            }
            catch (PartialFileException e)
            {
                // Removing unlinks whatever is there now (a link is removed, never followed).
                partials.Remove(kept);
                _events.Publish(new TransferFailed(incoming.SafeName, TransferFailure.PartialSetAside, e.Message));
            }
        }

        IReadOnlyList<PartialFile> removed = partials.MakeRoom(incoming.Peer, _policy.MaxPartialFiles, _policy.MaxPartialBytes);
        if (removed.Count > 0)
        {
            _events.Publish(new PartialsEvicted(_peer, [.. removed.Select(r => r.Name)], _policy.MaxPartialFiles, _policy.MaxPartialBytes));
        }

        (PartialFile partial, SafeFileHandle created) = partials.Create(incoming.Peer, incoming.SafeName, incoming.Size, incoming.Sha256);
        incoming.Partial = partial;
        return created;
    }

    private async Task OnChunkAsync(IncomingTransfer i, FileChunkReceived chunk, CancellationToken cancellationToken)
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
            _events.Publish(i.Progress.Snapshot(i.Id, TransferDirection.Incoming));
            ReportHeld(session, i, chunk.Complete);
            if (chunk.Complete)
            {
                await CompleteAsync(session, i, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException e)
        {
            i.Close();
            Drop(i); // not resumed unasked: it stopped on this side, not by a dropped connection
            _events.Publish(new ProgressCleared());
            _events.Publish(new TransferFailed(i.SafeName, TransferFailure.StoreFailed, e.Message));
            await TryTellAsync(() => session.RejectFileAsync(i.Id, "the receiver could not store the file", CancellationToken.None)).ConfigureAwait(false);
            CheckIdle();
        }
    }

    /// <summary>Tells the sender what we hold, at most four times a second and at the end (docs/protocol.md, "Files").</summary>
    private void ReportHeld(SecureSession session, IncomingTransfer i, bool complete)
    {
        long now = _time.GetTimestamp();
        if (complete || _time.GetElapsedTime(i.ReportedAt, now) >= ProgressReportInterval)
        {
            i.ReportedAt = now;
            session.ReportFileProgress(i.Id, i.Held);
        }
    }

    private async Task CompleteAsync(SecureSession session, IncomingTransfer i, CancellationToken cancellationToken)
    {
        byte[] actual = i.Hash!.GetHashAndReset();
        bool verified = CryptographicOperations.FixedTimeEquals(actual, i.Sha256);
        if (verified && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(i.File!, _policy.FileMode); // through our handle: the file we wrote, not a name
        }

        i.Close();
        _events.Publish(new ProgressCleared());
        if (!verified)
        {
            i.Partials!.Remove(i.Partial!);
            Drop(i);
            _events.Publish(new FileDiscarded(_peer, i.SafeName));
            Log.Transfer(_logger, "in", i.Id, "hash mismatch", i.Size);
            await session.RejectFileAsync(i.Id, "the file did not verify (SHA-256 mismatch) and was discarded", cancellationToken).ConfigureAwait(false);
            CheckIdle();
            return;
        }

        string final = i.Folder!.Commit(i.Partials!.PathOf(i.Partial!), i.SafeName);
        i.Partials.Remove(i.Partial!); // the sidecar; the partial itself has its final name now
        Drop(i);
        _events.Publish(new FileSaved(_peer, final, i.Size));
        Log.Transfer(_logger, "in", i.Id, "verified", i.Size);
        await session.ConfirmFileAsync(i.Id, cancellationToken).ConfigureAwait(false);
        CheckIdle();
    }

    private IncomingTransfer? FindOffer(int? number)
    {
        lock (_gate)
        {
            List<IncomingTransfer> waiting = [.. _incoming.Where(i => i.State == IncomingState.Offered)];
            IncomingTransfer? found = number is { } n ? waiting.FirstOrDefault(i => i.Number == n) : waiting.FirstOrDefault();
            if (found is null)
            {
                _events.Publish(new NoSuchOffer(number, [.. waiting.Select(i => new WaitingOffer(i.Number, i.SafeName))]));
            }

            return found;
        }
    }

    /// <summary>An offer that is over (refused, withdrawn, done or failed) is forgotten: nothing about it is kept.</summary>
    private void Drop(IncomingTransfer i)
    {
        lock (_gate)
        {
            i.End();
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

    private IncomingTransfer? FindIncoming(ulong id)
    {
        // A loop, not FirstOrDefault with a lambda: this runs for every chunk, and the lambda captures id
        // (a closure and a delegate per chunk, issue 19).
        lock (_gate)
        {
            foreach (IncomingTransfer i in _incoming)
            {
                if (i.Id == id && i.State is IncomingState.Offered or IncomingState.Receiving)
                {
                    return i;
                }
            }

            return null;
        }
    }
}
