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
/// <param name="AcceptInto">The folder for received files; scripts refuse offers without it.</param>
/// <param name="MaxFileSize">The largest file accepted, in bytes.</param>
public sealed record FilePolicy(string? AcceptInto, long MaxFileSize);

/// <summary>Sends and receives the files of one conversation.</summary>
public sealed class FileTransfers : IDisposable
{
    private const int ReadBuffer = SecureSession.MaxFileChunkBytes;

    private readonly IChatTerminal _terminal;
    private readonly FilePolicy _policy;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<Outgoing> _outgoing = [];
    private readonly List<Incoming> _incoming = [];
    private SecureSession? _session;
    private string _peer = "the peer";
    private long _lastBarAt;
    private TaskCompletionSource? _idle;

    /// <summary>Files for a conversation shown on <paramref name="terminal"/>.</summary>
    public FileTransfers(IChatTerminal terminal, FilePolicy policy, ILogger logger, TimeProvider time)
    {
        _terminal = terminal;
        _policy = policy;
        _logger = logger;
        _time = time;
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

            foreach (Incoming i in _incoming.Where(i => i.State is IncomingState.Receiving or IncomingState.Offered))
            {
                i.Close();
                i.State = i.State == IncomingState.Receiving ? IncomingState.Interrupted : IncomingState.Withdrawn;
            }

            _terminal.ShowProgress(null);
            CheckIdleLocked();
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
            offer.State = IncomingState.Refused;
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
                i.Close();
                i.State = IncomingState.Interrupted;
                _terminal.ShowWarning($"{_peer} stopped sending {i.SafeName}: {SafeText.ForTerminal(cancelled.Reason)}. What arrived is kept; if it is sent again, it resumes.");
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
        var incoming = new Incoming(offer.File, safe, offer.Size, offer.Sha256.ToArray());
        Incoming? earlier;
        lock (_gate)
        {
            earlier = _incoming.FirstOrDefault(i => i.State == IncomingState.Interrupted && i.Size == offer.Size && i.Sha256.AsSpan().SequenceEqual(offer.Sha256.Span));
            _incoming.RemoveAll(i => i.State is IncomingState.Interrupted or IncomingState.Withdrawn && i.Sha256.AsSpan().SequenceEqual(offer.Sha256.Span));
            _incoming.Add(incoming);
            incoming.Number = _incoming.Count(i => i.State == IncomingState.Offered);
        }

        if (offer.Size > _policy.MaxFileSize)
        {
            incoming.State = IncomingState.Refused;
            await session.RejectFileAsync(offer.File, $"too large: {ByteSize.Format(offer.Size)}; this side accepts at most {ByteSize.Format(_policy.MaxFileSize)}", cancellationToken).ConfigureAwait(false);
            _terminal.ShowWarning($"Refused {shownName} from {_peer}: {ByteSize.Format(offer.Size)} is more than --max-file-size ({ByteSize.Format(_policy.MaxFileSize)}).");
            return;
        }

        if (earlier is not null)
        {
            _terminal.ShowSystem($"{_peer} offers {shownName} again; resuming where it stopped.");
            await AcceptAsync(incoming, cancellationToken).ConfigureAwait(false);
        }
        else if (!_terminal.IsInteractive)
        {
            if (_policy.AcceptInto is null)
            {
                incoming.State = IncomingState.Refused;
                await session.RejectFileAsync(offer.File, "this side does not accept files", cancellationToken).ConfigureAwait(false);
                _terminal.ShowWarning($"Refused {shownName} ({ByteSize.Format(offer.Size)}) from {_peer}: run with --accept-files DIR to accept files.");
                return;
            }

            _terminal.ShowSystem($"{_peer} offers {shownName}{renamed}, {ByteSize.Format(offer.Size)}; accepting into {_policy.AcceptInto}.");
            await AcceptAsync(incoming, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _terminal.ShowSystem($"{_peer} offers {shownName}{renamed}, {ByteSize.Format(offer.Size)}, SHA-256 {Convert.ToHexStringLower(offer.Sha256.Span)[..16]}…. Type /accept or /reject.");
        }
    }

    private async Task AcceptAsync(Incoming incoming, CancellationToken cancellationToken)
    {
        SecureSession session = _session ?? throw new InvalidOperationException("Not connected.");
        ReceiveFolder folder;
        try
        {
            folder = new ReceiveFolder(_policy.AcceptInto ?? Directory.GetCurrentDirectory());
            incoming.Folder = folder;
            incoming.PartialPath = folder.PartialPath(incoming.SafeName, incoming.Sha256);
            incoming.File = File.OpenHandle(incoming.PartialPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
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
            incoming.State = IncomingState.Refused;
            _terminal.ShowWarning($"Cannot receive {incoming.SafeName}: {e.Message}");
            await TryTellAsync(() => session.RejectFileAsync(incoming.Id, "the receiver could not store the file", CancellationToken.None)).ConfigureAwait(false);
        }
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
            i.State = IncomingState.Interrupted;
            _terminal.ShowProgress(null);
            _terminal.ShowWarning($"Stopped receiving {i.SafeName}: {e.Message}. What arrived is kept.");
            await TryTellAsync(() => session.RejectFileAsync(i.Id, "the receiver could not store the file", CancellationToken.None)).ConfigureAwait(false);
            CheckIdle();
        }
    }

    private async Task CompleteAsync(SecureSession session, Incoming i, CancellationToken cancellationToken)
    {
        byte[] actual = i.Hash!.GetHashAndReset();
        i.Close();
        _terminal.ShowProgress(null);
        if (!CryptographicOperations.FixedTimeEquals(actual, i.Sha256))
        {
            File.Delete(i.PartialPath!);
            i.State = IncomingState.Refused;
            _terminal.ShowWarning($"{i.SafeName} from {_peer} did not verify (its SHA-256 differs from the offer) and was discarded.");
            Log.Transfer(_logger, "in", i.Id, "hash mismatch", i.Size);
            await session.RejectFileAsync(i.Id, "the file did not verify (SHA-256 mismatch) and was discarded", cancellationToken).ConfigureAwait(false);
            CheckIdle();
            return;
        }

        string final = i.Folder!.Commit(i.PartialPath!, i.SafeName);
        i.State = IncomingState.Done;
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
        Interrupted,
        Withdrawn,
        Refused,
        Done,
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
    private sealed class Incoming(ulong id, string safeName, long size, byte[] sha256)
    {
        public ulong Id { get; } = id;

        public string SafeName { get; } = safeName;

        public long Size { get; } = size;

        public byte[] Sha256 { get; } = sha256;

        public int Number { get; set; }

        public IncomingState State { get; set; } = IncomingState.Offered;

        public ReceiveFolder? Folder { get; set; }

        public string? PartialPath { get; set; }

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
