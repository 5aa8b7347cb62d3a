namespace SecureChat.Benchmarks.Variants;

/// <summary>
/// One end of an established conversation, whatever carries it. Every variant delivers chat messages
/// and cumulative receipts; the measurements see nothing else. One sender and one receiver may run at
/// the same time.
/// </summary>
internal interface IConversationEnd : IAsyncDisposable
{
    /// <summary>Sends one chat message: one record, one write.</summary>
    ValueTask SendAsync(string text);

    /// <summary>The next message or receipt from the peer, or <see cref="Arrival.Closed"/>.</summary>
    ValueTask<Arrival> ReceiveAsync();
}
