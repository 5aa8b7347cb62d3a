// The report: a table of medians with their min–max range over the repetitions, then one line per
// metric in the form the issue fixes (CI checks that every one is printed):
//   compare <metric>: securechat=<value> <unit>, sslstream=<value> <unit>, plain=<value> <unit>, ratio=<securechat/sslstream>
using System.Globalization;
using SecureChat.Benchmarks.Measurements;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Compare;

/// <summary>Writes the comparison's table and compare lines.</summary>
internal static class CompareReport
{
    private const int MetricWidth = 19;
    private const int CellWidth = 30;

    // A file's cost per MiB runs to eight digits of bytes: 38 keeps a space between the columns.
    private const int CostWidth = 38;

    /// <summary>Writes the table and the compare lines for every metric of <paramref name="measurements"/>.</summary>
    public static void Write(TextWriter output, CompareResults results, IReadOnlyList<IMeasurement> measurements)
    {
        Metric[] metrics = [.. measurements.SelectMany(m => m.Metrics)];
        output.WriteLine();
        output.WriteLine("metric".PadRight(MetricWidth) + string.Concat(VariantSetup.All.Select(v => v.Name.PadRight(CellWidth))) + "ratio");
        foreach (Metric metric in metrics)
        {
            output.WriteLine(metric.Name.PadRight(MetricWidth)
                + string.Concat(VariantSetup.All.Select(v => Cell(results.Of(metric, v), metric.Unit).PadRight(CellWidth)))
                + FormatRatio(Ratio(results, metric)));
        }

        WriteCosts(output, results, measurements);
        output.WriteLine();
        foreach (Metric metric in metrics)
        {
            output.WriteLine(CompareLine(results, metric));
        }
    }

    /// <summary>What one operation costs each variant's worker process (both ends), medians over repetitions.</summary>
    private static void WriteCosts(TextWriter output, CompareResults results, IReadOnlyList<IMeasurement> measurements)
    {
        output.WriteLine();
        output.WriteLine("cost per operation in the worker (both ends): CPU µs, bytes allocated, thread-pool work items, context switches; medians");
        output.WriteLine("operation".PadRight(MetricWidth) + string.Concat(VariantSetup.All.Select(v => v.Name.PadRight(CostWidth))));
        foreach (IMeasurement measurement in measurements)
        {
            if (results.CostOf(measurement, VariantSetup.SecureChat) is null)
            {
                continue;
            }

            output.WriteLine(measurement.Operation.PadRight(MetricWidth) + string.Concat(VariantSetup.All.Select(v => CostCell(results.CostOf(measurement, v)).PadRight(CostWidth))));
        }
    }

    /// <summary>One cost in a table cell: CPU µs, bytes, work items, context switches.</summary>
    public static string CostCell(ProcessCost? cost) => cost is null
        ? "-"
        : $"{Format(cost.CpuMicroseconds)} us {Format(cost.AllocatedBytes)} B {Format(cost.WorkItems)} wi {Format(cost.ContextSwitches)} cs";

    /// <summary>The line for one metric, medians only.</summary>
    public static string CompareLine(CompareResults results, Metric metric) =>
        $"compare {metric.Name}: "
        + string.Join(", ", VariantSetup.All.Select(v => $"{v.Name}={Format(results.Of(metric, v).Median)} {metric.Unit}"))
        + $", ratio={FormatRatio(Ratio(results, metric))}";

    /// <summary>A value with precision that suits its size: 3 to 4 significant digits, no exponent.</summary>
    public static string Format(double value) => value.ToString(
        Math.Abs(value) switch
        {
            >= 1000 => "0",
            >= 100 => "0.0",
            >= 10 => "0.00",
            _ => "0.000",
        },
        CultureInfo.InvariantCulture);

    /// <summary>
    /// Two decimals; n/a when SslStream's median is 0, which a memory growth can be (VmRSS may not move
    /// by a single page while SslStream moves a file through reused buffers).
    /// </summary>
    private static string FormatRatio(double ratio) => double.IsFinite(ratio) ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static double Ratio(CompareResults results, Metric metric) =>
        results.Of(metric, VariantSetup.SecureChat).Median / results.Of(metric, VariantSetup.SslStream).Median;

    private static string Cell(Spread spread, string unit) =>
        $"{Format(spread.Median)} {unit} ({Format(spread.Min)}–{Format(spread.Max)})";
}
