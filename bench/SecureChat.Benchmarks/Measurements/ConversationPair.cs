using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Both ends of one established conversation in this process, over loopback TCP.</summary>
internal sealed class ConversationPair : IAsyncDisposable
{
    private ConversationPair(IConversationEnd client, IConversationEnd server)
    {
        Client = client;
        Server = server;
    }

    /// <summary>The end that connected.</summary>
    public IConversationEnd Client { get; }

    /// <summary>The end that accepted.</summary>
    public IConversationEnd Server { get; }

    /// <summary>Connects to <paramref name="listener"/> and runs both sides' handshakes at once.</summary>
    public static async Task<ConversationPair> OpenAsync(LoopbackListener listener, IChatTransport transport, CancellationToken cancellationToken)
    {
        Task<IConversationEnd> accepting = AcceptAsync(listener, transport, cancellationToken);
        IConversationEnd client;
        try
        {
            client = await transport.ConnectAsync(await LoopbackListener.ConnectAsync(listener.Port, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeQuietlyAsync(accepting).ConfigureAwait(false);
            throw;
        }

        try
        {
            return new ConversationPair(client, await accepting.ConfigureAwait(false));
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes both ends; receivers still waiting see the conversation end.</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<IConversationEnd> AcceptAsync(LoopbackListener listener, IChatTransport transport, CancellationToken cancellationToken) =>
        await transport.AcceptAsync(await listener.AcceptAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>The client failed: the server's handshake fails too, or finishes; either way close what it made.</summary>
    private static async Task DisposeQuietlyAsync(Task<IConversationEnd> accepting)
    {
        try
        {
            await (await accepting.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The client's failure is the one worth reporting.
        }
    }
}
