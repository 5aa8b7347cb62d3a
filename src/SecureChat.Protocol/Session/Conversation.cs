// A conversation outlives the connection that carries it. It numbers texts across sessions and keeps every
// text the peer has not confirmed, so that after a dropped connection a fresh session (full handshake,
// same trust checks) can resend exactly what is missing: each side's `resume` says what it received, and
// what is resent keeps its original id, so no line is shown twice or out of order (docs/protocol.md,
// "Resuming a conversation").
using System.Security.Cryptography;

namespace SecureChat.Protocol.Session;

/// <summary>The text numbering and unconfirmed texts of one conversation, kept across sessions with the same peer.</summary>
public sealed class Conversation
{
    /// <summary>The size of a conversation id in bytes.</summary>
    public const int IdSize = 16;

    /// <summary>
    /// The largest text id, <c>through</c> and <c>first</c> the protocol allows: 2^63 − 1, so that every id,
    /// and the next one after it, fits the signed 64-bit counters of every peer without overflow.
    /// </summary>
    public const ulong MaxTextId = long.MaxValue;

    private readonly byte[] _id;
    private readonly Lock _gate = new();
    private readonly List<PendingText> _unconfirmed = [];
    private readonly List<(string Text, bool Resend)> _unsent = [];
    private ulong _lastSentId;
    private ulong _lastReceivedId;
    private int _sessions;

    /// <summary>Starts a new conversation with a random id (the initiator's side).</summary>
    public Conversation()
        : this(RandomNumberGenerator.GetBytes(IdSize))
    {
    }

    /// <summary>Adopts the conversation the peer named (the responder's side).</summary>
    /// <exception cref="ArgumentException">The id is not <see cref="IdSize"/> bytes.</exception>
    public Conversation(ReadOnlySpan<byte> id)
    {
        if (id.Length != IdSize)
        {
            throw new ArgumentException($"A conversation id is {IdSize} bytes.", nameof(id));
        }

        _id = id.ToArray();
    }

    /// <summary>The conversation's id: not secret, but it links the sessions of one conversation.</summary>
    public ReadOnlySpan<byte> Id => _id;

    /// <summary>How many sessions have carried this conversation so far.</summary>
    public int Sessions
    {
        get
        {
            lock (_gate)
            {
                return _sessions;
            }
        }
    }

    /// <summary>The id of the last text we sent in this conversation (0 before the first).</summary>
    public ulong LastSentId
    {
        get
        {
            lock (_gate)
            {
                return _lastSentId;
            }
        }
    }

    /// <summary>The id of the last text we received in this conversation (0 before the first).</summary>
    public ulong LastReceivedId
    {
        get
        {
            lock (_gate)
            {
                return _lastReceivedId;
            }
        }
    }

    /// <summary>The texts we sent that the peer has not confirmed, oldest first.</summary>
    public IReadOnlyList<PendingText> Unconfirmed
    {
        get
        {
            lock (_gate)
            {
                return [.. _unconfirmed];
            }
        }
    }

    /// <summary>How many texts we sent the peer has not confirmed (without copying them).</summary>
    public int UnconfirmedCount
    {
        get
        {
            lock (_gate)
            {
                return _unconfirmed.Count;
            }
        }
    }

    /// <summary>
    /// Lines the application was given but never sent, oldest first: kept for the next session to send
    /// first, or (refused by a check) only to be listed. Together with <see cref="Unconfirmed"/> this is
    /// everything of ours the peer may not have.
    /// </summary>
    public IReadOnlyList<string> Unsent
    {
        get
        {
            lock (_gate)
            {
                return [.. _unsent.Select(u => u.Text)];
            }
        }
    }

    /// <summary>
    /// Records a line that was not sent: with <paramref name="resend"/> the next session sends it first
    /// (<see cref="TakeResendable"/>); without, it is only listed as never delivered.
    /// </summary>
    public void KeepUnsent(string text, bool resend = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            _unsent.Add((text, resend));
        }
    }

    /// <summary>Takes the kept lines that are to be sent again, oldest first, to send them now.</summary>
    public IReadOnlyList<string> TakeResendable()
    {
        lock (_gate)
        {
            List<string> lines = [.. _unsent.Where(u => u.Resend).Select(u => u.Text)];
            _unsent.RemoveAll(u => u.Resend);
            return lines;
        }
    }

    /// <summary>Every text the peer may not have: the unconfirmed ones, then the lines never sent.</summary>
    public IReadOnlyList<string> Undelivered()
    {
        lock (_gate)
        {
            return [.. _unconfirmed.Select(p => p.Text), .. _unsent.Select(u => u.Text)];
        }
    }

    /// <summary>Whether <paramref name="id"/> is this conversation's id.</summary>
    public bool HasId(ReadOnlySpan<byte> id) => CryptographicOperations.FixedTimeEquals(id, _id);

    /// <summary>What our <c>resume</c> says: the last id we received, and the lowest id we may still send.</summary>
    internal (ulong Through, ulong First) ResumePoint()
    {
        lock (_gate)
        {
            return (_lastReceivedId, _unconfirmed.Count > 0 ? _unconfirmed[0].Id : _lastSentId + 1);
        }
    }

    /// <summary>
    /// Applies the peer's <c>resume</c>: the texts it received are confirmed, the ids below its
    /// <paramref name="first"/> will never come, and our numbering continues past anything it has seen.
    /// Returns the texts to resend, oldest first.
    /// </summary>
    internal IReadOnlyList<PendingText> ApplyPeerResume(ulong through, ulong first)
    {
        lock (_gate)
        {
            _sessions++;
            _lastReceivedId = Math.Max(_lastReceivedId, first - 1);
            _lastSentId = Math.Max(_lastSentId, through);
            _unconfirmed.RemoveAll(p => p.Id <= through);
            return [.. _unconfirmed];
        }
    }

    /// <summary>Numbers a new text and keeps it until confirmed.</summary>
    internal PendingText Add(string text, long sentAt)
    {
        lock (_gate)
        {
            var pending = new PendingText(++_lastSentId, sentAt, text);
            _unconfirmed.Add(pending);
            return pending;
        }
    }

    /// <summary>Forgets the texts the peer confirmed; returns them, oldest first.</summary>
    internal IReadOnlyList<PendingText> Confirm(ulong through)
    {
        lock (_gate)
        {
            List<PendingText> confirmed = [.. _unconfirmed.Where(p => p.Id <= through)];
            _unconfirmed.RemoveAll(p => p.Id <= through);
            return confirmed;
        }
    }

    /// <summary>Records a received text; false when it is a duplicate of one received already.</summary>
    internal bool Receive(ulong id, out ulong expected)
    {
        lock (_gate)
        {
            expected = _lastReceivedId + 1;
            if (id < expected)
            {
                return false;
            }

            if (id == expected)
            {
                _lastReceivedId = id;
            }

            return true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Conversation({Convert.ToHexStringLower(_id)[..8]}…)";
}

/// <summary>A text sent in a conversation and not yet confirmed by the peer.</summary>
/// <param name="Id">Its id in the conversation.</param>
/// <param name="SentAt">When it was first sent, Unix milliseconds (kept when it is resent).</param>
/// <param name="Text">The message.</param>
public sealed record PendingText(ulong Id, long SentAt, string Text);
