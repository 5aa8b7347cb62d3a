namespace SecureChat.Benchmarks.Measurements;

/// <summary>oneway-msgs-per-s: 100-byte messages, one write each, receipts flowing back.</summary>
internal sealed class OneWayMeasurement : IMeasurement
{
    /// <inheritdoc />
    public string Name => "oneway";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } = [new("oneway-msgs-per-s", "msgs/s")];

    /// <inheritdoc />
    public async Task<double[]> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        int count = context.Profile.OneWayMessages;
        TimeSpan elapsed = await MessageStream.MeasureAsync(context, ChatText.ChatMessageBytes, context.Profile.OneWayWarmup, count, cancellationToken).ConfigureAwait(false);
        return [count / elapsed.TotalSeconds];
    }
}
