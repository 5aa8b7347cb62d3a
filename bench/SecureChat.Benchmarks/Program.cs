// SecureChat.Benchmarks (issue #5; docs/benchmarks.md):
//   micro [BenchmarkDotNet arguments]   the micro-benchmarks (crypto, record layer, ratchet, handshake)
//   compare [measurement…] [--quick | --smoke]   SecureChat against SslStream and plain TCP over loopback
//   measure <variant> <measurement>     one measurement in this process, for a profiler
//   startup [--starts N] <program> [argument…]   process start to listening line of any build
//   first-handshake [--starts N] <User1> <User2>   the first handshake of fresh app processes
// and two hidden commands for the child processes the comparison starts.
using SecureChat.Benchmarks.Compare;
using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Micro;
using SecureChat.Benchmarks.Variants;
using SecureChat.Benchmarks.Workers;

namespace SecureChat.Benchmarks;

/// <summary>The entry point: parses the command and runs it.</summary>
internal static class Program
{
    private const string Usage = "usage: SecureChat.Benchmarks micro [BenchmarkDotNet arguments] | " + CompareCommand.Usage + " | " + MeasureCommand.Usage + " | " + StartupCommand.Usage + " | " + FirstHandshakeCommand.Usage;

    private static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["micro", .. var rest]:
                return MicroBenchmarks.Run(rest);
            case ["measure", .. var rest]:
                return await MeasureCommand.RunAsync(rest, Console.Out, Console.Error).ConfigureAwait(false);
            case ["startup", .. var rest]:
                return await StartupCommand.RunAsync(rest, Console.Out, Console.Error).ConfigureAwait(false);
            case ["first-handshake", .. var rest]:
                return await FirstHandshakeCommand.RunAsync(rest, Console.Out, Console.Error).ConfigureAwait(false);
            case ["compare", .. var rest]:
                return await CompareCommand.RunAsync(rest, Console.Out, Console.Error).ConfigureAwait(false);
            case [WorkerHost.Command, var variant, var credentials, .. var testFile] when testFile.Length <= 1:
                return await WorkerHost.RunAsync(
                    VariantSetup.Named(variant), BenchCredentials.Open(credentials), testFile is [var path] ? TestFile.Open(path) : null).ConfigureAwait(false);
            case [IdleHolder.Command, var variant, var credentials, var profile]:
                return await IdleHolder.RunAsync(VariantSetup.Named(variant), BenchCredentials.Open(credentials), CompareProfile.Named(profile)).ConfigureAwait(false);
            default:
                await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }
}
