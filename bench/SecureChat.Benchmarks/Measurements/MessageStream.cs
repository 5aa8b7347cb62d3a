// The sending half of the throughput figures: one SendAsync (one record, one write) per message, as
// fast as the sender may go, while the receiver counts and sends its receipts back; the clock stops
// when the receiver has every message. A warm-up burst on the same connection goes first.
using System.Diagnostics;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Times a stream of messages from client to server.</summary>
internal static class MessageStream
{
    /// <summary>How long <paramref name="count"/> messages of <paramref name="messageBytes"/> take, after <paramref name="warmup"/> untimed ones, and their cost.</summary>
    public static async Task<(TimeSpan Elapsed, ProcessCost Cost)> MeasureAsync(MeasurementContext context, int messageBytes, int warmup, int count, CancellationToken cancellationToken)
    {
        string message = ChatText.Ascii(messageBytes);
        using var listener = new LoopbackListener();
        ConversationPair pair = await ConversationPair.OpenAsync(listener, context.Transport, cancellationToken).ConfigureAwait(false);
        Task receipts = Conversation.DrainAsync(pair.Client);
        try
        {
            await SendAllAsync(pair, message, warmup).ConfigureAwait(false);
            ProcessCost before = ProcessCost.Now();
            TimeSpan elapsed = await SendAllAsync(pair, message, count).ConfigureAwait(false);
            return (elapsed, ProcessCost.Now().PerOperationSince(before, count));
        }
        finally
        {
            await pair.DisposeAsync().ConfigureAwait(false);
            await Conversation.ForgetAsync(receipts).ConfigureAwait(false);
        }
    }

    private static async Task<TimeSpan> SendAllAsync(ConversationPair pair, string message, int count)
    {
        Task received = Conversation.ReceiveTextsAsync(pair.Server, count);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            await pair.Client.SendAsync(message).ConfigureAwait(false);
        }

        await received.ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start);
    }
}
