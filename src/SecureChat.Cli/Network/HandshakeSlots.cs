// The few handshakes User1 runs at once, where the RSA work happens. A caller whose hello has come takes a
// slot; when all are taken, the newcomer evicts the handshake that has waited longest for its own caller's
// next frame, if that wait is beyond the stall bound. A real caller answers within milliseconds (one RSA
// operation), so only a stranger that sent a valid hello and then stalled is evicted, and a crowd of them
// can no longer hold every slot until the handshake timeout. A handshake waiting for our own user's
// trust decision reads nothing, so it is never evicted.
using SecureChat.Cli.Commands;

namespace SecureChat.Cli.Network;

/// <summary>The listener's handshake slots.</summary>
internal sealed class HandshakeSlots(ListenerLimits limits) : IDisposable
{
    private readonly SemaphoreSlim _free = new(limits.MaxHandshakes, limits.MaxHandshakes);
    private readonly List<Slot> _taken = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// A slot for a handshake over <paramref name="stream"/>, waiting at most <paramref name="wait"/> (after
    /// evicting a stalled handshake if every slot is taken); null when none came free in time.
    /// </summary>
    public async Task<Slot?> EnterAsync(ReplayStream stream, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!_free.Wait(0, cancellationToken))
        {
            EvictLongestStalled();
            if (!await _free.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        var slot = new Slot(this, stream);
        lock (_gate)
        {
            _taken.Add(slot);
        }

        return slot;
    }

    public void Dispose() => _free.Dispose();

    private void EvictLongestStalled()
    {
        Slot? longest = null;
        lock (_gate)
        {
            foreach (Slot slot in _taken)
            {
                TimeSpan waited = slot.Stream.WaitingForPeer;
                if (waited > limits.HandshakeStallBound && !slot.WasEvicted && (longest is null || waited > longest.Stream.WaitingForPeer))
                {
                    longest = slot;
                }
            }
        }

        longest?.Evict();
    }

    private void Leave(Slot slot)
    {
        lock (_gate)
        {
            _taken.Remove(slot);
        }

        _free.Release();
    }

    /// <summary>One handshake's slot; disposing it frees the slot.</summary>
    public sealed class Slot : IDisposable
    {
        private readonly HandshakeSlots _owner;
        private readonly CancellationTokenSource _evicted = new();
        private int _left;

        internal Slot(HandshakeSlots owner, ReplayStream stream)
        {
            _owner = owner;
            Stream = stream;
        }

        /// <summary>The caller's stream, watched for how long it keeps us waiting.</summary>
        public ReplayStream Stream { get; }

        /// <summary>Cancelled when a newcomer evicted this stalled handshake.</summary>
        public CancellationToken Evicted => _evicted.Token;

        /// <summary>Whether a newcomer evicted this handshake.</summary>
        public bool WasEvicted => _evicted.IsCancellationRequested;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                _owner.Leave(this);
                _evicted.Dispose();
            }
        }

        internal void Evict()
        {
            try
            {
                _evicted.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished in the meantime.
            }
        }
    }
}
