// Memory during a transfer: this process's resident set (VmRSS) and managed heap (GC.GetTotalMemory:
// live objects and garbage not yet collected), sampled every 50 ms on a thread of its own (the thread
// pool is busy with the transfer, and a late sample could miss a peak), keeping the highest of each.
// The first sample, taken on Start, is the baseline the peaks are reported against; Settle (a full,
// compacting collection) before it makes that baseline the same for every variant, whatever ran before.
namespace SecureChat.Benchmarks.Measurements;

/// <summary>How far memory rose above the baseline, in MiB.</summary>
/// <param name="ResidentMebibytes">Peak VmRSS minus VmRSS at the start.</param>
/// <param name="HeapMebibytes">Peak managed heap minus the heap at the start.</param>
internal readonly record struct MemoryPeaks(double ResidentMebibytes, double HeapMebibytes);

/// <summary>Samples memory on its own thread until stopped.</summary>
internal sealed class MemorySampler : IDisposable
{
    /// <summary>How often memory is sampled.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly ManualResetEventSlim _stop = new();
    private readonly OwnResidentSetReader _resident = new();
    private readonly Thread _thread;
    private readonly long _residentBefore;
    private readonly long _heapBefore;
    private long _residentPeak;
    private long _heapPeak;

    private MemorySampler()
    {
        _residentBefore = _residentPeak = _resident.Kibibytes();
        _heapBefore = _heapPeak = GC.GetTotalMemory(forceFullCollection: false);
        _thread = new Thread(Run) { IsBackground = true, Name = "memory sampler" };
        _thread.Start();
    }

    /// <summary>Collects all garbage, compacting, so that the baseline holds only what is live.</summary>
    public static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>Takes the baseline and starts sampling.</summary>
    public static MemorySampler Start() => new();

    /// <summary>Stops sampling, takes a last sample, and reports the peaks above the baseline.</summary>
    public MemoryPeaks Stop()
    {
        StopThread();
        Sample();
        return new MemoryPeaks((_residentPeak - _residentBefore) / 1024.0, (_heapPeak - _heapBefore) / (1024.0 * 1024.0));
    }

    /// <summary>Stops sampling if <see cref="Stop"/> was not called.</summary>
    public void Dispose()
    {
        StopThread();
        _stop.Dispose();
        _resident.Dispose();
    }

    private void StopThread()
    {
        _stop.Set();
        _thread.Join();
    }

    private void Run()
    {
        while (!_stop.Wait(Interval))
        {
            Sample();
        }
    }

    private void Sample()
    {
        _residentPeak = Math.Max(_residentPeak, _resident.Kibibytes());
        _heapPeak = Math.Max(_heapPeak, GC.GetTotalMemory(forceFullCollection: false));
    }
}
