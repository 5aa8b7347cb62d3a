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

    /// <summary>A session pair over an in-memory duplex pipe, its conversation resumed (see <see cref="TakeResumeAsync"/>).</summary>
    public static async Task<(SecureSession Initiator, SecureSession Responder)> OverPipesAsync(SessionOptions? initiator = null, SessionOptions? responder = null)
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.CreatePair();
        (SecureSession bob, SecureSession alice) = await ConnectAsync(a, b, initiator ?? BobOptions(), responder ?? AliceOptions());
        await TakeResumeAsync(bob, alice);
        return (bob, alice);
    }

    /// <summary>A session pair over a real loopback TCP connection, its conversation resumed (see <see cref="TakeResumeAsync"/>).</summary>
    public static async Task<(SecureSession Initiator, SecureSession Responder)> OverTcpAsync(SessionOptions? initiator = null, SessionOptions? responder = null)
    {
        (Stream client, Stream server) = await TcpPairAsync();
        (SecureSession bob, SecureSession alice) = await ConnectAsync(client, server, initiator ?? BobOptions(), responder ?? AliceOptions());
        await TakeResumeAsync(bob, alice);
        return (bob, alice);
    }

    /// <summary>
    /// Every session begins with a resume each way, and each side's first event is <see cref="ConversationResumed"/>.
    /// Waits (bounded) for that event on both sides and takes it, so that a test reads each session's
    /// events from its first text on. Fails if a session's first event is anything else.
    /// </summary>
    public static Task TakeResumeAsync(SecureSession initiator, SecureSession responder) =>
        Task.WhenAll(TakeResumedEventAsync(initiator), TakeResumedEventAsync(responder)).WaitAsync(HandshakePatience);

    private static async Task TakeResumedEventAsync(SecureSession session)
    {
        await using IAsyncEnumerator<SessionEvent> events = session.ReadEventsAsync().GetAsyncEnumerator();
        if (!await events.MoveNextAsync())
        {
            throw new InvalidOperationException("The session's events ended before its conversation resumed.");
        }

        if (events.Current is not ConversationResumed)
        {
            throw new InvalidOperationException($"The session's first event was {events.Current.GetType().Name}, not its conversation's resume.");
        }
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
