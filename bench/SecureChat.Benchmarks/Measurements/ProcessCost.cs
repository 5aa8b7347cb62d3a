// Where a figure's time goes, counted in the worker around the measured phase (both ends of the
// conversation live there): CPU time, managed allocation, thread-pool work items (each one a hop from
// the thread that made it to a pool thread) and context switches summed over all threads (a thread
// that blocks or is woken, from getrusage). Divided by the operations measured: a round trip, a message, a handshake.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Costs per operation, for the report's second table.</summary>
/// <param name="CpuMicroseconds">CPU time of the whole process (user and system), µs.</param>
/// <param name="AllocatedBytes">Managed bytes allocated on all threads.</param>
/// <param name="WorkItems">Thread-pool work items completed.</param>
/// <param name="ContextSwitches">Voluntary and involuntary context switches of all threads, ended ones included.</param>
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

    /// <summary>
    /// The process's voluntary and involuntary context switches from getrusage(RUSAGE_SELF), which, unlike
    /// /proc/self/task/*/status, still counts threads that have ended (the thread pool retires idle ones).
    /// </summary>
    private static double ContextSwitchesOfAllThreads() =>
        ResourceUsage.GetRUsage(ResourceUsage.Self, out ResourceUsage.RUsage usage) == 0
            ? usage.VoluntaryContextSwitches + usage.InvoluntaryContextSwitches
            : throw new IOException($"getrusage failed (errno {Marshal.GetLastPInvokeError()}).");
}

/// <summary>getrusage(2) of Linux x86-64 and arm64.</summary>
internal static partial class ResourceUsage
{
    /// <summary>RUSAGE_SELF: every thread of the process, ended ones included.</summary>
    public const int Self = 0;

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    internal static partial int GetRUsage(int who, out RUsage usage);

    /// <summary>struct rusage: two timevals, then fourteen longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentKilobytes;
        public long SharedMemory;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntaryContextSwitches;
        public long InvoluntaryContextSwitches;
    }
}
