// The file-transfer rules of a session (docs/protocol.md, "Files"): which transfer each offer, answer,
// chunk, progress report and verdict belongs to, and whether it may come now. Messages that can cross on the wire (our
// reject and the peer's next chunk, our cancel and the peer's accept) are tolerated; anything no honest
// peer could send is a violation that ends the session. The bytes themselves are the application's:
// the ledger only counts them, so that no chunk runs past the size that was offered (and accepted).
// A transfer that is over is forgotten at once: ids are numbered in order, so an id at or below the last
// one that is no longer held is known to be closed, and what may still cross on the wire about it is
// ignored as before. Refused and finished offers therefore cost nothing, however many a peer makes.
using System.Text;
using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Session;

internal sealed partial class TransferLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, Transfer> _outgoing = [];
    private readonly Dictionary<ulong, Transfer> _incoming = [];
    private ulong _lastOffered;
    private ulong _lastIncoming;

    private enum State
    {
        Offered,
        Moving,
        Complete,
        Dropping,
        Closed,
    }

    /// <summary>Numbers a new outgoing offer.</summary>
    public ulong Offer(long size)
    {
        lock (_gate)
        {
            ulong id = ++_lastOffered;
            _outgoing[id] = new Transfer(size);
            return id;
        }
    }

    /// <summary>Checks our answer to the peer's offer and records it.</summary>
    public void Accept(ulong file, long offset)
    {
        lock (_gate)
        {
            Transfer t = Local(_incoming, file, "offer");
            if (t.State != State.Offered)
            {
                throw new InvalidOperationException($"Transfer {file} has been answered already.");
            }

            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            if (!IsResumableOffset(offset, t.Size))
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"A receiver holds less than the whole file ({t.Size} bytes) when it accepts; at least one byte must travel.");
            }

            t.State = State.Moving;
            t.Accepted = offset;
            t.Next = -1;
        }
    }

    /// <summary>Records our refusal (before or during the transfer); false if the transfer is over already.</summary>
    public bool Reject(ulong file)
    {
        lock (_gate)
        {
            Transfer t = Local(_incoming, file, "offer");
            switch (t.State)
            {
                case State.Offered or State.Complete:
                    Close(_incoming, file, t);
                    return true;
                case State.Moving:
                    t.State = State.Dropping; // chunks already on their way are dropped
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>Records our verdict that a complete transfer verified.</summary>
    public void Verified(ulong file)
    {
        lock (_gate)
        {
            Transfer t = Local(_incoming, file, "offer");
            if (t.State != State.Complete)
            {
                throw new InvalidOperationException($"Transfer {file} is not complete.");
            }

            Close(_incoming, file, t);
        }
    }

    /// <summary>Checks an outgoing chunk: it continues the file, and the first starts at the accepted offset or at 0.</summary>
    public void Chunk(ulong file, long offset, int length)
    {
        lock (_gate)
        {
            Transfer t = Local(_outgoing, file, "transfer");
            if (t.State != State.Moving)
            {
                throw new InvalidOperationException($"Transfer {file} is not being sent (it was not accepted, or it ended).");
            }

            string? wrong = CheckChunk(t, offset, length);
            if (wrong is not null)
            {
                throw new InvalidOperationException(wrong);
            }

            Advance(t, offset, length);
        }
    }

    /// <summary>Records that we stopped sending; false if the transfer is over already.</summary>
    public bool Cancel(ulong file)
    {
        lock (_gate)
        {
            Transfer t = Local(_outgoing, file, "transfer");
            if (t.State == State.Closed)
            {
                return false;
            }

            Close(_outgoing, file, t);
            return true;
        }
    }

    /// <summary>The peer's offer: numbered in order.</summary>
    public void OnOffer(ulong file, long size)
    {
        lock (_gate)
        {
            if (file != _lastIncoming + 1)
            {
                throw new ProtocolViolationException($"The peer numbered a file offer {file}; {_lastIncoming + 1} was next.");
            }

            if (size < 0)
            {
                throw new ProtocolViolationException("The peer offered a file of negative size.");
            }

            _lastIncoming = file;
            _incoming[file] = new Transfer(size);
        }
    }

    /// <summary>The peer accepted our offer; false when we had cancelled it meanwhile.</summary>
    public bool OnAccept(ulong file, long offset)
    {
        lock (_gate)
        {
            Transfer t = Remote(_outgoing, file, "accepted");
            if (t.State == State.Closed)
            {
                return false;
            }

            if (t.State != State.Offered)
            {
                throw new ProtocolViolationException($"The peer answered file offer {file} twice.");
            }

            if (offset < 0 || !IsResumableOffset(offset, t.Size))
            {
                // offset = size would let a receiver that holds nothing have "verified" said for a file it
                // never got: the offer carries the whole file's SHA-256, so that "proof" costs nothing.
                throw new ProtocolViolationException($"The peer claims to hold {offset} bytes of a {t.Size}-byte file; an accept holds less than the whole file.");
            }

            t.State = State.Moving;
            t.Accepted = offset;
            t.Next = -1;
            return true;
        }
    }

    /// <summary>The peer refused our offer or stopped the transfer; false when it was over already.</summary>
    public bool OnReject(ulong file)
    {
        lock (_gate)
        {
            Transfer t = Remote(_outgoing, file, "refused");
            if (t.State == State.Closed)
            {
                return false;
            }

            Close(_outgoing, file, t);
            return true;
        }
    }

    /// <summary>A chunk of the peer's file: true to deliver it, false to drop it (we refused the transfer).</summary>
    public bool OnChunk(ulong file, long offset, int length, out bool complete)
    {
        lock (_gate)
        {
            complete = false;
            Transfer t = Remote(_incoming, file, "sent a chunk of");
            if (t.State == State.Dropping)
            {
                return false;
            }

            if (t.State != State.Moving)
            {
                throw new ProtocolViolationException($"The peer sent a chunk of file {file}, which is not being transferred.");
            }

            if (CheckChunk(t, offset, length) is { } wrong)
            {
                throw new ProtocolViolationException("The peer's chunk is out of place: " + wrong);
            }

            Advance(t, offset, length);
            complete = t.State == State.Complete;
            return true;
        }
    }

    /// <summary>The peer stopped sending its file; false when the transfer was over already.</summary>
    public bool OnCancel(ulong file)
    {
        lock (_gate)
        {
            Transfer t = Remote(_incoming, file, "cancelled");
            if (t.State == State.Closed)
            {
                return false;
            }

            Close(_incoming, file, t);
            return true;
        }
    }

    /// <summary>The peer verified our whole file; false when we had cancelled it meanwhile.</summary>
    public bool OnVerified(ulong file)
    {
        lock (_gate)
        {
            Transfer t = Remote(_outgoing, file, "verified");
            if (t.State == State.Closed)
            {
                return false;
            }

            if (t.State != State.Complete)
            {
                throw new ProtocolViolationException($"The peer verified file {file} before it had all of it.");
            }

            Close(_outgoing, file, t);
            return true;
        }
    }

    /// <summary>How many transfers are held (open ones only: the rest are forgotten).</summary>
    internal int Retained
    {
        get
        {
            lock (_gate)
            {
                return _outgoing.Count + _incoming.Count;
            }
        }
    }

    /// <summary>Checks a reason's length: it is shown to a person, not a place for data.</summary>
    public static void CheckReason(string reason)
    {
        if (reason.Length == 0 || Encoding.UTF8.GetByteCount(reason) > SecureSession.MaxReasonBytes)
        {
            throw new ProtocolViolationException($"The peer's reason is empty or longer than {SecureSession.MaxReasonBytes} bytes.");
        }
    }

    // Offset 0 is always allowed (an empty file is accepted at 0 = size); otherwise the receiver holds less
    // than the whole file, so the sender sends at least the last byte and only a receiver that then has the
    // whole file can say "verified".
    private static bool IsResumableOffset(long offset, long size) => offset == 0 || offset < size;

    private static string? CheckChunk(Transfer t, long offset, int length)
    {
        long start = t.Next < 0 ? (offset == 0 ? 0 : t.Accepted) : t.Next;
        if (offset != start)
        {
            return t.Next < 0
                ? $"the first chunk must start at {t.Accepted} (what the receiver holds) or at 0, not at {offset}."
                : $"it starts at {offset}; {t.Next} was next.";
        }

        if (length < 0 || length > SecureSession.MaxFileChunkBytes)
        {
            return $"a chunk carries at most {SecureSession.MaxFileChunkBytes} bytes.";
        }

        if (length > t.Size - offset)
        {
            return $"it runs past the {t.Size} bytes that were offered.";
        }

        if (length == 0 && offset != t.Size)
        {
            return "only the chunk that ends the file may be empty.";
        }

        return null;
    }

    private static void Advance(Transfer t, long offset, int length)
    {
        t.Next = offset + length;
        if (t.Next == t.Size)
        {
            t.State = State.Complete;
        }
    }

    private Transfer Local(Dictionary<ulong, Transfer> transfers, ulong file, string what) =>
        transfers.TryGetValue(file, out Transfer? t) ? t
        : file >= 1 && file <= Last(transfers) ? Transfer.Forgotten
        : throw new InvalidOperationException($"There is no {what} {file}.");

    private Transfer Remote(Dictionary<ulong, Transfer> transfers, ulong file, string verb) =>
        transfers.TryGetValue(file, out Transfer? t) ? t
        : file >= 1 && file <= Last(transfers) ? Transfer.Forgotten
        : throw new ProtocolViolationException($"The peer {verb} file {file}, which was never offered.");

    private ulong Last(Dictionary<ulong, Transfer> transfers) => ReferenceEquals(transfers, _outgoing) ? _lastOffered : _lastIncoming;

    /// <summary>Ends a transfer and forgets it: later messages about it find <see cref="Transfer.Forgotten"/>.</summary>
    private static void Close(Dictionary<ulong, Transfer> transfers, ulong file, Transfer t)
    {
        t.State = State.Closed;
        transfers.Remove(file);
    }

    private sealed class Transfer(long size)
    {
        /// <summary>Stands for every transfer that is over; it is closed, so nothing ever changes it.</summary>
        public static readonly Transfer Forgotten = new(0) { State = State.Closed };

        public long Size { get; } = size;

        public State State { get; set; } = State.Offered;

        public long Accepted { get; set; }

        /// <summary>The next byte due, or -1 before the first chunk.</summary>
        public long Next { get; set; } = -1;

        /// <summary>The receiver's last progress report (0 before the first: a report says at least 1 byte).</summary>
        public long Reported { get; set; }
    }
}
