using BenchmarkDotNet.Running;

namespace SecureChat.Benchmarks.Micro;

/// <summary>Runs the BenchmarkDotNet micro-benchmarks of this assembly.</summary>
internal static class MicroBenchmarks
{
    /// <summary>Hands the arguments to BenchmarkDotNet's switcher (for example --filter '*').</summary>
    public static int Run(string[] arguments)
    {
        BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(arguments);
        return 0;
    }
}
