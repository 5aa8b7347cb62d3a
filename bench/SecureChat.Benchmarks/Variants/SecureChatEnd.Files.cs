// A file over a SecureSession as the app's /send and its receiving side move one (issue #7): the sender
// hashes the whole file (SHA-256, streamed), offers it, waits for the accept, sends it in chunks of
// SecureSession.MaxFileChunkBytes read through one reused buffer, and waits for the receiver's verdict.
// The receiver accepts from offset 0, writes each chunk to its file and into a running SHA-256, and on
// the last one compares the hash with the offer's and confirms. It writes synchronously, on the thread
// that delivered the event: on Linux an asynchronous file write is the same system call moved to the
// thread pool, and 48 KiB into the page cache takes microseconds.
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SecureChat.Protocol.Session;

namespace SecureChat.Benchmarks.Variants;

internal sealed partial class SecureChatEnd
{
    /// <inheritdoc />
    public async Task SendFileAsync(string path, long size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        byte[] buffer = new byte[SecureSession.MaxFileChunkBytes];
        using SafeFileHandle file = FileDigest.OpenForReading(path);
        byte[] sha256 = FileDigest.Sha256(file, size, buffer);
        ulong id = await _session.OfferFileAsync(Path.GetFileName(path), size, sha256, cancellationToken).ConfigureAwait(false);
        FileAccepted accepted = await NextFileEventAsync<FileAccepted>().ConfigureAwait(false);
        if (accepted.File != id || accepted.Offset != 0)
        {
            throw new InvalidDataException($"The peer accepted file {accepted.File} from {accepted.Offset}; file {id} from 0 was expected.");
        }

        for (long offset = 0; offset < size;)
        {
            int length = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, size - offset)), offset);
            if (length == 0)
            {
                throw new EndOfStreamException($"{path} ended at {offset} of {size} bytes.");
            }

            await _session.SendFileChunkAsync(id, offset, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            offset += length;
        }

        await NextFileEventAsync<FileVerified>().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReceiveFileAsync(string destination, long size, CancellationToken cancellationToken)
    {
        FileOffered offer = await NextFileEventAsync<FileOffered>().ConfigureAwait(false);
        if (offer.Size != size)
        {
            throw new InvalidDataException($"The peer offered {offer.Size} bytes; {size} were expected.");
        }

        await _session.AcceptFileAsync(offer.File, 0, SHA256.HashData(ReadOnlySpan<byte>.Empty), cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (SafeFileHandle file = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write))
        {
            bool complete = false;
            while (!complete)
            {
                FileChunkReceived chunk = await NextFileEventAsync<FileChunkReceived>().ConfigureAwait(false);
                RandomAccess.Write(file, chunk.Data.Span, chunk.Offset);
                hash.AppendData(chunk.Data.Span);
                complete = chunk.Complete;
            }
        }

        if (!CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), offer.Sha256.Span))
        {
            await _session.RejectFileAsync(offer.File, "The file did not match its SHA-256.", cancellationToken).ConfigureAwait(false);
            throw new InvalidDataException("The received file did not match the SHA-256 of the offer.");
        }

        await _session.ConfirmFileAsync(offer.File, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next event of type <typeparamref name="T"/>, skipping receipts and notices; the transfer's end otherwise.</summary>
    /// <remarks>
    /// Pooled: called once per chunk and usually waiting for it, this harness method would otherwise box its
    /// state machine every chunk (about 5 % of what the transfer allocated, issue 19), which is the
    /// harness's cost, not the session's; the baselines read their stream with no such await per chunk.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<T> NextFileEventAsync<T>()
        where T : SessionEvent
    {
        while (await _events.MoveNextAsync().ConfigureAwait(false))
        {
            switch (_events.Current)
            {
                case T wanted:
                    return wanted;
                case FileRejected rejected:
                    throw new InvalidDataException($"The peer rejected file {rejected.File}: {rejected.Reason}");
                case FileCancelled cancelled:
                    throw new InvalidDataException($"The peer cancelled file {cancelled.File}: {cancelled.Reason}");
                case PeerClosed:
                    throw new EndOfStreamException("The peer left during a file transfer.");
                default:
                    continue;
            }
        }

        throw new EndOfStreamException("The session ended during a file transfer.");
    }
}
