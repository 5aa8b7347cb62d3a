using System.Net.Sockets;

namespace SecureChat.Benchmarks.Variants;

/// <summary>
/// Turns a connected TCP stream into a conversation end: the variant's handshake, if it has one. The
/// sockets themselves are opened the same way for every variant (see Measurements/Loopback). Disposing
/// it releases the variant's keys or certificates.
/// </summary>
internal interface IChatTransport : IDisposable
{
    /// <summary>The client's side (SecureChat: the initiator, User2).</summary>
    Task<IConversationEnd> ConnectAsync(NetworkStream stream, CancellationToken cancellationToken);

    /// <summary>The server's side (SecureChat: the responder, User1).</summary>
    Task<IConversationEnd> AcceptAsync(NetworkStream stream, CancellationToken cancellationToken);
}
