// What the test relays on loopback have in common (FaultProxy here, TrafficMeter in the end-to-end tests):
// a listener on a free port, one link per caller to 127.0.0.1:target, and a dispose that stops accepting
// and waits for every link. What a link does with the bytes is the derived relay's business. Linked into
// the end-to-end tests with FaultProxy.
using System.Net;
using System.Net.Sockets;

namespace SecureChat.Cli.Tests.Infrastructure;

/// <summary>A TCP relay on loopback to one target port.</summary>
public abstract class LoopbackRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _links = [];
    private Task _accepting = Task.CompletedTask;

    /// <summary>Listens on a free port; callers are taken once the derived constructor calls <see cref="StartAccepting"/>.</summary>
    protected LoopbackRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
    }

    /// <summary>The port to dial instead of the target's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Cancelled when the relay is disposed.</summary>
    protected CancellationToken Stopping => _stop.Token;

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
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts taking callers; the derived constructor calls it once its own state is ready.</summary>
    protected void StartAccepting() => _accepting = Task.Run(AcceptAsync);

    /// <summary>A caller came: the task that relays it (waited for on dispose), or null when it was dealt with at once.</summary>
    protected abstract Task? Accepted(Socket client);

    /// <summary>A connection to the target, or null when nobody answers there (or the relay is stopping).</summary>
    protected async Task<Socket?> ConnectToTargetAsync()
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            return server;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            server.Dispose();
            return null;
        }
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

            if (Accepted(client) is { } link)
            {
                lock (_gate)
                {
                    _links.Add(link);
                }
            }
        }
    }
}
