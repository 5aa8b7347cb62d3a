// measure <variant> <measurement> [--quick | --smoke]: one measurement of one variant in this very
// process, for profiling (perf, dotnet-trace, dotnet-counters) without the parent and its workers.
// The environment is the caller's: set DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 yourself to see
// SslStream or plain TCP as compare measures them.
using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Compare;

/// <summary>Runs one measurement once, in process.</summary>
internal static class MeasureCommand
{
    /// <summary>Usage of this command.</summary>
    public const string Usage = "measure <securechat|sslstream|plain> <rtt|oneway|handshake|bulk|file|idle> [--quick | --smoke]";

    /// <summary>Runs it; 2 for bad arguments.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter errors)
    {
        if (arguments.Count is < 2 or > 3
            || VariantSetup.All.FirstOrDefault(v => v.Name == arguments[0]) is not { } variant
            || MeasurementCatalog.All.FirstOrDefault(m => m.Name == arguments[1]) is not { } measurement
            || CompareCommand.ParseProfile(arguments.Skip(2).ToList()) is not { } profile)
        {
            await errors.WriteLineAsync("usage: " + Usage).ConfigureAwait(false);
            return 2;
        }

        BenchCredentials credentials = await BenchCredentials.CreateAsync().ConfigureAwait(false);
        TestFile? testFile = null;
        try
        {
            testFile = measurement is FileMeasurement ? TestFile.Create(profile.FileBytes).File : null;
            using IChatTransport transport = ChatTransports.Create(variant, credentials);
            using var deadline = new CancellationTokenSource(profile.MeasurementTimeout);
            await errors.WriteLineAsync($"measuring {variant.Name} {measurement.Name} in process {Environment.ProcessId}").ConfigureAwait(false); // a profiler may attach now
            MeasurementOutcome outcome = await measurement.RunAsync(new MeasurementContext(profile, variant, credentials, transport, testFile), deadline.Token).ConfigureAwait(false);
            for (int i = 0; i < outcome.Values.Length; i++)
            {
                await output.WriteLineAsync($"{measurement.Metrics[i].Name}: {CompareReport.Format(outcome.Values[i])} {measurement.Metrics[i].Unit}").ConfigureAwait(false);
            }

            if (outcome.Cost is { } cost)
            {
                await output.WriteLineAsync($"cost per {measurement.Operation}: {CompareReport.CostCell(cost)}").ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            credentials.Delete();
            testFile?.Delete();
        }
    }
}
