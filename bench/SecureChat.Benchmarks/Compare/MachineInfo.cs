using System.Runtime;
using System.Runtime.InteropServices;

namespace SecureChat.Benchmarks.Compare;

/// <summary>What the figures were measured on, for the top of the report.</summary>
internal static class MachineInfo
{
    /// <summary>One line: cores, processor, OS, kernel, .NET, GC and build.</summary>
    public static string Describe() =>
        $"machine: {Environment.ProcessorCount} cores ({Processor()}), {OperatingSystem()} (Linux {Kernel()}), "
        + $"{RuntimeInformation.FrameworkDescription} {RuntimeInformation.ProcessArchitecture}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {Build} build";

    /// <summary>
    /// The 1, 5 and 15 minute load averages: the cores are shared, and a load far above the two this run
    /// makes means someone else was busy, so the figures may be disturbed.
    /// </summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Build =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string Processor() =>
        FirstValue("/proc/cpuinfo", "model name", ':') ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static string OperatingSystem() =>
        FirstValue("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription;

    private static string Kernel() =>
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.VersionString;

    private static string? FirstValue(string path, string key, char separator)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return File.ReadLines(path)
            .Select(line => line.Split(separator, 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();
    }
}
