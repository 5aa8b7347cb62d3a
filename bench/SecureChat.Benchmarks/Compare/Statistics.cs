// The one place where samples become figures: medians with their range across repetitions, and
// nearest-rank percentiles within one repetition's samples.
namespace SecureChat.Benchmarks.Compare;

/// <summary>A median and the range it came from.</summary>
/// <param name="Median">The median.</param>
/// <param name="Min">The smallest sample.</param>
/// <param name="Max">The largest sample.</param>
internal readonly record struct Spread(double Median, double Min, double Max);

/// <summary>Medians, ranges and percentiles of samples.</summary>
internal static class Statistics
{
    /// <summary>The median of <paramref name="samples"/> with its minimum and maximum.</summary>
    public static Spread Of(IReadOnlyCollection<double> samples)
    {
        double[] sorted = Sorted(samples);
        return new Spread(Percentile(sorted, 50), sorted[0], sorted[^1]);
    }

    /// <summary>The median of <paramref name="samples"/>.</summary>
    public static double Median(IReadOnlyCollection<double> samples) => Percentile(Sorted(samples), 50);

    /// <summary>
    /// The <paramref name="percent"/>th percentile of <paramref name="sorted"/> (ascending), interpolated
    /// between the two nearest ranks so that the median of an even count is the mean of the middle two.
    /// </summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No samples.", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        double rank = percent / 100 * (sorted.Length - 1);
        int below = (int)Math.Floor(rank);
        int above = (int)Math.Ceiling(rank);
        return sorted[below] + ((sorted[above] - sorted[below]) * (rank - below));
    }

    private static double[] Sorted(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        double[] sorted = [.. samples];
        Array.Sort(sorted);
        return sorted;
    }
}
