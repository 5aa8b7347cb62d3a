namespace SecureChat.Benchmarks.Measurements;

/// <summary>Every measurement, in the order a repetition runs them.</summary>
internal static class MeasurementCatalog
{
    /// <summary>The measurements.</summary>
    public static IReadOnlyList<IMeasurement> All { get; } =
        [new RoundTripMeasurement(), new OneWayMeasurement(), new HandshakeMeasurement(), new BulkMeasurement(), new FileMeasurement(), new IdleRssMeasurement(), new StartupMeasurement()];

    /// <summary>The measurement called <paramref name="name"/>.</summary>
    public static IMeasurement Named(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new ArgumentException($"No measurement is called \"{name}\".", nameof(name));
}
