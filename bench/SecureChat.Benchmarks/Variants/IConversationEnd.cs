namespace SecureChat.Benchmarks.Variants;

/// <summary>
/// One end of an established conversation, whatever carries it. Every variant delivers chat messages
/// and cumulative receipts, and moves a file as its user would; the measurements see nothing else. One
/// sender and one receiver may run at the same time; a file goes over a conversation with nothing else
/// in flight and nobody else receiving.
/// </summary>
internal interface IConversationEnd : IAsyncDisposable
{
    /// <summary>Sends one chat message: one record, one write.</summary>
    ValueTask SendAsync(string text);

    /// <summary>The next message or receipt from the peer, or <see cref="Arrival.Closed"/>.</summary>
    ValueTask<Arrival> ReceiveAsync();

    /// <summary>
    /// Sends the file at <paramref name="path"/> (<paramref name="size"/> bytes) to the peer, which is in
    /// <see cref="ReceiveFileAsync"/>; done once every byte is sent (SecureChat: once the peer's verdict is back).
    /// </summary>
    Task SendFileAsync(string path, long size, CancellationToken cancellationToken);

    /// <summary>Receives the peer's file of <paramref name="size"/> bytes into a new file at <paramref name="destination"/>.</summary>
    Task ReceiveFileAsync(string destination, long size, CancellationToken cancellationToken);
}
