// Sockets opened exactly as the apps open them (src/SecureChat.Cli: ChatConnector and ChatRunner): a
// TCP socket with Nagle off on both ends, wrapped in a NetworkStream that owns it. Every variant gets
// the same sockets; only what runs over them differs.
using System.Net;
using System.Net.Sockets;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>A listener on 127.0.0.1 with an ephemeral port.</summary>
internal sealed class LoopbackListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    /// <summary>Starts listening.</summary>
    public LoopbackListener() => _listener.Start();

    /// <summary>The port chosen by the system.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The next caller's stream, as User1 accepts it.</summary>
    public async Task<NetworkStream> AcceptAsync(CancellationToken cancellationToken)
    {
        Socket socket = await _listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
        socket.NoDelay = true;
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>A stream to <paramref name="port"/> on 127.0.0.1, as User2 connects.</summary>
    public static async Task<NetworkStream> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        Socket? socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            socket = null;
            return stream;
        }
        finally
        {
            socket?.Dispose();
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();
}
