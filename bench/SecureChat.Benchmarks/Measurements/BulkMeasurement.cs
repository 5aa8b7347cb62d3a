namespace SecureChat.Benchmarks.Measurements;

/// <summary>bulk-mb-per-s: 64 KiB text messages (the most one SecureChat message carries), in MB (10^6 bytes) of text per second.</summary>
internal sealed class BulkMeasurement : IMeasurement
{
    /// <inheritdoc />
    public string Name => "bulk";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } = [new("bulk-mb-per-s", "MB/s")];

    /// <inheritdoc />
    public async Task<double[]> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        const int Size = ChatText.BulkMessageBytes;
        int warmup = checked((int)(context.Profile.BulkWarmupBytes / Size));
        int count = checked((int)(context.Profile.BulkBytes / Size));
        TimeSpan elapsed = await MessageStream.MeasureAsync(context, Size, warmup, count, cancellationToken).ConfigureAwait(false);
        return [(double)count * Size / 1e6 / elapsed.TotalSeconds];
    }
}
