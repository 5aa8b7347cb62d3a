// measure <variant> <measurement> [--quick | --smoke] [--repeat N]: one measurement of one variant in this
// very process, for profiling (perf, dotnet-trace, dotnet-counters) without the parent and its workers.
// --repeat runs it N times over the same keys and transport, so that a profile of a short measurement
// (the handshake's 40) is mostly steady state rather than first-time compilation.
// The environment is the caller's: set DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 yourself to see
// SslStream or plain TCP as compare measures them.
using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Compare;

/// <summary>Runs one measurement once, in process.</summary>
internal static class MeasureCommand
{
    /// <summary>Usage of this command.</summary>
    public const string Usage = "measure <securechat|sslstream|plain> <rtt|oneway|handshake|bulk|file|idle> [--quick | --smoke] [--repeat N]";

    /// <summary>Runs it; 2 for bad arguments.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter errors)
    {
        int repeat = 1;
        int repeatAt = arguments.ToList().IndexOf("--repeat");
        if (repeatAt >= 0)
        {
            if (repeatAt + 1 >= arguments.Count || !int.TryParse(arguments[repeatAt + 1], System.Globalization.CultureInfo.InvariantCulture, out repeat) || repeat < 1)
            {
                await errors.WriteLineAsync("usage: " + Usage).ConfigureAwait(false);
                return 2;
            }

            arguments = [.. arguments.Take(repeatAt), .. arguments.Skip(repeatAt + 2)];
        }

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
            for (int run = 0; run < repeat; run++)
            {
                MeasurementOutcome outcome = await measurement.RunAsync(new MeasurementContext(profile, variant, credentials, transport, testFile), deadline.Token).ConfigureAwait(false);
                await WriteAsync(measurement, outcome, output).ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            credentials.Delete();
            testFile?.Delete();
        }
    }

    private static async Task WriteAsync(IMeasurement measurement, MeasurementOutcome outcome, TextWriter output)
    {
        for (int i = 0; i < outcome.Values.Length; i++)
        {
            await output.WriteLineAsync($"{measurement.Metrics[i].Name}: {CompareReport.Format(outcome.Values[i])} {measurement.Metrics[i].Unit}").ConfigureAwait(false);
        }

        if (outcome.Cost is { } cost)
        {
            await output.WriteLineAsync($"cost per {measurement.Operation}: {CompareReport.CostCell(cost)}").ConfigureAwait(false);
        }
    }
}
