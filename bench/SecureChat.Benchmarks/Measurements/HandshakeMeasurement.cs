// What a user waits for when a chat starts: from a new TCP connection to the first protected message
// delivered, with both identities (RSA-3072) proved and the peer's trust decided. Each handshake uses a
// fresh connection on a listener that is already open; closing the conversation is not timed.
using System.Diagnostics;
using SecureChat.Benchmarks.Compare;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>handshake-ms: the median over a repetition's handshakes.</summary>
internal sealed class HandshakeMeasurement : IMeasurement
{
    /// <inheritdoc />
    public string Name => "handshake";

    /// <inheritdoc />
    public string Operation => "handshake";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } = [new("handshake-ms", "ms")];

    /// <inheritdoc />
    public async Task<MeasurementOutcome> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        string message = ChatText.Ascii(ChatText.ChatMessageBytes);
        using var listener = new LoopbackListener();
        var millis = new List<double>(context.Profile.Handshakes);
        ProcessCost before = ProcessCost.Now();
        for (int i = -context.Profile.HandshakeWarmup; i < context.Profile.Handshakes; i++)
        {
            if (i == 0)
            {
                before = ProcessCost.Now();
            }

            long start = Stopwatch.GetTimestamp();
            ConversationPair pair = await ConversationPair.OpenAsync(listener, context.Transport, cancellationToken).ConfigureAwait(false);
            try
            {
                await pair.Client.SendAsync(message).ConfigureAwait(false);
                await Conversation.NextTextAsync(pair.Server).ConfigureAwait(false);
                if (i >= 0)
                {
                    millis.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
            finally
            {
                await pair.DisposeAsync().ConfigureAwait(false);
            }
        }

        // The cost includes closing both ends, which the time does not.
        return new MeasurementOutcome([Statistics.Median(millis)], ProcessCost.Now().PerOperationSince(before, millis.Count));
    }
}
