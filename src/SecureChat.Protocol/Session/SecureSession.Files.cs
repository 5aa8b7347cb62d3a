// Files travel inside the session as ordinary records (docs/protocol.md, "Files"): an offer with the
// name, size and SHA-256; the receiver's accept (saying how much it holds already, proved by the hash of
// those bytes) or reject; chunks in order, as binary records; the receiver's progress, from the background
// flush; and the receiver's verdict once it has checked the hash. Each message takes the write lock on its
// own, so texts interleave with a transfer's chunks.
using System.Text;
using System.Runtime.CompilerServices;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    private const int Sha256Size = 32;

    // Our progress on the peer's files, per transfer: the latest report, waiting for the background flush.
    private readonly Dictionary<ulong, long> _progressDue = [];

    /// <summary>Offers a file to the peer; returns our id for the transfer, which the peer's answer names.</summary>
    /// <exception cref="ArgumentException">The name, size or hash is not valid.</exception>
    /// <exception cref="SessionException">The session has failed.</exception>
    public ValueTask<ulong> OfferFileAsync(string name, long size, ReadOnlyMemory<byte> sha256, CancellationToken cancellationToken = default) =>
        OfferFileAsync(name, size, sha256, numbered: null, cancellationToken);

    /// <summary>
    /// As <see cref="OfferFileAsync(string, long, ReadOnlyMemory{byte}, CancellationToken)"/>, telling
    /// <paramref name="numbered"/> the transfer's id before the offer is written: the peer's answer can come
    /// back before this method returns, and must find the id already known.
    /// </summary>
    public async ValueTask<ulong> OfferFileAsync(string name, long size, ReadOnlyMemory<byte> sha256, Action<ulong>? numbered, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > MaxFileNameBytes || !IsWellFormed(name))
        {
            throw new ArgumentException($"A file name is 1 to {MaxFileNameBytes} bytes of well-formed text.", nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(size);
        CheckHash(sha256.Span, nameof(sha256));
        return await WriteFileMessageAsync(
            () =>
            {
                ulong id = _transfers.Offer(size);
                numbered?.Invoke(id);
                return (id, new InnerMessage(InnerMessage.OfferKind, File: id, Name: name, Size: size, Sha256: sha256.ToArray()));
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Accepts the peer's offer, holding <paramref name="offset"/> bytes of it already whose SHA-256 is <paramref name="prefixSha256"/>.</summary>
    public async ValueTask AcceptFileAsync(ulong file, long offset, ReadOnlyMemory<byte> prefixSha256, CancellationToken cancellationToken = default)
    {
        CheckHash(prefixSha256.Span, nameof(prefixSha256));
        await WriteFileMessageAsync(
            () =>
            {
                _transfers.Accept(file, offset);
                return (file, new InnerMessage(InnerMessage.AcceptKind, File: file, Offset: offset, Prefix: prefixSha256.ToArray()));
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses the peer's offer, stops its transfer, or reports that it did not verify. Nothing is sent if it is over already.</summary>
    public async ValueTask RejectFileAsync(ulong file, string reason, CancellationToken cancellationToken = default)
    {
        CheckReasonArgument(reason);
        await WriteFileMessageAsync(
            () => (file, _transfers.Reject(file) ? new InnerMessage(InnerMessage.RejectKind, File: file, Reason: reason) : null),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the next bytes of an accepted file, as a binary chunk record sealed straight from
    /// <paramref name="data"/> (no copy is kept: the caller may reuse its buffer once this returns). An empty
    /// chunk is allowed only to end the file at its size.
    /// </summary>
    // Pooled, as the methods it awaits per chunk: a chunk that waits would otherwise box each state machine (issue 19).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendFileChunkAsync(ulong file, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        // A static lambda over a state tuple: no closure or delegate allocated per chunk.
        await WriteFileFrameAsync(
            (file, offset, data),
            static (session, chunk) =>
            {
                session._transfers.Chunk(chunk.file, chunk.offset, chunk.data.Length);
                return (chunk.file, session._sealer.SealChunkPooled(chunk.file, chunk.offset, chunk.data.Span));
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Tells the peer, from the background flush (never blocking the caller), that we hold the first
    /// <paramref name="held"/> bytes of its file <paramref name="file"/>. Reports that do not move forward,
    /// run ahead of what arrived, or come after the transfer ended are not sent.
    /// </summary>
    public void ReportFileProgress(ulong file, long held)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(held);
        lock (_progressDue)
        {
            _progressDue[file] = held;
        }

        ScheduleFlush();
    }

    /// <summary>Stops sending one of our files. Nothing is sent if it is over already.</summary>
    public async ValueTask CancelFileAsync(ulong file, string reason, CancellationToken cancellationToken = default)
    {
        CheckReasonArgument(reason);
        await WriteFileMessageAsync(
            () => (file, _transfers.Cancel(file) ? new InnerMessage(InnerMessage.CancelKind, File: file, Reason: reason) : null),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells the peer its whole file arrived and its SHA-256 matched.</summary>
    public async ValueTask ConfirmFileAsync(ulong file, CancellationToken cancellationToken = default)
    {
        await WriteFileMessageAsync(
            () =>
            {
                _transfers.Verified(file);
                return (file, new InnerMessage(InnerMessage.VerifiedKind, File: file));
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks (in the ledger) and writes one file message under the write lock; null writes nothing.</summary>
    private ValueTask<ulong> WriteFileMessageAsync(Func<(ulong File, InnerMessage? Message)> prepare, CancellationToken cancellationToken) =>
        WriteFileFrameAsync(
            prepare,
            static (session, prepare) =>
            {
                (ulong file, InnerMessage? message) = prepare();
                return (file, message is null ? null : session._sealer.SealPooled(message));
            },
            cancellationToken);

    /// <summary>Checks (in the ledger) and seals one file record under the write lock, then writes it; null writes nothing.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ulong> WriteFileFrameAsync<TState>(
        TState state, Func<SecureSession, TState, (ulong File, PooledFrame? Frame)> prepare, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        await WaitUntilResumedAsync(cancellationToken).ConfigureAwait(false);
        await RekeyIfDueAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();

            // Our progress on a transfer goes before our verdict on it, which closes it: the sender's bar ends full.
            await WriteDueProgressLockedAsync().ConfigureAwait(false);
            (ulong file, PooledFrame? frame) = prepare(this, state);
            if (frame is { } sealedFrame)
            {
                await WriteFrameLockedAsync(sealedFrame).ConfigureAwait(false);
                _sealer.PrepareNext();
            }

            return file;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Acts on the peer's file message (on the pump).</summary>
    private async ValueTask ReceiveFileMessageAsync(InnerMessage message)
    {
        ulong file = message.File!.Value;
        SessionEvent? item = null;
        switch (message.Kind)
        {
            case InnerMessage.OfferKind:
                string name = message.Name!;
                if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > MaxFileNameBytes)
                {
                    throw new ProtocolViolationException($"The peer offered a file with an empty name or one longer than {MaxFileNameBytes} bytes.");
                }

                CheckPeerHash(message.Sha256!);
                _transfers.OnOffer(file, message.Size!.Value);
                item = new FileOffered(file, name, message.Size!.Value, message.Sha256!);
                break;
            case InnerMessage.AcceptKind:
                CheckPeerHash(message.Prefix!);
                if (_transfers.OnAccept(file, message.Offset!.Value))
                {
                    item = new FileAccepted(file, message.Offset!.Value, message.Prefix!);
                }

                break;
            case InnerMessage.RejectKind:
                TransferLedger.CheckReason(message.Reason!);
                if (_transfers.OnReject(file))
                {
                    item = new FileRejected(file, message.Reason!);
                }

                break;
            case InnerMessage.ProgressKind:
                if (_transfers.OnProgress(file, message.Offset!.Value))
                {
                    item = new FileProgressConfirmed(file, message.Offset!.Value);
                }

                break;
            case InnerMessage.CancelKind:
                TransferLedger.CheckReason(message.Reason!);
                if (_transfers.OnCancel(file))
                {
                    item = new FileCancelled(file, message.Reason!);
                }

                break;
            case InnerMessage.VerifiedKind:
                if (_transfers.OnVerified(file))
                {
                    item = new FileVerified(file);
                }

                break;
            default:
                throw new ProtocolViolationException($"The peer sent a {PeerText.Quote(message.Kind)} message that this version does not know.");
        }

        if (item is not null)
        {
            await PublishAsync(item).ConfigureAwait(false);
        }
    }

    /// <summary>Acts on the peer's chunk (on the pump): its pooled buffer goes to the application, or back at once.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveChunkAsync(OpenedChunk chunk)
    {
        bool lent = false;
        try
        {
            if (!_resumeApplied)
            {
                throw new ProtocolViolationException("The peer sent a chunk before its resume.");
            }

            if (_transfers.OnChunk(chunk.File, chunk.Offset, chunk.Length, out bool complete))
            {
                lent = true;
                await PublishAsync(new FileChunkReceived(chunk.File, chunk.Offset, chunk.Data, complete) { Lease = chunk }).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!lent)
            {
                chunk.Return();
            }
        }
    }

    /// <summary>The progress reports due, taken for the flush to write (under the write lock).</summary>
    private async Task WriteDueProgressLockedAsync()
    {
        KeyValuePair<ulong, long>[] due;
        lock (_progressDue)
        {
            if (_progressDue.Count == 0)
            {
                return;
            }

            due = [.. _progressDue];
            _progressDue.Clear();
        }

        foreach ((ulong file, long held) in due)
        {
            if (_transfers.Progress(file, held))
            {
                await WriteRecordLockedAsync(new InnerMessage(InnerMessage.ProgressKind, File: file, Offset: held)).ConfigureAwait(false);
            }
        }
    }

    private static void CheckHash(ReadOnlySpan<byte> hash, string parameter)
    {
        if (hash.Length != Sha256Size)
        {
            throw new ArgumentException($"A SHA-256 is {Sha256Size} bytes.", parameter);
        }
    }

    private static void CheckPeerHash(byte[] hash)
    {
        if (hash.Length != Sha256Size)
        {
            throw new ProtocolViolationException($"The peer sent a SHA-256 of {hash.Length} bytes; it is {Sha256Size}.");
        }
    }

    private static void CheckReasonArgument(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (reason.Length == 0 || Encoding.UTF8.GetByteCount(reason) > MaxReasonBytes)
        {
            throw new ArgumentException($"A reason is 1 to {MaxReasonBytes} bytes.", nameof(reason));
        }
    }
}
