// compare [measurement…] [--quick | --smoke]: SecureChat, SslStream and plain TCP side by side. The
// parent makes the run's keys, starts one worker process per variant (each with its own environment),
// and then, for every repetition, runs every measurement in every worker in turn, rotating which
// variant goes first, so that a disturbance on the shared machine falls on all three alike. Only the
// workers measure. Naming measurements (compare file) runs only those, at the profile's sizes.
using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Variants;
using SecureChat.Benchmarks.Workers;

namespace SecureChat.Benchmarks.Compare;

/// <summary>The end-to-end comparison.</summary>
internal static class CompareCommand
{
    /// <summary>Usage of this command.</summary>
    public const string Usage = "compare [rtt|oneway|handshake|bulk|file|idle|startup]… [--quick | --smoke]";

    /// <summary>Runs the comparison; 0 when every figure was measured, 1 when one failed, 2 for bad arguments.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter progress)
    {
        if (ParseSelection(arguments) is not ({ } profile, { } measurements))
        {
            await progress.WriteLineAsync("usage: " + Usage).ConfigureAwait(false);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        WriteHeader(output, profile, measurements);
        BenchCredentials credentials = await BenchCredentials.CreateAsync().ConfigureAwait(false);
        TestFile? testFile = null;
        var workers = new List<WorkerProcess>();
        try
        {
            if (measurements.OfType<FileMeasurement>().Any())
            {
                (testFile, TimeSpan took) = TestFile.Create(profile.FileBytes);
                output.WriteLine($"test file: {testFile.Size >> 20} MiB of random bytes in {Path.GetDirectoryName(testFile.Path)}, written and flushed to disk in {took.TotalSeconds:0.0} s");
            }

            foreach (VariantSetup variant in VariantSetup.All)
            {
                workers.Add(await WorkerProcess.StartAsync(variant, credentials, testFile, cancel.Token).ConfigureAwait(false));
            }

            CompareResults results = await MeasureAsync(workers, profile, measurements, progress, cancel.Token).ConfigureAwait(false);
            output.WriteLine($"load average at end: {MachineInfo.LoadAverage()}");
            CompareReport.Write(output, results, measurements);
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or TimeoutException or IOException or OperationCanceledException)
        {
            await progress.WriteLineAsync($"compare failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }

            credentials.Delete();
            testFile?.Delete();
        }
    }

    /// <summary>The profile the arguments choose (none: full), or null if they are not a profile flag.</summary>
    public static CompareProfile? ParseProfile(IReadOnlyList<string> arguments) => arguments switch
    {
        [] => CompareProfile.Full,
        ["--quick"] => CompareProfile.Quick,
        ["--smoke"] => CompareProfile.Smoke,
        _ => null,
    };

    /// <summary>
    /// The profile and the measurements the arguments choose: measurement names (none: all, in the
    /// catalog's order) and at most one profile flag (none: full); null if anything else is there.
    /// </summary>
    public static (CompareProfile Profile, IReadOnlyList<IMeasurement> Measurements)? ParseSelection(IReadOnlyList<string> arguments)
    {
        List<string> flags = [.. arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal))];
        List<string> names = [.. arguments.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
        if (ParseProfile(flags) is not { } profile || names.Any(n => !MeasurementCatalog.All.Any(m => m.Name == n)))
        {
            return null;
        }

        return (profile, names.Count == 0 ? MeasurementCatalog.All : [.. MeasurementCatalog.All.Where(m => names.Contains(m.Name))]);
    }

    private static void WriteHeader(TextWriter output, CompareProfile profile, IReadOnlyList<IMeasurement> measurements)
    {
        output.WriteLine(MachineInfo.Describe());
        output.WriteLine(
            $"profile: {profile.Name}: {profile.Repetitions} repetitions of {profile.RoundTrips} round trips, {profile.OneWayMessages} one-way messages, "
            + $"{profile.Handshakes} handshakes, {profile.BulkBytes >> 20} MiB bulk, {profile.FileBytes >> 20} MiB file, idle settle {profile.IdleSettle.TotalSeconds:0.#} s, {profile.Starts} starts; medians (min–max) over repetitions");
        output.WriteLine($"measurements: {string.Join(' ', measurements.Select(m => m.Name))}");
        foreach (VariantSetup variant in VariantSetup.All)
        {
            output.WriteLine($"variant {variant.Name}: worker process, {variant.DescribeEnvironment()}");
        }

        output.WriteLine($"load average at start: {MachineInfo.LoadAverage()}");
    }

    private static async Task<CompareResults> MeasureAsync(
        List<WorkerProcess> workers, CompareProfile profile, IReadOnlyList<IMeasurement> measurements, TextWriter progress, CancellationToken cancellationToken)
    {
        var results = new CompareResults();
        for (int repetition = 0; repetition < profile.Repetitions; repetition++)
        {
            for (int m = 0; m < measurements.Count; m++)
            {
                IMeasurement measurement = measurements[m];
                for (int turn = 0; turn < workers.Count; turn++)
                {
                    WorkerProcess worker = workers[(repetition + m + turn) % workers.Count];
                    MeasurementOutcome outcome = await worker.MeasureAsync(measurement.Name, profile, cancellationToken).ConfigureAwait(false);
                    results.Add(measurement, worker.Variant, outcome);
                    double[] values = outcome.Values;

                    await progress.WriteLineAsync(
                        $"  [{repetition + 1}/{profile.Repetitions}] {measurement.Name} {worker.Variant.Name}: "
                        + string.Join(", ", measurement.Metrics.Select((metric, i) => $"{CompareReport.Format(values[i])} {metric.Unit}"))).ConfigureAwait(false);
                }
            }
        }

        return results;
    }
}
