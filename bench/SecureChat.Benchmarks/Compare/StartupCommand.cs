// startup [--starts N] [--idle-rss] <program> [argument…]: startup-ms for any build of a listening program, so that
// framework-dependent, ReadyToRun, trimmed and NativeAOT publishes of User1 can be timed exactly as
// compare times the build (docs/benchmarks.md, "Startup"). "{port}" in an argument becomes a free
// loopback port at every start. One untimed start first, then N timed ones (default 7); it prints each,
// the medians with their range of wall-clock and of CPU time (the child's user + system time when its
// line arrived: on a shared, loaded machine the steadier of the two), and the load before and after.
// With --idle-rss each timed start also rests 3 s after its line and reads the program's VmRSS: the idle
// memory of a listener nobody called.
using System.Globalization;
using SecureChat.Benchmarks.Measurements;

namespace SecureChat.Benchmarks.Compare;

/// <summary>Times the starts of one program.</summary>
internal static class StartupCommand
{
    /// <summary>Usage of this command.</summary>
    public const string Usage = "startup [--starts N] [--idle-rss] <program> [argument…]";

    private const string PortPlaceholder = "{port}";

    private static readonly TimeSpan IdleRest = TimeSpan.FromSeconds(3);

    /// <summary>Runs the starts; 0 when all were timed, 1 when one failed, 2 for bad arguments.</summary>
    public static async Task<int> RunAsync(string[] arguments, TextWriter output, TextWriter progress)
    {
        bool idleRss = arguments.Contains("--idle-rss", StringComparer.Ordinal);
        arguments = [.. arguments.TakeWhile(a => a != "--idle-rss"), .. arguments.SkipWhile(a => a != "--idle-rss").Skip(1)];
        (int starts, string[] command) = arguments switch
        {
            ["--starts", var n, var program, .. var rest] when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0 =>
                (count, [program, .. rest]),
            [var program, .. var rest] when !program.StartsWith("--", StringComparison.Ordinal) => (7, [program, .. rest]),
            _ => (0, Array.Empty<string>()),
        };
        if (starts == 0)
        {
            await progress.WriteLineAsync("usage: " + Usage).ConfigureAwait(false);
            return 2;
        }

        output.WriteLine(MachineInfo.Describe());
        output.WriteLine($"program: {string.Join(' ', command)}");
        output.WriteLine($"load average at start: {MachineInfo.LoadAverage()}");
        var millis = new List<double>(starts);
        var cpu = new List<double>(starts);
        var rss = new List<double>(starts);
        try
        {
            for (int i = -1; i < starts; i++)
            {
                string port = StartupClock.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
                StartupTime took = await StartupClock.TimeAsync(
                    StartupClock.StartInfo(command[0], command.Skip(1).Select(a => a.Replace(PortPlaceholder, port, StringComparison.Ordinal))),
                    TimeSpan.FromMinutes(2),
                    CancellationToken.None,
                    idleRss && i >= 0 ? IdleRest : TimeSpan.Zero).ConfigureAwait(false);
                string figures = $"{CompareReport.Format(took.WallMilliseconds)} ms, cpu {CompareReport.Format(took.CpuMilliseconds)} ms"
                    + (double.IsNaN(took.IdleRssMebibytes) ? "" : $", idle rss {CompareReport.Format(took.IdleRssMebibytes)} MiB");
                output.WriteLine(i < 0 ? $"untimed start: {figures}" : $"start {i + 1}: {figures}");
                if (i >= 0)
                {
                    millis.Add(took.WallMilliseconds);
                    cpu.Add(took.CpuMilliseconds);
                    if (!double.IsNaN(took.IdleRssMebibytes))
                    {
                        rss.Add(took.IdleRssMebibytes);
                    }
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            await progress.WriteLineAsync($"startup failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        Spread spread = Statistics.Of(millis);
        Spread cpuSpread = Statistics.Of(cpu);
        output.WriteLine($"load average at end: {MachineInfo.LoadAverage()}");
        output.WriteLine(
            $"startup-ms: {CompareReport.Format(spread.Median)} ms median ({CompareReport.Format(spread.Min)}–{CompareReport.Format(spread.Max)}), "
            + $"cpu {CompareReport.Format(cpuSpread.Median)} ms median ({CompareReport.Format(cpuSpread.Min)}–{CompareReport.Format(cpuSpread.Max)}) over {starts} starts");
        if (rss.Count > 0)
        {
            Spread rssSpread = Statistics.Of(rss);
            output.WriteLine(
                $"idle-rss-mb: {CompareReport.Format(rssSpread.Median)} MiB median ({CompareReport.Format(rssSpread.Min)}–{CompareReport.Format(rssSpread.Max)}), {IdleRest.TotalSeconds:0} s after the listening line");
        }

        return 0;
    }
}
