using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace SecureChat.Benchmarks.Micro;

/// <summary>Runs the BenchmarkDotNet micro-benchmarks of this assembly.</summary>
internal static class MicroBenchmarks
{
    /// <summary>
    /// Hands the arguments to BenchmarkDotNet's switcher (for example --filter '*'). Medians and P95 are
    /// added to the default columns: the two cores are shared, and a median shrugs off a neighbour's build.
    /// </summary>
    public static int Run(string[] arguments)
    {
        IConfig config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(arguments, config);
        return 0;
    }
}
