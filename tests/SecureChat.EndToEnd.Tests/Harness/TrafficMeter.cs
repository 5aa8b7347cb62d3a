// A TCP relay on loopback that counts the bytes of each connection through it, each way, and can turn
// callers away (accept and close at once, as a listener that is down or a network that is not there yet
// would look to a reconnecting User2). Put between the FaultProxy and User1, it shows how much a resumed
// transfer carried on the connection after the cut. It reads eagerly and holds what the far side has
// not taken yet, like a router's buffer: so when the proxy cuts its side with a reset, everything that
// had passed the proxy still reaches User1, instead of vanishing from the proxy's socket buffer (how much
// that would be depends on how far User1 lags, which would make the tests' percentages vary).
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>Relays connections to <c>127.0.0.1:target</c> and counts their bytes.</summary>
public sealed class TrafficMeter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Counts> _connections = [];
    private readonly List<Task> _links = [];
    private readonly Task _accepting;
    private volatile bool _refusing;

    /// <summary>Starts listening; each caller is relayed to <paramref name="targetPort"/>.</summary>
    public TrafficMeter(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The port to dial instead of the target's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>While true, new callers are accepted and closed at once; connections already relayed go on.</summary>
    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    /// <summary>How many callers were turned away.</summary>
    public int Refused { get; private set; }

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

    /// <summary>Stops accepting and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] links;
        lock (_gate)
        {
            links = [.. _links];
        }

        await Task.WhenAll(links).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_refusing)
            {
                Refused++;
                client.Dispose();
                continue;
            }

            var counts = new Counts();
            lock (_gate)
            {
                _connections.Add(counts);
                _links.Add(Task.Run(() => RelayAsync(client, counts)));
            }
        }
    }

    private async Task RelayAsync(Socket client, Counts counts)
    {
        using (client)
        using (var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
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
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
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
            await foreach (byte[] bytes in queue.ReadAllAsync(_stop.Token))
            {
                int sent = 0;
                while (sent < bytes.Length)
                {
                    sent += await to.SendAsync(bytes.AsMemory(sent), SocketFlags.None, _stop.Token);
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
