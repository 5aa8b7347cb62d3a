// SecureChat as the apps run it: SecureSession.InitiateAsync (User2) and RespondAsync (User1) over a
// NetworkStream that owns its socket, with the apps' default options (both suites offered, so the
// default suite, AES-256-CBC + HMAC-SHA256, is chosen) and a trust decision that accepts the expected
// peer, as a known_peers entry would. Receipts are the session's own.
using System.Net.Sockets;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Benchmarks.Variants;

/// <summary>SecureChat sessions over TCP.</summary>
internal sealed class SecureChatTransport : IChatTransport
{
    private readonly IdentityKey _client;
    private readonly IdentityKey _server;

    /// <summary>Reads both identity keys from <paramref name="credentials"/>.</summary>
    public SecureChatTransport(BenchCredentials credentials)
    {
        _client = credentials.LoadIdentity(Side.Client);
        _server = credentials.LoadIdentity(Side.Server);
    }

    /// <inheritdoc />
    public async Task<IConversationEnd> ConnectAsync(NetworkStream stream, CancellationToken cancellationToken) =>
        new SecureChatEnd(await SecureSession.InitiateAsync(stream, Options(_client, "bench-client", _server.Fingerprint), new Conversation(), cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<IConversationEnd> AcceptAsync(NetworkStream stream, CancellationToken cancellationToken) =>
        new SecureChatEnd(await SecureSession.RespondAsync(stream, Options(_server, "bench-server", _client.Fingerprint), cancellationToken).ConfigureAwait(false));

    /// <summary>Wipes both keys.</summary>
    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    private static SessionOptions Options(IdentityKey identity, string name, Fingerprint expectedPeer) => new()
    {
        Identity = identity,
        Name = name,
        TrustPeer = (PeerIdentity peer, CancellationToken _) => ValueTask.FromResult(peer.Fingerprint.Equals(expectedPeer)),
    };
}
