using System.Net.Sockets;

namespace SecureChat.Benchmarks.Variants;

/// <summary>The baseline chat frames straight over TCP: no handshake, no protection. The floor.</summary>
internal sealed class PlainTcpTransport : IChatTransport
{
    /// <inheritdoc />
    public Task<IConversationEnd> ConnectAsync(NetworkStream stream, CancellationToken cancellationToken) =>
        Task.FromResult<IConversationEnd>(new JsonFrameEnd(stream));

    /// <inheritdoc />
    public Task<IConversationEnd> AcceptAsync(NetworkStream stream, CancellationToken cancellationToken) =>
        Task.FromResult<IConversationEnd>(new JsonFrameEnd(stream));

    /// <summary>Nothing to release: plain TCP has no credentials.</summary>
    public void Dispose()
    {
    }
}
