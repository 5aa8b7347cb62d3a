using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Compare;

/// <summary>Every repetition's value of every metric for every variant.</summary>
internal sealed class CompareResults
{
    private readonly Dictionary<(string Metric, string Variant), List<double>> _values = [];

    /// <summary>Records one repetition's value.</summary>
    public void Add(Metric metric, VariantSetup variant, double value)
    {
        if (!_values.TryGetValue((metric.Name, variant.Name), out List<double>? values))
        {
            _values[(metric.Name, variant.Name)] = values = [];
        }

        values.Add(value);
    }

    /// <summary>The median and range of a metric for a variant.</summary>
    public Spread Of(Metric metric, VariantSetup variant) => Statistics.Of(_values[(metric.Name, variant.Name)]);
}
