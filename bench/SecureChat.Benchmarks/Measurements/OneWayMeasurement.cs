namespace SecureChat.Benchmarks.Measurements;

/// <summary>oneway-msgs-per-s: 100-byte messages, one write each, receipts flowing back.</summary>
internal sealed class OneWayMeasurement : IMeasurement
{
    /// <inheritdoc />
    public string Name => "oneway";

    /// <inheritdoc />
    public string Operation => "oneway message";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } = [new("oneway-msgs-per-s", "msgs/s")];

    /// <inheritdoc />
    public async Task<MeasurementOutcome> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        int count = context.Profile.OneWayMessages;
        (TimeSpan elapsed, ProcessCost cost) = await MessageStream.MeasureAsync(context, ChatText.ChatMessageBytes, context.Profile.OneWayWarmup, count, cancellationToken).ConfigureAwait(false);
        return new MeasurementOutcome([count / elapsed.TotalSeconds], cost);
    }
}
