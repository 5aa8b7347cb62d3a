// Shared by the test projects that run property-based tests (linked into each, not a project of its own).
// Each property has a default iteration count that keeps `dotnet test` fast; a long run scales them all.
using System.Globalization;

namespace SecureChat.Tests.Shared;

/// <summary>How many cases a property runs: its default, times <c>SECURECHAT_PROPERTY_SCALE</c>.</summary>
internal static class PropertyRuns
{
    /// <summary>The environment variable that multiplies every property's default count (for long runs).</summary>
    public const string ScaleVariable = "SECURECHAT_PROPERTY_SCALE";

    /// <summary>The multiplier: 1 unless the variable holds a positive integer.</summary>
    public static int Scale =>
        int.TryParse(Environment.GetEnvironmentVariable(ScaleVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int scale) && scale > 0
            ? scale
            : 1;

    /// <summary><paramref name="defaultIterations"/> scaled for this run.</summary>
    public static int Iterations(int defaultIterations) => checked(defaultIterations * Scale);
}
