// Issue 19: how long a user waits from starting User1 to its listening line, against the smallest
// honest TLS listener (SecureChat.StartupListener ssl: load a PKCS#12 certificate, prepare SslStream's
// server options, listen, say so) and the same program without TLS (plain). All three are started the
// same way (their apphost, or "dotnet <dll>" where there is none), from the build of the same
// configuration as this program, with the worker's environment; the clock runs from just before
// Process.Start to the moment the listening line is read (User1 writes it to stderr, the listener to
// stdout; both are watched alike). One untimed start first (it makes User1's identity key, which a real
// user also has from the first run on, and warms the page cache for every variant alike); the
// repetition's figure is the median of the profile's starts.
using System.Diagnostics;
using System.Reflection;
using SecureChat.Benchmarks.Variants;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>startup-ms: process start to listening line, median over a repetition's starts.</summary>
internal sealed class StartupMeasurement : IMeasurement
{
    private const string ListeningLine = "Listening on ";

    /// <inheritdoc />
    public string Name => "startup";

    /// <inheritdoc />
    public string Operation => "process start";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } = [new("startup-ms", "ms")];

    /// <inheritdoc />
    public async Task<MeasurementOutcome> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        var millis = new List<double>(context.Profile.Starts);
        for (int i = -1; i < context.Profile.Starts; i++)
        {
            double took = await TimeOneStartAsync(context, cancellationToken).ConfigureAwait(false);
            if (i >= 0)
            {
                millis.Add(took);
            }
        }

        return new MeasurementOutcome([Compare.Statistics.Median([.. millis])], Cost: null);
    }

    private static async Task<double> TimeOneStartAsync(MeasurementContext context, CancellationToken cancellationToken) =>
        (await StartupClock.TimeAsync(StartInfo(context.Variant, context.Credentials, StartupClock.FreeLoopbackPort()), context.Profile.MeasurementTimeout, cancellationToken).ConfigureAwait(false))
        .WallMilliseconds;

    private static ProcessStartInfo StartInfo(VariantSetup variant, BenchCredentials credentials, int port)
    {
        string portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (string assembly, string[] arguments) = variant.Name switch
        {
            "securechat" => (Built("src/User1", "User1"), new[] { "--home", credentials.User1Home, "--name", "StartupBench", "--port", portText }),
            "sslstream" => (Built("bench/SecureChat.StartupListener", "SecureChat.StartupListener"), new[] { "ssl", credentials.CertificateFile(Side.Server), portText }),
            "plain" => (Built("bench/SecureChat.StartupListener", "SecureChat.StartupListener"), new[] { "plain", portText }),
            _ => throw new ArgumentException($"No startup program for variant {variant.Name}.", nameof(variant)),
        };

        string apphost = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        return File.Exists(apphost)
            ? StartupClock.StartInfo(apphost, arguments)
            : StartupClock.StartInfo("dotnet", [assembly, .. arguments]);
    }

    /// <summary>
    /// A program's assembly in the build of this program's configuration (Debug or Release); building the
    /// benchmark project builds both programs (its csproj references them without using them).
    /// </summary>
    private static string Built(string projectFolder, string name)
    {
        string configuration = typeof(StartupMeasurement).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecureChat.sln")))
            {
                string path = Path.Combine(dir.FullName, projectFolder, "bin", configuration, "net10.0", name + ".dll");
                return File.Exists(path)
                    ? path
                    : throw new InvalidOperationException($"{path} is missing: build it with dotnet build {projectFolder} -c {configuration}.");
            }
        }

        throw new InvalidOperationException("The repository (SecureChat.sln) is not above this program: startup-ms needs the built apps.");
    }
}
