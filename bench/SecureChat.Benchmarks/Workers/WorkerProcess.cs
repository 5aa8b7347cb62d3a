using System.Diagnostics;
using System.Text.Json;
using SecureChat.Benchmarks.Compare;
using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Workers;

/// <summary>The parent's handle on one variant's worker process.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private WorkerProcess(VariantSetup variant, Process process)
    {
        Variant = variant;
        _process = process;
    }

    /// <summary>The variant this worker measures.</summary>
    public VariantSetup Variant { get; }

    /// <summary>Starts a worker with the variant's environment and waits until it has loaded its credentials.</summary>
    public static async Task<WorkerProcess> StartAsync(VariantSetup variant, BenchCredentials credentials, TestFile? testFile, CancellationToken cancellationToken)
    {
        string[] arguments = [WorkerHost.Command, variant.Name, credentials.Folder, .. testFile is null ? [] : new[] { testFile.Path }];
        var worker = new WorkerProcess(variant, ChildProcess.Start(arguments, variant.Environment));
        try
        {
            string line = await ChildProcess.ReadLineAsync(worker._process, StartupPatience, cancellationToken).ConfigureAwait(false);
            return line == WorkerHost.Ready ? worker : throw new InvalidDataException($"The {variant.Name} worker said \"{line}\" on starting.");
        }
        catch
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs one measurement in the worker and returns what it measured.</summary>
    /// <exception cref="InvalidOperationException">The measurement failed in the worker.</exception>
    public async Task<MeasurementOutcome> MeasureAsync(string measurement, CompareProfile profile, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new WorkerRequest(measurement, profile.Name), WorkerJson.Default.WorkerRequest)).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        string line = await ChildProcess.ReadLineAsync(_process, profile.MeasurementTimeout + TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        WorkerReply reply = JsonSerializer.Deserialize(line, WorkerJson.Default.WorkerReply)
            ?? throw new InvalidDataException($"The {Variant.Name} worker answered JSON null.");
        return reply.Values is { } values
            ? new MeasurementOutcome(values, reply.Cost)
            : throw new InvalidOperationException($"The {Variant.Name} worker failed: {reply.Error}");
    }

    /// <summary>Asks the worker to finish, and kills it if it does not.</summary>
    public async ValueTask DisposeAsync()
    {
        await ChildProcess.StopAsync(_process, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _process.Dispose();
    }
}
