namespace SecureChat.Benchmarks.Measurements;

/// <summary>bulk-mb-per-s: 64 KiB text messages (the most one SecureChat message carries), in MB (10^6 bytes) of text per second.</summary>
internal sealed class BulkMeasurement : IMeasurement
{
    /// <inheritdoc />
    public string Name => "bulk";

    /// <inheritdoc />
    public string Operation => "bulk message";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } = [new("bulk-mb-per-s", "MB/s")];

    /// <inheritdoc />
    public async Task<MeasurementOutcome> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        const int Size = ChatText.BulkMessageBytes;
        int warmup = checked((int)(context.Profile.BulkWarmupBytes / Size));
        int count = checked((int)(context.Profile.BulkBytes / Size));
        (TimeSpan elapsed, ProcessCost cost) = await MessageStream.MeasureAsync(context, Size, warmup, count, cancellationToken).ConfigureAwait(false);
        return new MeasurementOutcome([(double)count * Size / 1e6 / elapsed.TotalSeconds], cost);
    }
}
