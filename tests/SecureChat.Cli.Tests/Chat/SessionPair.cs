using System.Net;
using System.Net.Sockets;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>
/// Two established sessions over loopback TCP, Bob (initiator) and Alice (responder), joined through a
/// forwarder that a test can tell to swallow everything Alice sends (<see cref="Link.SilenceAlice"/>) or
/// to cut the connection (<see cref="Link.Cut"/>).
/// </summary>
internal static class SessionPair
{
    private static readonly Lazy<IdentityKey> Alice = new(() => IdentityKey.Generate(2048));
    private static readonly Lazy<IdentityKey> Bob = new(() => IdentityKey.Generate(2048));

    public static async Task<(SecureSession Bob, SecureSession Alice)> ConnectAsync()
    {
        (SecureSession bob, SecureSession alice, _) = await ConnectThroughAsync();
        return (bob, alice);
    }

    public static async Task<(SecureSession Bob, SecureSession Alice, Link Link)> ConnectThroughAsync()
    {
        (Socket bobEnd, Socket linkFacingBob) = await SocketPairAsync();
        (Socket linkFacingAlice, Socket aliceEnd) = await SocketPairAsync();
        var link = new Link(linkFacingBob, linkFacingAlice);
        TrustDecision trustAll = (_, _) => ValueTask.FromResult(true);
        // Both carry a conversation, as the apps' sessions always do: the chat keeps its delivery record there.
        Task<SecureSession> alice = SecureSession.RespondAsync(new NetworkStream(aliceEnd, ownsSocket: true), new SessionOptions { Identity = Alice.Value, Name = "alice", TrustPeer = trustAll, HandshakeTimeout = TimeSpan.FromMinutes(1), ResolveConversation = (_, id) => new Conversation(id.Span) });
        Task<SecureSession> bob = SecureSession.InitiateAsync(new NetworkStream(bobEnd, ownsSocket: true), new SessionOptions { Identity = Bob.Value, Name = "bob", TrustPeer = trustAll, HandshakeTimeout = TimeSpan.FromMinutes(1) }, new Conversation());
        return (await bob, await alice, link);
    }

    /// <summary>
    /// Bob's session once the handshake is done, while Alice's trust decision waits for <paramref name="aliceDecides"/>:
    /// Bob has not heard her <c>resume</c> yet. Alice's session comes once she decided yes.
    /// </summary>
    public static async Task<(SecureSession Bob, Conversation BobConversation, Task<SecureSession> Alice)> ConnectWhileAliceDecidesAsync(Task<bool> aliceDecides)
    {
        (Socket bobEnd, Socket aliceEnd) = await SocketPairAsync();
        var conversation = new Conversation();
        Task<SecureSession> alice = SecureSession.RespondAsync(new NetworkStream(aliceEnd, ownsSocket: true), new SessionOptions { Identity = Alice.Value, Name = "alice", TrustPeer = async (_, _) => await aliceDecides, HandshakeTimeout = TimeSpan.FromMinutes(1), ResolveConversation = (_, id) => new Conversation(id.Span) });
        SecureSession bob = await SecureSession.InitiateAsync(new NetworkStream(bobEnd, ownsSocket: true), new SessionOptions { Identity = Bob.Value, Name = "bob", TrustPeer = (_, _) => ValueTask.FromResult(true), HandshakeTimeout = TimeSpan.FromMinutes(1) }, conversation);
        return (bob, conversation, alice);
    }

    /// <summary>Bob dials <paramref name="port"/> (a relay such as the link simulator); Alice answers on <paramref name="listener"/>.</summary>
    public static async Task<(SecureSession Bob, SecureSession Alice)> ConnectAcrossAsync(TcpListener listener, int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task connecting = client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        Socket server = await listener.AcceptSocketAsync();
        await connecting;
        TrustDecision trustAll = (_, _) => ValueTask.FromResult(true);
        Task<SecureSession> alice = SecureSession.RespondAsync(new NetworkStream(server, ownsSocket: true), new SessionOptions { Identity = Alice.Value, Name = "alice", TrustPeer = trustAll, HandshakeTimeout = TimeSpan.FromMinutes(1), ResolveConversation = (_, id) => new Conversation(id.Span) });
        Task<SecureSession> bob = SecureSession.InitiateAsync(new NetworkStream(client, ownsSocket: true), new SessionOptions { Identity = Bob.Value, Name = "bob", TrustPeer = trustAll, HandshakeTimeout = TimeSpan.FromMinutes(1) }, new Conversation());
        return (await bob, await alice);
    }

    private static async Task<(Socket Client, Socket Server)> SocketPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task connecting = client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        Socket server = await listener.AcceptSocketAsync();
        await connecting;
        return (client, server);
    }

    /// <summary>The forwarder between the two sessions.</summary>
    internal sealed class Link
    {
        private readonly Socket _bob;
        private readonly Socket _alice;
        private volatile bool _aliceSilenced;

        public Link(Socket bob, Socket alice)
        {
            _bob = bob;
            _alice = alice;
            _ = Task.Run(() => PumpAsync(_bob, _alice, () => false));
            _ = Task.Run(() => PumpAsync(_alice, _bob, () => _aliceSilenced));
        }

        /// <summary>From now on nothing Alice sends reaches Bob (her receipts included).</summary>
        public void SilenceAlice() => _aliceSilenced = true;

        /// <summary>Cuts both connections, as a dying network would.</summary>
        public void Cut()
        {
            _bob.Dispose();
            _alice.Dispose();
        }

        private static async Task PumpAsync(Socket from, Socket to, Func<bool> swallow)
        {
            byte[] buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int read = await from.ReceiveAsync(buffer, SocketFlags.None);
                    if (read == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    if (!swallow())
                    {
                        await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Cut.
            }
        }
    }
}
