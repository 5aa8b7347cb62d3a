// A TCP relay on loopback that counts the bytes of each connection through it, each way, and can turn
// callers away (accept and close at once, as a listener that is down or a network that is not there yet
// would look to a reconnecting User2). Put between the FaultProxy and User1, it shows how much a resumed
// transfer carried on the connection after the cut. It reads eagerly and holds what the far side has
// not taken yet, like a router's buffer: so when the proxy cuts its side with a reset, everything that
// had passed the proxy still reaches User1, instead of vanishing from the proxy's socket buffer (how much
// that would be depends on how far User1 lags, which would make the tests' percentages vary).
using System.Net.Sockets;
using System.Threading.Channels;
using SecureChat.Cli.Tests.Infrastructure;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>Relays connections to <c>127.0.0.1:target</c> and counts their bytes.</summary>
public sealed class TrafficMeter : LoopbackRelay
{
    private readonly Lock _gate = new();
    private readonly List<Counts> _connections = [];
    private readonly TaskCompletionSource _firstRefusal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _refusing;

    /// <summary>Starts listening; each caller is relayed to <paramref name="targetPort"/>.</summary>
    public TrafficMeter(int targetPort)
        : base(targetPort)
    {
        StartAccepting();
    }

    /// <summary>While true, new callers are accepted and closed at once; connections already relayed go on.</summary>
    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>How many callers were turned away.</summary>
    public int Refused { get; private set; }

    /// <summary>Completes when the first caller has been turned away: a test waits for it instead of guessing how long a reconnect's backoff takes.</summary>
    public Task FirstRefusal => _firstRefusal.Task;

    /// <summary>The bytes of each relayed connection so far, in the order they came: (toward the target, back).</summary>
    public IReadOnlyList<(long ToListener, long ToConnector)> Connections
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections.Select(c => (Interlocked.Read(ref c.ToListener), Interlocked.Read(ref c.ToConnector)))];
            }
        }
    }

    /// <inheritdoc />
    protected override Task? Accepted(Socket client)
    {
        if (_refusing)
        {
            Refused++;
            client.Dispose();
            _firstRefusal.TrySetResult();
            return null;
        }

        var counts = new Counts();
        lock (_gate)
        {
            _connections.Add(counts);
        }

        return Task.Run(() => RelayAsync(client, counts));
    }

    private async Task RelayAsync(Socket client, Counts counts)
    {
        using (client)
        {
            client.NoDelay = true;
            using Socket? server = await ConnectToTargetAsync();
            if (server is null)
            {
                return;
            }

            await Task.WhenAll(
                PumpAsync(client, server, bytes => Interlocked.Add(ref counts.ToListener, bytes)),
                PumpAsync(server, client, bytes => Interlocked.Add(ref counts.ToConnector, bytes)));
        }
    }

    /// <summary>
    /// Reads <paramref name="from"/> as fast as it sends and writes to <paramref name="to"/> as fast as that
    /// reads. When <paramref name="from"/> ends, cleanly or with a reset, everything read from it is still
    /// delivered, then <paramref name="to"/> gets a FIN: the meter is a hop beyond the point where a
    /// connection is cut, so what passed that point arrives and nothing else does.
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to, Action<int> count)
    {
        var queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task writing = WriteAsync(queue.Reader, to, from);
        byte[] buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, Stopping)) > 0)
            {
                count(read);
                queue.Writer.TryWrite(buffer[..read]);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut or reset: what was read so far still goes on.
        }

        queue.Writer.TryComplete();
        await writing;
    }

    private async Task WriteAsync(ChannelReader<byte[]> queue, Socket to, Socket from)
    {
        try
        {
            await foreach (byte[] bytes in queue.ReadAllAsync(Stopping))
            {
                int sent = 0;
                while (sent < bytes.Length)
                {
                    sent += await to.SendAsync(bytes.AsMemory(sent), SocketFlags.None, Stopping);
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The far side is gone: so is this connection, both ways.
            from.Close();
            to.Close();
        }
    }

    private sealed class Counts
    {
        public long ToListener;
        public long ToConnector;
    }
}
