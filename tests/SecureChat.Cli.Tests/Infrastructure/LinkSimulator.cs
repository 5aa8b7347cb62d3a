// A slow, unreliable link between the two apps, in process, on real loopback TCP (the kernel here has no
// netem): User2 dials the simulator, which dials User1, and each direction's bytes cross a model of a
// link: a one-way delay with jitter (seeded, so a run can be repeated; bytes never overtake each other),
// a rate cap (a token bucket in bytes per second), blackouts (everything held both ways for a while,
// then released in order, as a mobile stall does) and cuts (both sides reset, as a dead route looks).
// Time is real, because the apps run real sockets: tests choose scales that finish in seconds.
// Builds on LoopbackRelay, as FaultProxy and TrafficMeter do; linked into the end-to-end tests.
using System.Net.Sockets;
using System.Threading.Channels;

namespace SecureChat.Cli.Tests.Infrastructure;

/// <summary>One direction of a simulated link.</summary>
/// <param name="Delay">The one-way delay every byte waits.</param>
/// <param name="Jitter">Each piece's delay varies uniformly by up to this much either way (never below zero, never reordering).</param>
/// <param name="BytesPerSecond">The rate cap at the link's entrance (0: none); the bucket holds a twentieth of a second's bytes (1,500 to 16,384).</param>
public sealed record LinkProfile(TimeSpan Delay = default, TimeSpan Jitter = default, long BytesPerSecond = 0)
{
    /// <summary>A link in kilobits per second, as links are sold.</summary>
    public static LinkProfile Kbps(double kilobits, TimeSpan delay = default, TimeSpan jitter = default) => new(delay, jitter, (long)(kilobits * 1000 / 8));
}

/// <summary>A loopback relay that delays, rate-limits, stalls and cuts what crosses it.</summary>
public sealed class LinkSimulator : LoopbackRelay
{
    private const int ReadSize = 16 * 1024;

    private readonly LinkProfile _toListener;
    private readonly LinkProfile _toConnector;
    private readonly int _seed;
    private readonly Lock _gate = new();
    private readonly List<(Socket Client, Socket Server)> _links = [];
    private long _blackoutUntil;
    private int _connections;
    private long _deliveredToListener;
    private long _deliveredToConnector;

    /// <summary>Relays callers to <paramref name="targetPort"/> across the two directions' profiles; <paramref name="seed"/> fixes the jitter.</summary>
    public LinkSimulator(int targetPort, LinkProfile toListener, LinkProfile toConnector, int seed = 1)
        : base(targetPort)
    {
        _toListener = toListener;
        _toConnector = toConnector;
        _seed = seed;
        StartAccepting();
    }

    /// <summary>The same profile both ways.</summary>
    public LinkSimulator(int targetPort, LinkProfile both, int seed = 1)
        : this(targetPort, both, both, seed)
    {
    }

    /// <summary>How many callers the simulator has relayed.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Bytes delivered so far, each way, over every connection.</summary>
    public long DeliveredToListener => Interlocked.Read(ref _deliveredToListener);

    /// <inheritdoc cref="DeliveredToListener"/>
    public long DeliveredToConnector => Interlocked.Read(ref _deliveredToConnector);

    /// <summary>From now, holds every byte both ways for <paramref name="duration"/>, then lets it go in order.</summary>
    public void Blackout(TimeSpan duration) =>
        Volatile.Write(ref _blackoutUntil, Environment.TickCount64 + (long)duration.TotalMilliseconds);

    /// <summary>Resets both sides of every connection now, as a dead route would; later callers pass.</summary>
    public void Cut()
    {
        (Socket Client, Socket Server)[] links;
        lock (_gate)
        {
            links = [.. _links];
        }

        foreach ((Socket client, Socket server) in links)
        {
            Reset(client);
            Reset(server);
        }
    }

    /// <inheritdoc />
    protected override Task Accepted(Socket client)
    {
        int number = Interlocked.Increment(ref _connections);
        return Task.Run(() => LinkAsync(client, number));
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private async Task LinkAsync(Socket client, int number)
    {
        using (client)
        {
            client.NoDelay = true;
            using Socket? server = await ConnectToTargetAsync();
            if (server is null)
            {
                return;
            }

            lock (_gate)
            {
                _links.Add((client, server));
            }

            // Per connection and direction, from the seed alone: the same run gets the same jitter.
            await Task.WhenAll(
                DirectionAsync(client, server, _toListener, new Random(unchecked((_seed * 7919) + (number * 2))), bytes => Interlocked.Add(ref _deliveredToListener, bytes)),
                DirectionAsync(server, client, _toConnector, new Random(unchecked((_seed * 7919) + (number * 2) + 1)), bytes => Interlocked.Add(ref _deliveredToConnector, bytes)));
        }
    }

    private async Task DirectionAsync(Socket from, Socket to, LinkProfile link, Random random, Action<int> delivered)
    {
        // The rate cap works where a bottleneck link does, at its entrance: bytes are taken from the sender
        // only as fast as the token bucket allows, so the queue builds in the sender's own socket buffer
        // (backpressure it can see). What was taken is on the wire: it arrives after the delay, however
        // much is in flight, so the delay line does not limit the rate.
        var wire = Channel.CreateUnbounded<(byte[] Bytes, long DueAt)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task sending = DeliverAsync(wire.Reader, to, from, delivered);
        long rate = link.BytesPerSecond;
        int bucketSize = rate > 0 ? (int)Math.Clamp(rate / 20, 1500, ReadSize) : ReadSize;
        double tokens = bucketSize;
        long refilledAt = Environment.TickCount64;
        long lastDue = 0;
        try
        {
            byte[] buffer = new byte[bucketSize];
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, Stopping)) > 0)
            {
                if (rate > 0)
                {
                    long now = Environment.TickCount64;
                    tokens = Math.Min(bucketSize, tokens + ((now - refilledAt) * rate / 1000.0)) - read;
                    refilledAt = now;
                    if (tokens < 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(-tokens * 1000.0 / rate)), Stopping);
                    }
                }

                double jitter = link.Jitter.TotalMilliseconds * ((random.NextDouble() * 2) - 1);
                long due = Environment.TickCount64 + (long)Math.Max(0, link.Delay.TotalMilliseconds + jitter);
                lastDue = Math.Max(lastDue, due); // a link delays, it does not reorder
                wire.Writer.TryWrite((buffer[..read], lastDue));
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut, reset or stopping: what was taken still arrives, unless the far side is gone too.
        }

        wire.Writer.TryComplete();
        await sending;
    }

    private async Task DeliverAsync(ChannelReader<(byte[] Bytes, long DueAt)> wire, Socket to, Socket from, Action<int> delivered)
    {
        try
        {
            await foreach ((byte[] bytes, long dueAt) in wire.ReadAllAsync(Stopping))
            {
                await WaitUntilAsync(dueAt);
                await WaitUntilAsync(Volatile.Read(ref _blackoutUntil)); // a stall holds what is on the wire
                int sent = 0;
                while (sent < bytes.Length)
                {
                    int piece = await to.SendAsync(bytes.AsMemory(sent), SocketFlags.None, Stopping);
                    sent += piece;
                    delivered(piece);
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The far side is gone, or the link was cut: so is this connection, both ways.
            from.Close();
            to.Close();
        }
    }

    private Task WaitUntilAsync(long tickCount)
    {
        long wait = tickCount - Environment.TickCount64;
        return wait > 0 ? Task.Delay(TimeSpan.FromMilliseconds(wait), Stopping) : Task.CompletedTask;
    }
}
