// Where a figure's time goes, counted in the worker around the measured phase (both ends of the
// conversation live there): CPU time, managed allocation, thread-pool work items (each one a hop from
// the thread that made it to a pool thread) and context switches summed over all threads (a thread
// that blocks or is woken). Divided by the operations measured: a round trip, a message, a handshake.
using System.Diagnostics;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Costs per operation, for the report's second table.</summary>
/// <param name="CpuMicroseconds">CPU time of the whole process (user and system), µs.</param>
/// <param name="AllocatedBytes">Managed bytes allocated on all threads.</param>
/// <param name="WorkItems">Thread-pool work items completed.</param>
/// <param name="ContextSwitches">Voluntary and involuntary context switches of all threads.</param>
internal sealed record ProcessCost(double CpuMicroseconds, double AllocatedBytes, double WorkItems, double ContextSwitches)
{
    /// <summary>The counters as they are now.</summary>
    public static ProcessCost Now()
    {
        using Process self = Process.GetCurrentProcess();
        return new ProcessCost(
            self.TotalProcessorTime.TotalMicroseconds,
            GC.GetTotalAllocatedBytes(precise: false),
            ThreadPool.CompletedWorkItemCount,
            ContextSwitchesOfAllThreads());
    }

    /// <summary>What was spent since <paramref name="start"/>, per one of <paramref name="operations"/>.</summary>
    public ProcessCost PerOperationSince(ProcessCost start, int operations) => new(
        (CpuMicroseconds - start.CpuMicroseconds) / operations,
        (AllocatedBytes - start.AllocatedBytes) / operations,
        (WorkItems - start.WorkItems) / operations,
        (ContextSwitches - start.ContextSwitches) / operations);

    /// <summary>Sums the switch counts in /proc/self/task/*/status (the process's own status has only the main thread's).</summary>
    private static double ContextSwitchesOfAllThreads()
    {
        long total = 0;
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread ended while we read.
            }
        }

        return total;
    }
}
