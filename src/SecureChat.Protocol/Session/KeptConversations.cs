// What a listener keeps of conversations whose connection dropped, so that each can resume when its peer
// comes back (docs/protocol.md, "Resuming a conversation"). Kept per peer identity key: a conversation is
// found only by the key that started it and by its id, and a conversation with another key (a stranger
// opening and closing one while the peer's reconnect is held back) never touches it. Issue 13, item 9:
// with one slot for all peers, that stranger made the listener forget the peer's last received id, and
// the peer's resent line was shown a second time. Bounded: one conversation per key, a few keys in all;
// when full, the one that dropped longest ago is given up (only peers who passed the trust decision and
// then lost their connection get here, so filling it takes that many trusted keys).
using SecureChat.Crypto.Identity;

namespace SecureChat.Protocol.Session;

/// <summary>Dropped conversations with their application state, one per peer key, oldest given up first.</summary>
/// <typeparam name="TState">What the application keeps with each conversation.</typeparam>
public sealed class KeptConversations<TState>
    where TState : class
{
    /// <summary>How many peers' conversations are kept by default.</summary>
    public const int DefaultCapacity = 16;

    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = []; // the one that dropped longest ago first
    private readonly int _capacity;

    /// <summary>Keeps at most <paramref name="capacity"/> conversations, one per peer key.</summary>
    public KeptConversations(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>How many conversations are kept.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Keeps <paramref name="conversation"/> for <paramref name="peer"/>'s return. Returns the states given
    /// up to make room: this peer's earlier conversation, and the oldest one when all places are taken.
    /// </summary>
    public IReadOnlyList<TState> Keep(Fingerprint peer, Conversation conversation, TState state)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(state);
        var givenUp = new List<TState>();
        lock (_gate)
        {
            int same = _entries.FindIndex(e => e.Peer.Equals(peer));
            if (same >= 0)
            {
                if (!ReferenceEquals(_entries[same].State, state))
                {
                    givenUp.Add(_entries[same].State);
                }

                _entries.RemoveAt(same);
            }

            if (_entries.Count == _capacity)
            {
                givenUp.Add(_entries[0].State);
                _entries.RemoveAt(0);
            }

            _entries.Add(new Entry(peer, conversation, state));
        }

        return givenUp;
    }

    /// <summary>The conversation kept for <paramref name="peer"/> with id <paramref name="id"/>, or null (the responder's resolver).</summary>
    public Conversation? Find(Fingerprint peer, ReadOnlySpan<byte> id)
    {
        lock (_gate)
        {
            foreach (Entry entry in _entries)
            {
                if (entry.Peer.Equals(peer) && entry.Conversation.HasId(id))
                {
                    return entry.Conversation;
                }
            }

            return null;
        }
    }

    /// <summary>Takes out the state kept with <paramref name="conversation"/> (it resumes), or null when none is.</summary>
    public TState? Take(Conversation conversation)
    {
        lock (_gate)
        {
            int index = _entries.FindIndex(e => ReferenceEquals(e.Conversation, conversation));
            if (index < 0)
            {
                return null;
            }

            TState state = _entries[index].State;
            _entries.RemoveAt(index);
            return state;
        }
    }

    /// <summary>Takes out what is kept for <paramref name="peer"/> (the peer started another conversation), or null.</summary>
    public TState? TakePeer(Fingerprint peer)
    {
        lock (_gate)
        {
            int index = _entries.FindIndex(e => e.Peer.Equals(peer));
            if (index < 0)
            {
                return null;
            }

            TState state = _entries[index].State;
            _entries.RemoveAt(index);
            return state;
        }
    }

    /// <summary>Whether <paramref name="state"/> is kept.</summary>
    public bool Holds(TState state)
    {
        lock (_gate)
        {
            return _entries.Exists(e => ReferenceEquals(e.State, state));
        }
    }

    /// <summary>Takes out everything kept, oldest first (the listener stops).</summary>
    public IReadOnlyList<TState> TakeAll()
    {
        lock (_gate)
        {
            List<TState> all = [.. _entries.Select(e => e.State)];
            _entries.Clear();
            return all;
        }
    }

    private sealed record Entry(Fingerprint Peer, Conversation Conversation, TState State);
}
