// The files of one conversation, on both sides, across the sessions that carry it. Offers are hashed
// before they go out, received bytes are hashed as they are written, and a file gets its final name only
// once its SHA-256 matches the offer (until then it is a hidden partial file that cannot be taken for a
// finished one). The peer's name is never a path (SafeFileName), an existing file is never overwritten
// (ReceiveFolder), and the size cap is checked against the offer and against every chunk. When a
// connection drops mid-transfer the partial file stays; offered again automatically after a reconnect, a
// transfer the user accepted resumes unasked from what the receiver holds, which it proves by the hash of
// those bytes; any other offer asks again (issue 15: consent belongs to one offer).
using System.Globalization;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Logging;
using SecureChat.Cli.Views;
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

    private readonly IChatTerminal _terminal;
    private readonly FilePolicy _policy;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<OutgoingTransfer> _outgoing = [];
    private readonly List<IncomingTransfer> _incoming = [];
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
        List<OutgoingTransfer> again;
        lock (_gate)
        {
            again = [.. _outgoing.Where(o => !o.Finished)];
        }

        foreach (OutgoingTransfer o in again)
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
            foreach (OutgoingTransfer o in _outgoing.Where(o => !o.Finished))
            {
                o.Interrupt();
            }

            foreach (IncomingTransfer i in _incoming.Where(i => i.State == IncomingState.Receiving))
            {
                i.Interrupt();
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

        var outgoing = new OutgoingTransfer(full, Path.GetFileName(full), size);
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

            outgoing.Sha256 = await FileHashes.HashFileAsync(full, cancellationToken).ConfigureAwait(false);
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
            case FileAccepted accepted when FindOutgoingTransfer(accepted.File) is { } o:
                if (StartSending(o))
                {
                    _ = Task.Run(() => SendAsync(o, accepted, o.StopToken), CancellationToken.None); // stopped through StopToken
                }

                return true;
            case FileRejected rejected when FindOutgoingTransfer(rejected.File) is { } o:
                _terminal.ShowProgress(null);
                _terminal.ShowWarning($"{_peer} did not take {o.Name}: {SafeText.ForTerminal(rejected.Reason)}");
                Log.Transfer(_logger, "out", rejected.File, "rejected", o.Size);
                o.Stop();
                Finish(o);
                return true;
            case FileVerified verified when FindOutgoingTransfer(verified.File) is { } o:
                _terminal.ShowProgress(null);
                _terminal.ShowSystem($"{o.Name} ({ByteSize.Format(o.Size)}) arrived at {_peer}: SHA-256 verified.");
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

    private static string Percent(long part, long whole) =>
        whole == 0 ? "100%" : string.Create(CultureInfo.InvariantCulture, $"{(int)(part * 100 / whole)}%");

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
