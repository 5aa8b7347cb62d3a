// Latency as a person feels it: a 100-byte message goes out, the peer answers with one, and the clock
// stops when the answer has been opened. Receipts flow both ways meanwhile (each side's receipt for the
// other's message), as in a real conversation. Percentiles are over every round trip of a repetition.
using System.Diagnostics;
using SecureChat.Benchmarks.Compare;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>rtt-p50-us and rtt-p99-us.</summary>
internal sealed class RoundTripMeasurement : IMeasurement
{
    /// <inheritdoc />
    public string Name => "rtt";

    /// <inheritdoc />
    public string Operation => "rtt round trip";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } = [new("rtt-p50-us", "us"), new("rtt-p99-us", "us")];

    /// <inheritdoc />
    public async Task<MeasurementOutcome> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        string message = ChatText.Ascii(ChatText.ChatMessageBytes);
        using var listener = new LoopbackListener();
        ConversationPair pair = await ConversationPair.OpenAsync(listener, context.Transport, cancellationToken).ConfigureAwait(false);
        Task echo = Conversation.EchoAsync(pair.Server, message);
        double[] micros = new double[context.Profile.RoundTrips];
        ProcessCost cost;
        try
        {
            ProcessCost before = ProcessCost.Now();
            for (int i = -context.Profile.RoundTripWarmup; i < micros.Length; i++)
            {
                if (i == 0)
                {
                    before = ProcessCost.Now();
                }

                long start = Stopwatch.GetTimestamp();
                await pair.Client.SendAsync(message).ConfigureAwait(false);
                await Conversation.NextTextAsync(pair.Client).ConfigureAwait(false);
                if (i >= 0)
                {
                    micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                }
            }

            cost = ProcessCost.Now().PerOperationSince(before, micros.Length);
        }
        finally
        {
            await pair.DisposeAsync().ConfigureAwait(false);
            await Conversation.ForgetAsync(echo).ConfigureAwait(false);
        }

        Array.Sort(micros);
        return new MeasurementOutcome([Statistics.Percentile(micros, 50), Statistics.Percentile(micros, 99)], cost);
    }
}
