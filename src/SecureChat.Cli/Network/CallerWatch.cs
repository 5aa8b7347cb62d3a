// Whether a caller is still there while its handshake waits on our user (issue 17 item 7): a first-contact
// question must not stay open for a caller who already left. Reading the socket would take bytes the session
// needs (the caller's resume may already wait there), so the watch only looks: on Linux at the TCP state
// (TCP_INFO: the caller's FIN or reset moves it to CLOSE_WAIT or CLOSE, whatever unread bytes wait before
// it), elsewhere at "readable with nothing to read", which is the end of the stream once the bytes are read.
using System.Net.Sockets;

namespace SecureChat.Cli.Network;

/// <summary>Cancels a token when the caller hangs up.</summary>
internal sealed class CallerWatch : IDisposable
{
    /// <summary>How often the socket is looked at: a question withdrawn within half a second reads as at once.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    // Linux's <netinet/tcp.h>: the TCP_INFO option and the states that follow the peer's FIN or reset.
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;
    private const byte TcpClose = 7;
    private const byte TcpCloseWait = 8;
    private const byte TcpLastAck = 9;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _left;
    private readonly ITimer _timer;

    /// <summary>Watches <paramref name="socket"/>; <see cref="Token"/> is cancelled with <paramref name="outer"/> or when the caller leaves.</summary>
    public CallerWatch(Socket socket, CancellationToken outer)
    {
        _socket = socket;
        _left = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _timer = TimeProvider.System.CreateTimer(_ => Look(), null, Interval, Interval);
    }

    /// <summary>Cancelled when the caller left, or with the outer token.</summary>
    public CancellationToken Token => _left.Token;

    /// <summary>Whether the caller was seen to leave.</summary>
    public bool CallerLeft { get; private set; }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        _left.Dispose();
    }

    /// <summary>Whether the peer of <paramref name="socket"/> has closed or reset the connection.</summary>
    internal static bool HasHungUp(Socket socket)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                Span<byte> info = stackalloc byte[8];
                if (socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info) > 0)
                {
                    return info[0] is TcpClose or TcpCloseWait or TcpLastAck;
                }
            }

            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private void Look()
    {
        if (!CallerLeft && HasHungUp(_socket))
        {
            CallerLeft = true;
            try
            {
                _left.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Watching ended meanwhile.
            }
        }
    }
}
