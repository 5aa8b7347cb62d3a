using SecureChat.Benchmarks.Compare;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>A figure in the report: its name in the compare line and its unit.</summary>
/// <param name="Name">For example rtt-p50-us.</param>
/// <param name="Unit">For example us.</param>
internal sealed record Metric(string Name, string Unit);

/// <summary>What a measurement runs with inside a worker process.</summary>
/// <param name="Profile">The sizes of this run.</param>
/// <param name="Variant">The variant the worker measures.</param>
/// <param name="Credentials">The run's keys and certificates.</param>
/// <param name="Transport">The variant's transport.</param>
/// <param name="TestFile">The run's test file, when it runs the file measurement.</param>
internal sealed record MeasurementContext(CompareProfile Profile, VariantSetup Variant, BenchCredentials Credentials, IChatTransport Transport, TestFile? TestFile);

/// <summary>What one run of a measurement gives.</summary>
/// <param name="Values">One value per metric, in the measurement's order.</param>
/// <param name="Cost">What one operation cost the worker process, where that is meaningful.</param>
internal sealed record MeasurementOutcome(double[] Values, ProcessCost? Cost);

/// <summary>One family of figures: run once per repetition and variant, in a worker process.</summary>
internal interface IMeasurement
{
    /// <summary>The name the parent sends to the worker.</summary>
    string Name { get; }

    /// <summary>What one operation is, for the cost table (a round trip, a message…).</summary>
    string Operation { get; }

    /// <summary>The figures one run gives, in the order <see cref="RunAsync"/> returns them.</summary>
    IReadOnlyList<Metric> Metrics { get; }

    /// <summary>Measures once.</summary>
    Task<MeasurementOutcome> RunAsync(MeasurementContext context, CancellationToken cancellationToken);
}
