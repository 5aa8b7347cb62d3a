// The sending half of FileTransfers: once the peer accepts an offer, the file is read from where the
// peer's held bytes end (if their hash matches ours) and sent in chunks through one reused buffer; the
// bar shows what the receiver's progress reports confirm it holds (issue 20 item 6).
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SecureChat.Cli.Chat;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Files;

/// <summary>Sending files.</summary>
public sealed partial class FileTransfers
{
    private async Task SendAsync(OutgoingTransfer o, FileAccepted accepted, CancellationToken cancellationToken)
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
                byte[] ours = await FileHashes.HashPrefixAsync(file, accepted.Offset, cancellationToken).ConfigureAwait(false);
                if (CryptographicOperations.FixedTimeEquals(ours, accepted.Prefix.Span))
                {
                    start = accepted.Offset;
                    _events.Publish(new SendingStarted(_peer, o.Name, o.Size, start, PeerCopyDiffers: false));
                }
                else
                {
                    _events.Publish(new SendingStarted(_peer, o.Name, o.Size, 0, PeerCopyDiffers: true));
                }
            }
            else
            {
                _events.Publish(new SendingStarted(_peer, o.Name, o.Size, 0, PeerCopyDiffers: false));
            }

            // The bar shows what the receiver confirms holding (OnProgressConfirmed), not what the socket took.
            o.Progress = new TransferProgress(o.Name, o.Size, start, _time);
            byte[] buffer = new byte[ReadBuffer];
            long offset = start;
            do
            {
                int length = (int)Math.Min(buffer.Length, o.Size - offset);
                int read = length == 0 ? 0 : await RandomAccess.ReadAsync(file, buffer.AsMemory(0, length), offset, cancellationToken).ConfigureAwait(false);
                if (read != length)
                {
                    await session.CancelFileAsync(id, "the file changed while it was being sent", CancellationToken.None).ConfigureAwait(false);
                    _events.Publish(new TransferFailed(o.Name, TransferFailure.SourceShrank));
                    Finish(o);
                    return;
                }

                await session.SendFileChunkAsync(id, offset, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                offset += read;
            }
            while (offset < o.Size);

            lock (_gate)
            {
                o.Sent();
            }

            _events.Publish(new ProgressCleared());
            _events.Publish(new FileSent(_peer, o.Name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _events.Publish(new ProgressCleared());
            _events.Publish(new TransferFailed(o.Name, TransferFailure.SourceUnreadable, e.Message));
            await TryTellAsync(() => session.CancelFileAsync(id, "the sender could not read the file", CancellationToken.None)).ConfigureAwait(false);
            Finish(o);
        }
        catch (Exception e) when (e is SessionException or InvalidOperationException or OperationCanceledException)
        {
            // The session ended or the peer stopped the transfer: what happens next is decided elsewhere.
        }
    }

    /// <summary>The receiver holds <paramref name="confirmed"/>'s bytes of our file: the sender's bar moves to there.</summary>
    private void OnProgressConfirmed(OutgoingTransfer o, FileProgressConfirmed confirmed)
    {
        if (o.Progress is { } progress && confirmed.Held <= o.Size)
        {
            progress.Advance(confirmed.Held);
            _events.Publish(progress.Snapshot(confirmed.File, TransferDirection.Outgoing));
        }
    }
}
