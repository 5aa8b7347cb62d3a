// The files of one conversation, on both sides, across the sessions that carry it. Offers are hashed
// before they go out, received bytes are hashed as they are written, and a file gets its final name only
// once its SHA-256 matches the offer (until then it is a hidden partial file that cannot be taken for a
// finished one). The peer's name is never a path (SafeFileName), an existing file is never overwritten
// (ReceiveFolder), and the size cap is checked against the offer and against every chunk. When a
// connection drops mid-transfer the partial file stays; offered again automatically after a reconnect, a
// transfer the user accepted resumes unasked from what the receiver holds, which it proves by the hash of
// those bytes; any other offer asks again (issue 15: consent belongs to one offer).
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Logging;
using SecureChat.Cli.Chat;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Files;

/// <summary>Sends and receives the files of one conversation.</summary>
public sealed partial class FileTransfers : IDisposable
{
    private const int ReadBuffer = SecureSession.MaxFileChunkBytes;

    // A peer's offers beyond these are refused unseen: each costs a line and a lookup, and a flood of them
    // must cost neither memory nor the user's attention (issue 15). Twenty at once, then one a second.
    private const int OfferBurst = 20;
    private const int MaxWaitingOffers = 16;
    private const int MaxInterrupted = 16;

    private readonly IChatEvents _events;
    private readonly FilePolicy _policy;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<OutgoingTransfer> _outgoing = [];
    private readonly List<IncomingTransfer> _incoming = [];
    private SecureSession? _session;
    private string _peer = "the peer";
    private string _peerKey = string.Empty;
    private TaskCompletionSource? _idle;
    private double _offerTokens = OfferBurst;
    private long _offerTokensAt;
    private bool _floodReported;
    private int _lastNumber;

    /// <summary>Files for a conversation whose views follow <paramref name="events"/>.</summary>
    public FileTransfers(IChatEvents events, FilePolicy policy, ILogger logger, TimeProvider time)
    {
        _events = events;
        _policy = policy;
        _logger = logger;
        _time = time;
        _offerTokensAt = time.GetTimestamp();
    }

    /// <summary>Files we offered that did not arrive verified, and files we were receiving that did not finish.</summary>
    public IReadOnlyList<UnfinishedFile> Unfinished
    {
        get
        {
            lock (_gate)
            {
                return [.. _outgoing.Where(o => !o.Finished).Select(o => new UnfinishedFile(o.Name, _peer, TransferDirection.Outgoing)),
                        .. _incoming.Where(i => i.State == IncomingState.Receiving || i.State == IncomingState.Interrupted).Select(i => new UnfinishedFile(i.SafeName, _peer, TransferDirection.Incoming))];
            }
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
            _peer = session.Peer.Name;
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
        List<OutgoingTransfer> again;
        lock (_gate)
        {
            again = [.. _outgoing.Where(o => !o.Finished)];
        }

        foreach (OutgoingTransfer o in again)
        {
            _events.Publish(new OfferingAgain(_peer, o.Name));
            await OfferAsync(o, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The session ended: open files are closed, partial files kept, transfers in flight wait for the next session.</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _session = null;
            foreach (OutgoingTransfer o in _outgoing.Where(o => !o.Finished))
            {
                o.Interrupt();
            }

            foreach (IncomingTransfer i in _incoming.Where(i => i.State == IncomingState.Receiving))
            {
                i.Interrupt();
                _events.Publish(new ReceiveInterrupted(_peer, i.SafeName, i.Held, i.Size, i.Folder?.Folder));
            }

            // Offers not yet answered die with the session; nothing was written for them.
            _incoming.RemoveAll(i => i.State == IncomingState.Offered);
            while (_incoming.Count(i => i.State == IncomingState.Interrupted) > MaxInterrupted)
            {
                _incoming.Remove(_incoming.First(i => i.State == IncomingState.Interrupted));
            }

            _events.Publish(new ProgressCleared());
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
                _events.Publish(new FileNotSent(path, NotSentReason.Folder));
                return;
            }

            if (!info.Exists)
            {
                _events.Publish(new FileNotSent(path, NotSentReason.Missing));
                return;
            }

            size = info.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            _events.Publish(new FileNotSent(path, NotSentReason.Unusable, e.Message));
            return;
        }

        var outgoing = new OutgoingTransfer(full, Path.GetFileName(full), size);
        lock (_gate)
        {
            _outgoing.Add(outgoing);
        }

        try
        {
            if (size > 64 * 1024 * 1024)
            {
                _events.Publish(new FileHashing(outgoing.Name, size));
            }

            outgoing.Sha256 = await FileHashes.HashFileAsync(full, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _events.Publish(new FileNotSent(path, NotSentReason.Unreadable, e.Message));
            Finish(outgoing);
            return;
        }

        await OfferAsync(outgoing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>/accept: the oldest waiting offer, or the one numbered <paramref name="number"/>.</summary>
    public async Task AcceptAsync(int? number, CancellationToken cancellationToken)
    {
        IncomingTransfer? offer = FindOffer(number);
        if (offer is not null)
        {
            await AcceptAsync(offer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>/reject: the oldest waiting offer, or the one numbered <paramref name="number"/>.</summary>
    public async Task RejectAsync(int? number, CancellationToken cancellationToken)
    {
        IncomingTransfer? offer = FindOffer(number);
        if (offer is not null && _session is { } session)
        {
            Drop(offer);
            await session.RejectFileAsync(offer.Id, "declined", cancellationToken).ConfigureAwait(false);
            _events.Publish(new OfferDeclined(offer.SafeName));
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
            case FileAccepted accepted when FindOutgoingTransfer(accepted.File) is { } o:
                if (StartSending(o))
                {
                    _ = Task.Run(() => SendAsync(o, accepted, o.StopToken), CancellationToken.None); // stopped through StopToken
                }

                return true;
            case FileRejected rejected when FindOutgoingTransfer(rejected.File) is { } o:
                _events.Publish(new ProgressCleared());
                _events.Publish(new FileRefusedByPeer(_peer, o.Name, rejected.Reason));
                Log.Transfer(_logger, "out", rejected.File, "rejected", o.Size);
                o.Stop();
                Finish(o);
                return true;
            case FileVerified verified when FindOutgoingTransfer(verified.File) is { } o:
                _events.Publish(new ProgressCleared());
                _events.Publish(new FileVerifiedByPeer(_peer, o.Name, o.Size));
                Log.Transfer(_logger, "out", verified.File, "verified", o.Size);
                Finish(o);
                return true;
            case FileProgressConfirmed confirmed when FindOutgoingTransfer(confirmed.File) is { } o:
                OnProgressConfirmed(o, confirmed);
                return true;
            case FileChunkReceived chunk when FindIncoming(chunk.File) is { } i:
                await OnChunkAsync(i, chunk, cancellationToken).ConfigureAwait(false);
                return true;
            case FileCancelled cancelled when FindIncoming(cancelled.File) is { } i:
                _events.Publish(new ProgressCleared());
                bool receiving = i.State == IncomingState.Receiving;
                i.Close();
                Drop(i); // a cancel ends this offer's consent: sent again, it is a new offer that asks again
                _events.Publish(new OfferWithdrawn(_peer, i.SafeName, cancelled.Reason, receiving));
                CheckIdle();
                return true;
            default:
                return item is FileAccepted or FileRejected or FileVerified or FileChunkReceived or FileCancelled or FileProgressConfirmed;
        }
    }

    /// <summary>Closes every open file (partial files stay).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (OutgoingTransfer o in _outgoing)
            {
                o.Stop();
                o.Dispose();
            }

            foreach (IncomingTransfer i in _incoming)
            {
                i.Close();
            }
        }
    }

    private async Task OfferAsync(OutgoingTransfer outgoing, CancellationToken cancellationToken)
    {
        if (_session is not { } session)
        {
            _events.Publish(new OfferDeferred(outgoing.Name));
            return;
        }

        try
        {
            outgoing.Restart();
            // The id is recorded before the offer is written: the peer's accept can overtake this call's return.
            await session.OfferFileAsync(outgoing.OfferedName, outgoing.Size, outgoing.Sha256, id => Numbered(outgoing, id), cancellationToken).ConfigureAwait(false);
            _events.Publish(new OfferSent(_peer, outgoing.Name, outgoing.Size));
        }
        catch (Exception e) when (e is SessionException or InvalidOperationException)
        {
            // The session ended: the offer goes out again after a reconnect, or is listed as unfinished.
        }
    }

    private OutgoingTransfer? FindOutgoingTransfer(ulong id)
    {
        lock (_gate)
        {
            return _outgoing.FirstOrDefault(o => o.Id == id && !o.Finished);
        }
    }

    private void Numbered(OutgoingTransfer o, ulong id)
    {
        lock (_gate)
        {
            o.Offered(id);
        }
    }

    private bool StartSending(OutgoingTransfer o)
    {
        lock (_gate)
        {
            return o.TryStartSending();
        }
    }

    private void Finish(OutgoingTransfer o)
    {
        lock (_gate)
        {
            o.Finish();
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
}
