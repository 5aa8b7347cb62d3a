// The callers User1 has accepted but who have not yet sent their whole hello. They are cheap (a socket
// and a frame buffer) but not free, so their number is capped; when one more arrives, the one that has
// waited longest leaves. A real User2 sends its hello within milliseconds of connecting, so a flood of
// idle or stalling connections can only shorten the strangers' grace, never keep the real caller out.
namespace SecureChat.Cli.Network;

/// <summary>A bounded waiting room for callers that have not sent their hello yet; the oldest makes room.</summary>
internal sealed class HelloWaitingRoom
{
    private readonly LinkedList<Seat> _seats = new();
    private readonly Lock _gate = new();

    /// <summary>A room for at most <paramref name="capacity"/> callers.</summary>
    public HelloWaitingRoom(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>How many callers may wait at once.</summary>
    public int Capacity { get; }

    /// <summary>How many callers wait now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _seats.Count;
            }
        }
    }

    /// <summary>Takes a seat, asking the longest-waiting caller to leave if the room is full. Dispose the seat on leaving.</summary>
    public Seat Enter()
    {
        var seat = new Seat(this);
        Seat? leaving = null;
        lock (_gate)
        {
            if (_seats.Count >= Capacity && _seats.First is { } oldest)
            {
                _seats.RemoveFirst();
                leaving = oldest.Value;
            }

            seat.Node = _seats.AddLast(seat);
        }

        leaving?.Evict(); // outside the lock: cancelling runs the evicted caller's code, which leaves the room
        return seat;
    }

    private void Leave(Seat seat)
    {
        lock (_gate)
        {
            if (seat.Node is { List: not null } node)
            {
                _seats.Remove(node);
            }
        }

        seat.Close();
    }

    /// <summary>One waiting caller's place; <see cref="MadeRoom"/> is cancelled when it must leave for a newcomer.</summary>
    internal sealed class Seat : IDisposable
    {
        private const int Waiting = 0;
        private const int Evicting = 1;
        private const int Evicted = 2;
        private const int Closed = 3;

        private readonly HelloWaitingRoom _room;
        private readonly CancellationTokenSource _evicted = new();
        private int _state;

        internal Seat(HelloWaitingRoom room)
        {
            _room = room;
            MadeRoom = _evicted.Token;
        }

        /// <summary>Cancelled when this caller was asked to leave to make room.</summary>
        public CancellationToken MadeRoom { get; }

        /// <summary>Whether this caller was asked to leave to make room.</summary>
        public bool WasEvicted => MadeRoom.IsCancellationRequested;

        internal LinkedListNode<Seat>? Node { get; set; }

        /// <summary>Leaves the room.</summary>
        public void Dispose() => _room.Leave(this);

        // Evict and Close may meet (the evicted caller leaves while, or even inside, its cancellation):
        // whichever comes second disposes the source, so a cancel never meets a disposed one.
        internal void Evict()
        {
            if (Interlocked.CompareExchange(ref _state, Evicting, Waiting) != Waiting)
            {
                return;
            }

            _evicted.Cancel();
            if (Interlocked.Exchange(ref _state, Evicted) == Closed)
            {
                _evicted.Dispose();
            }
        }

        internal void Close()
        {
            int before = Interlocked.Exchange(ref _state, Closed);
            if (before is Waiting or Evicted)
            {
                _evicted.Dispose();
            }
        }
    }
}
