using System.Net;
using System.Net.Sockets;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>Options and connected session pairs for tests.</summary>
internal static class SessionHarness
{
    public static readonly TrustDecision TrustAll = (_, _) => ValueTask.FromResult(true);

    /// <summary>
    /// A loaded CI machine can take longer than the apps' 10 s handshake deadline for two RSA-3072 handshakes
    /// racing the rest of the suite; tests of the deadline itself set their own.
    /// </summary>
    public static readonly TimeSpan HandshakePatience = TimeSpan.FromSeconds(60);

    public static SessionOptions Options(IdentityKey identity, string name) => new()
    {
        Identity = identity,
        Name = name,
        TrustPeer = TrustAll,
        HandshakeTimeout = HandshakePatience,
    };

    /// <summary>Alice responds (User1), Bob initiates (User2).</summary>
    public static SessionOptions AliceOptions() => Options(TestIdentities.Alice, "alice");

    public static SessionOptions BobOptions() => Options(TestIdentities.Bob, "bob");

    /// <summary>Runs both halves of a handshake over the two streams at once.</summary>
    public static async Task<(SecureSession Initiator, SecureSession Responder)> ConnectAsync(
        Stream initiatorStream, Stream responderStream, SessionOptions initiator, SessionOptions responder)
    {
        Task<SecureSession> responding = Task.Run(() => SecureSession.RespondAsync(responderStream, responder));
        Task<SecureSession> initiating = Task.Run(() => SecureSession.InitiateAsync(initiatorStream, initiator, new Conversation()));
        return (await initiating, await responding);
    }

    /// <summary>A session pair over an in-memory duplex pipe.</summary>
    public static Task<(SecureSession Initiator, SecureSession Responder)> OverPipesAsync(SessionOptions? initiator = null, SessionOptions? responder = null)
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.CreatePair();
        return ConnectAsync(a, b, initiator ?? BobOptions(), responder ?? AliceOptions());
    }

    /// <summary>A session pair over a real loopback TCP connection.</summary>
    public static async Task<(SecureSession Initiator, SecureSession Responder)> OverTcpAsync(SessionOptions? initiator = null, SessionOptions? responder = null)
    {
        (Stream client, Stream server) = await TcpPairAsync();
        return await ConnectAsync(client, server, initiator ?? BobOptions(), responder ?? AliceOptions());
    }

    /// <summary>Two ends of a loopback TCP connection, each owning its socket.</summary>
    public static async Task<(Stream Client, Stream Server)> TcpPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task connecting = client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        Socket server = await listener.AcceptSocketAsync();
        server.NoDelay = true;
        await connecting;
        return (new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }
}
