// The receiving loops the measurements share. Receipts are always read, by whichever loop owns an end:
// SecureChat's session queues at most 1024 events before its reader stalls, and unread TLS or plain
// receipts would fill the socket buffers.
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Receiving helpers over any conversation end.</summary>
internal static class Conversation
{
    /// <summary>The id of the next message, skipping receipts.</summary>
    /// <exception cref="EndOfStreamException">The conversation ended first.</exception>
    public static async ValueTask<ulong> NextTextAsync(IConversationEnd end)
    {
        while (true)
        {
            Arrival arrival = await end.ReceiveAsync().ConfigureAwait(false);
            switch (arrival.Kind)
            {
                case ArrivalKind.Text:
                    return arrival.Number;
                case ArrivalKind.Closed:
                    throw new EndOfStreamException("The conversation ended while a message was awaited.");
                default:
                    continue;
            }
        }
    }

    /// <summary>Receives until <paramref name="count"/> messages have arrived.</summary>
    public static async Task ReceiveTextsAsync(IConversationEnd end, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await NextTextAsync(end).ConfigureAwait(false);
        }
    }

    /// <summary>Answers every message with <paramref name="reply"/> until the conversation ends.</summary>
    public static Task EchoAsync(IConversationEnd end, string reply) => UntilClosedAsync(end, async arrival =>
    {
        if (arrival.Kind == ArrivalKind.Text)
        {
            await end.SendAsync(reply).ConfigureAwait(false);
        }
    });

    /// <summary>Reads and drops receipts (and anything else) until the conversation ends.</summary>
    public static Task DrainAsync(IConversationEnd end) => UntilClosedAsync(end, _ => ValueTask.CompletedTask);

    /// <summary>
    /// Waits for a background loop once its conversation has been closed under it: how it ended (closed,
    /// or failed because the stream went away) no longer matters.
    /// </summary>
    public static async Task ForgetAsync(Task loop)
    {
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Torn down on purpose.
        }
    }

    private static async Task UntilClosedAsync(IConversationEnd end, Func<Arrival, ValueTask> onArrival)
    {
        while (true)
        {
            Arrival arrival = await end.ReceiveAsync().ConfigureAwait(false);
            if (arrival.Kind == ArrivalKind.Closed)
            {
                return;
            }

            await onArrival(arrival).ConfigureAwait(false);
        }
    }
}
