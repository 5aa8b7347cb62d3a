// A worker process: one per variant, started by the parent with the variant's environment, measuring
// whatever it is asked, one request at a time. Both ends of every conversation live in it; the parent
// only orchestrates, so its own threads and heap never disturb a figure.
using System.Text.Json;
using SecureChat.Benchmarks.Compare;
using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Workers;

/// <summary>The worker's side of the worker protocol.</summary>
internal static class WorkerHost
{
    /// <summary>The hidden command that runs a worker.</summary>
    public const string Command = "__worker";

    /// <summary>The first line a worker writes once it has loaded its credentials.</summary>
    public const string Ready = "ready";

    /// <summary>Serves requests from stdin until it closes; a failed measurement ends the worker.</summary>
    public static async Task<int> RunAsync(VariantSetup variant, BenchCredentials credentials, TestFile? testFile)
    {
        using IChatTransport transport = ChatTransports.Create(variant, credentials);
        Console.WriteLine(Ready);
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            WorkerRequest request = JsonSerializer.Deserialize(line, WorkerJson.Default.WorkerRequest)
                ?? throw new InvalidDataException("A request is JSON null.");
            CompareProfile profile = CompareProfile.Named(request.Profile);
            var context = new MeasurementContext(profile, variant, credentials, transport, testFile);
            try
            {
                using var deadline = new CancellationTokenSource(profile.MeasurementTimeout);
                MeasurementOutcome outcome = await MeasurementCatalog.Named(request.Measurement).RunAsync(context, deadline.Token)
                    .WaitAsync(profile.MeasurementTimeout).ConfigureAwait(false);
                Reply(new WorkerReply(outcome.Values, outcome.Cost, null));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Whatever failed may have left a loop or a socket behind: this worker is done.
                Reply(new WorkerReply(null, null, $"{variant.Name} {request.Measurement}: {e}"));
                return 1;
            }
        }

        return 0;
    }

    private static void Reply(WorkerReply reply) => Console.WriteLine(JsonSerializer.Serialize(reply, WorkerJson.Default.WorkerReply));
}
