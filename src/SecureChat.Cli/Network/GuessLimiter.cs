// Online PSK guessing, slowed down: each handshake that fails its key confirmation (a wrong pre-shared key,
// or a forged frame) costs the caller's address one token; a bucket holds a few and refills slowly, and a
// caller with an empty bucket is turned away before any handshake work: unchecked, one client makes 123
// guesses a second and finds a 4-digit PSK in 6 s. Addresses, not connections, are counted,
// because a guesser opens a new connection per guess.
using System.Net;
using SecureChat.Cli.Commands;

namespace SecureChat.Cli.Network;

/// <summary>A token bucket of failed handshakes per source address.</summary>
public sealed class GuessLimiter
{
    /// <summary>Buckets kept at most; full ones are forgotten first, so a spray of addresses costs bounded memory.</summary>
    private const int MaxAddresses = 4096;

    private readonly int _burst;
    private readonly TimeSpan _refill;
    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, Bucket> _buckets = [];
    private readonly Lock _gate = new();

    /// <summary>Limits as <paramref name="limits"/> says, on the clock of <paramref name="time"/>.</summary>
    public GuessLimiter(ListenerLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        _burst = limits.FailedHandshakeBurst;
        _refill = limits.FailedHandshakeRefill;
        _time = time;
    }

    /// <summary>Whether a caller from <paramref name="address"/> may try a handshake now.</summary>
    public bool Admits(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            return Tokens(address) >= 1;
        }
    }

    /// <summary>Takes a token from <paramref name="address"/>'s bucket for a failed handshake.</summary>
    public void RecordFailure(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            double tokens = Tokens(address);
            if (_buckets.Count >= MaxAddresses && !_buckets.ContainsKey(address))
            {
                Forget();
            }

            _buckets[address] = new Bucket(Math.Max(0, tokens - 1), _time.GetTimestamp());
        }
    }

    private double Tokens(IPAddress address)
    {
        if (!_buckets.TryGetValue(address, out Bucket bucket))
        {
            return _burst;
        }

        double refilled = _time.GetElapsedTime(bucket.Since).Ticks / (double)_refill.Ticks;
        return Math.Min(_burst, bucket.Tokens + refilled);
    }

    /// <summary>Forgets buckets that have refilled, or, if none has, the oldest.</summary>
    private void Forget()
    {
        var full = _buckets.Where(pair => Tokens(pair.Key) >= _burst).Select(pair => pair.Key).ToList();
        if (full.Count == 0)
        {
            full.Add(_buckets.MinBy(pair => pair.Value.Since).Key);
        }

        foreach (IPAddress address in full)
        {
            _buckets.Remove(address);
        }
    }

    private readonly record struct Bucket(double Tokens, long Since);
}
