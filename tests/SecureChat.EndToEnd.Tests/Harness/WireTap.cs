// A TCP relay between the two apps that keeps every byte each way: User2 dials the tap, the tap dials
// User1. Used to show what an eavesdropper on the network would see.
using System.Net;
using System.Net.Sockets;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>Forwards one connection from its own port to <c>127.0.0.1:target</c> and records both directions.</summary>
public sealed class WireTap : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly MemoryStream _toListener = new();
    private readonly MemoryStream _toConnector = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _relay;

    /// <summary>Starts listening at once; the relay begins when the connector dials <see cref="Port"/>.</summary>
    public WireTap(int targetPort)
    {
        _listener.Start();
        _relay = RelayAsync(targetPort);
    }

    /// <summary>The port the connector should dial.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Everything the connector (User2) sent, in order.</summary>
    public byte[] ToListener => Snapshot(_toListener);

    /// <summary>Everything the listener (User1) sent, in order.</summary>
    public byte[] ToConnector => Snapshot(_toConnector);

    /// <summary>Waits until both directions have ended (both apps closed the connection).</summary>
    public Task Finished => _relay;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _relay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        await _toListener.DisposeAsync();
        await _toConnector.DisposeAsync();
    }

    private static byte[] Snapshot(MemoryStream stream)
    {
        lock (stream)
        {
            return stream.ToArray();
        }
    }

    private async Task RelayAsync(int targetPort)
    {
        using TcpClient connector = await _listener.AcceptTcpClientAsync(_stop.Token);
        using var listener = new TcpClient();
        await listener.ConnectAsync(IPAddress.Loopback, targetPort, _stop.Token);
        NetworkStream fromConnector = connector.GetStream();
        NetworkStream fromListener = listener.GetStream();
        await Task.WhenAll(
            PumpAsync(fromConnector, fromListener, _toListener, listener.Client),
            PumpAsync(fromListener, fromConnector, _toConnector, connector.Client));
    }

    private async Task PumpAsync(Stream from, Stream to, MemoryStream record, Socket toSocket)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                lock (record)
                {
                    record.Write(buffer, 0, read);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }

            toSocket.Shutdown(SocketShutdown.Send); // pass the end on, as the network would
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away: the other sees the connection end.
        }
    }
}
