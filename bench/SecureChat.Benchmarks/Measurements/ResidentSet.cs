// The resident set of a process as the kernel counts it: VmRSS in /proc/<pid>/status (KiB). It holds
// the managed heap the GC has committed and touched, native allocations (OpenSSL's buffers), mapped code
// and thread stacks; file data read with read(2) stays in the page cache and is not counted.
using System.Globalization;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Reads VmRSS.</summary>
internal static class ResidentSet
{
    /// <summary>VmRSS of process <paramref name="pid"/>, in MiB.</summary>
    public static double MebibytesOf(int pid) => KibibytesOf($"/proc/{pid}/status") / 1024.0;

    /// <summary>VmRSS of this process, in KiB.</summary>
    public static long OwnKibibytes() => KibibytesOf("/proc/self/status");

    private static long KibibytesOf(string status)
    {
        foreach (string line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidDataException($"{status} has no VmRSS line.");
    }
}
