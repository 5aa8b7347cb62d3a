// Bulk transfer of a file (issue #7): the run's test file, from the client end to the server end, each
// variant moving it as its user would (see the ends' SendFileAsync), into a new file at the receiver.
// The clock runs from the sender's first work (SecureChat: hashing the file before its offer) until the
// receiver has every byte (SecureChat: and its verdict is back at the sender). Before the clock, every
// worker hashes the file alone with the code SecureChat's sender uses, to show what that pass costs
// (only SecureChat's transfer includes one); moves the file's beginning once, untimed, on the same
// conversation, so that the code is compiled before it is timed (the bulk figure warms up likewise);
// and collects its garbage, so that memory starts from the same place. During the transfer memory is
// sampled every 50 ms. After it, the copy is checked against the original and deleted.
using System.Diagnostics;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>file-mb-per-s, file-sha256-ms, file-peak-rss-mb and file-peak-heap-mb.</summary>
internal sealed class FileMeasurement : IMeasurement
{
    /// <inheritdoc />
    public string Name => "file";

    /// <inheritdoc />
    public string Operation => "file MiB";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } =
        [new("file-mb-per-s", "MB/s"), new("file-sha256-ms", "ms"), new("file-peak-rss-mb", "MB"), new("file-peak-heap-mb", "MB")];

    /// <inheritdoc />
    public async Task<MeasurementOutcome> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        TestFile file = context.TestFile ?? throw new InvalidOperationException("The file measurement needs the run's test file.");
        long hashing = Stopwatch.GetTimestamp();
        byte[] sha256 = FileDigest.Sha256(file.Path);
        TimeSpan hashed = Stopwatch.GetElapsedTime(hashing);

        string copy = file.CopyFor(context.Variant);
        try
        {
            (TimeSpan elapsed, ProcessCost cost, MemoryPeaks peaks) = await TransferAsync(context, file, copy, cancellationToken).ConfigureAwait(false);
            if (!FileDigest.Sha256(copy).AsSpan().SequenceEqual(sha256))
            {
                throw new InvalidDataException($"The {context.Variant.Name} copy of the test file differs from it.");
            }

            return new MeasurementOutcome(
                [file.Size / 1e6 / elapsed.TotalSeconds, hashed.TotalMilliseconds, peaks.ResidentMebibytes, peaks.HeapMebibytes], cost);
        }
        finally
        {
            File.Delete(copy); // before the kernel writes much of it back to the disk
        }
    }

    private static async Task<(TimeSpan Elapsed, ProcessCost Cost, MemoryPeaks Peaks)> TransferAsync(
        MeasurementContext context, TestFile file, string copy, CancellationToken cancellationToken)
    {
        using var listener = new LoopbackListener();
        ConversationPair pair = await ConversationPair.OpenAsync(listener, context.Transport, cancellationToken).ConfigureAwait(false);
        var moving = new List<Task>();
        try
        {
            long warmup = Math.Min(context.Profile.FileWarmupBytes, file.Size);
            if (warmup > 0)
            {
                await MoveAsync(pair, file.Path, warmup, copy, moving, cancellationToken).ConfigureAwait(false);
                File.Delete(copy);
            }

            MemorySampler.Settle();
            using MemorySampler sampler = MemorySampler.Start();
            ProcessCost before = ProcessCost.Now();
            long start = Stopwatch.GetTimestamp();
            await MoveAsync(pair, file.Path, file.Size, copy, moving, cancellationToken).ConfigureAwait(false);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            ProcessCost cost = ProcessCost.Now().PerOperationSince(before, (int)Math.Max(1, file.Size >> 20));
            return (elapsed, cost, sampler.Stop());
        }
        finally
        {
            await pair.DisposeAsync().ConfigureAwait(false);
            foreach (Task task in moving)
            {
                await Conversation.ForgetAsync(task).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Moves the first <paramref name="size"/> bytes of the file from the client to <paramref name="copy"/>
    /// at the server. Both ends' tasks go into <paramref name="moving"/>; the first failure is thrown at
    /// once (closing the pair then stops the other).
    /// </summary>
    private static async Task MoveAsync(ConversationPair pair, string path, long size, string copy, List<Task> moving, CancellationToken cancellationToken)
    {
        Task receiving = pair.Server.ReceiveFileAsync(copy, size, cancellationToken);
        Task sending = pair.Client.SendFileAsync(path, size, cancellationToken);
        moving.Add(receiving);
        moving.Add(sending);
        Task first = await Task.WhenAny(sending, receiving).WaitAsync(cancellationToken).ConfigureAwait(false);
        await first.ConfigureAwait(false);
        await (first == sending ? receiving : sending).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
