using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Compare;

/// <summary>Every repetition's values and costs, by metric (or measurement) and variant.</summary>
internal sealed class CompareResults
{
    private readonly Dictionary<(string Metric, string Variant), List<double>> _values = [];
    private readonly Dictionary<(string Measurement, string Variant), List<ProcessCost>> _costs = [];

    /// <summary>Records one repetition of <paramref name="measurement"/> for <paramref name="variant"/>.</summary>
    public void Add(IMeasurement measurement, VariantSetup variant, MeasurementOutcome outcome)
    {
        if (outcome.Values.Length != measurement.Metrics.Count)
        {
            throw new InvalidDataException($"{measurement.Name} gave {outcome.Values.Length} values for {measurement.Metrics.Count} metrics.");
        }

        for (int i = 0; i < outcome.Values.Length; i++)
        {
            ListFor(_values, (measurement.Metrics[i].Name, variant.Name)).Add(outcome.Values[i]);
        }

        if (outcome.Cost is { } cost)
        {
            ListFor(_costs, (measurement.Name, variant.Name)).Add(cost);
        }
    }

    /// <summary>The median and range of a metric for a variant.</summary>
    public Spread Of(Metric metric, VariantSetup variant) => Statistics.Of(_values[(metric.Name, variant.Name)]);

    /// <summary>The median of each cost of a measurement for a variant, or null if it counts none.</summary>
    public ProcessCost? CostOf(IMeasurement measurement, VariantSetup variant) =>
        _costs.TryGetValue((measurement.Name, variant.Name), out List<ProcessCost>? costs)
            ? new ProcessCost(
                Statistics.Median([.. costs.Select(c => c.CpuMicroseconds)]),
                Statistics.Median([.. costs.Select(c => c.AllocatedBytes)]),
                Statistics.Median([.. costs.Select(c => c.WorkItems)]),
                Statistics.Median([.. costs.Select(c => c.ContextSwitches)]))
            : null;

    private static List<T> ListFor<TKey, T>(Dictionary<TKey, List<T>> lists, TKey key)
        where TKey : notnull
    {
        if (!lists.TryGetValue(key, out List<T>? list))
        {
            lists[key] = list = [];
        }

        return list;
    }
}
