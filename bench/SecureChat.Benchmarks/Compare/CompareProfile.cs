// How long a comparison runs. The worker processes look the profile up by name, so the parent only
// ever sends "run this measurement in that profile".
namespace SecureChat.Benchmarks.Compare;

/// <summary>The sizes of one comparison run: repetitions, counts per repetition and waits.</summary>
/// <param name="Name">full, quick or smoke.</param>
/// <param name="Repetitions">How many times each variant runs each measurement (alternating).</param>
/// <param name="RoundTripWarmup">Round trips before the measured ones, on the same connection.</param>
/// <param name="RoundTrips">Measured round trips per repetition.</param>
/// <param name="OneWayWarmup">One-way messages before the measured ones.</param>
/// <param name="OneWayMessages">Measured one-way messages per repetition.</param>
/// <param name="HandshakeWarmup">Handshakes before the measured ones.</param>
/// <param name="Handshakes">Measured handshakes per repetition (the repetition's figure is their median).</param>
/// <param name="BulkWarmupBytes">Bulk bytes sent before the measured ones.</param>
/// <param name="BulkBytes">Measured bulk bytes per repetition, in 64 KiB messages.</param>
/// <param name="FileWarmupBytes">How much of the test file moves, untimed, before it moves whole.</param>
/// <param name="FileBytes">The size of the test file the file measurement moves (random bytes, made once per run).</param>
/// <param name="Starts">Timed process starts per repetition for startup-ms (after one untimed start; the repetition's figure is their median).</param>
/// <param name="IdleSettle">How long the idle process sits before its garbage collection and the reading.</param>
/// <param name="MeasurementTimeout">The longest one measurement may take before the worker gives up.</param>
internal sealed record CompareProfile(
    string Name,
    int Repetitions,
    int RoundTripWarmup,
    int RoundTrips,
    int OneWayWarmup,
    int OneWayMessages,
    int HandshakeWarmup,
    int Handshakes,
    long BulkWarmupBytes,
    long BulkBytes,
    long FileWarmupBytes,
    long FileBytes,
    int Starts,
    TimeSpan IdleSettle,
    TimeSpan MeasurementTimeout)
{
    /// <summary>The issues' figures: 1 GiB of bulk per repetition, a 1 GiB file.</summary>
    public static CompareProfile Full { get; } = new(
        "full", Repetitions: 5, RoundTripWarmup: 2_000, RoundTrips: 20_000, OneWayWarmup: 20_000, OneWayMessages: 200_000,
        HandshakeWarmup: 3, Handshakes: 40, BulkWarmupBytes: 64L << 20, BulkBytes: 1L << 30, FileWarmupBytes: 64L << 20, FileBytes: 1L << 30,
        Starts: 7, IdleSettle: TimeSpan.FromSeconds(3), MeasurementTimeout: TimeSpan.FromMinutes(3));

    /// <summary>About two minutes: 256 MiB of bulk, a 256 MiB file, fewer repetitions.</summary>
    public static CompareProfile Quick { get; } = new(
        "quick", Repetitions: 3, RoundTripWarmup: 1_000, RoundTrips: 5_000, OneWayWarmup: 5_000, OneWayMessages: 50_000,
        HandshakeWarmup: 2, Handshakes: 15, BulkWarmupBytes: 16L << 20, BulkBytes: 256L << 20, FileWarmupBytes: 16L << 20, FileBytes: 256L << 20,
        Starts: 5, IdleSettle: TimeSpan.FromSeconds(2), MeasurementTimeout: TimeSpan.FromMinutes(2));

    /// <summary>A few seconds for CI: proves every path runs end to end; its figures mean little.</summary>
    public static CompareProfile Smoke { get; } = new(
        "smoke", Repetitions: 1, RoundTripWarmup: 20, RoundTrips: 200, OneWayWarmup: 100, OneWayMessages: 1_000,
        HandshakeWarmup: 0, Handshakes: 2, BulkWarmupBytes: 0, BulkBytes: 4L << 20, FileWarmupBytes: 0, FileBytes: 8L << 20,
        Starts: 1, IdleSettle: TimeSpan.FromMilliseconds(300), MeasurementTimeout: TimeSpan.FromSeconds(60));

    /// <summary>The profile called <paramref name="name"/>.</summary>
    public static CompareProfile Named(string name) => name switch
    {
        "full" => Full,
        "quick" => Quick,
        "smoke" => Smoke,
        _ => throw new ArgumentException($"No comparison profile is called \"{name}\".", nameof(name)),
    };
}
