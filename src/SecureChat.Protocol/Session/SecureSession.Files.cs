// Files travel inside the session as ordinary records (docs/protocol.md, "Files"): an offer with the
// name, size and SHA-256; the receiver's accept (saying how much it holds already, proved by the hash of
// those bytes) or reject; chunks in order; and the receiver's verdict once it has checked the hash.
// Each message takes the write lock on its own, so texts interleave with a transfer's chunks.
using System.Text;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Session;

public sealed partial class SecureSession
{
    private const int Sha256Size = 32;

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

    /// <summary>Sends the next bytes of an accepted file. An empty chunk is allowed only to end the file at its size.</summary>
    public async ValueTask SendFileChunkAsync(ulong file, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await WriteFileMessageAsync(
            () =>
            {
                _transfers.Chunk(file, offset, data.Length);
                return (file, new InnerMessage(InnerMessage.ChunkKind, File: file, Offset: offset, Data: data.ToArray()));
            },
            cancellationToken).ConfigureAwait(false);
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
    private async ValueTask<ulong> WriteFileMessageAsync(Func<(ulong File, InnerMessage? Message)> prepare, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        await WaitUntilResumedAsync(cancellationToken).ConfigureAwait(false);
        await RekeyIfDueAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            (ulong file, InnerMessage? message) = prepare();
            if (message is not null)
            {
                await WriteRecordLockedAsync(message).ConfigureAwait(false);
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
            case InnerMessage.ChunkKind:
                byte[] data = message.Data!;
                if (_transfers.OnChunk(file, message.Offset!.Value, data.Length, out bool complete))
                {
                    item = new FileChunkReceived(file, message.Offset!.Value, data, complete);
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
