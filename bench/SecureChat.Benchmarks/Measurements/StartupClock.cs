// The clock of startup-ms (issue 19): from just before Process.Start to the moment the program's
// listening line arrives on its stdout or stderr (User1 writes status lines to stderr, the conversation
// to stdout; SecureChat.StartupListener writes to stdout). The program is then killed: neither ends on
// its own, and how it ends is not what a user waits for.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>One start: wall-clock and CPU milliseconds (user + system, all threads) up to the listening line.</summary>
/// <param name="WallMilliseconds">What the user waits.</param>
/// <param name="CpuMilliseconds">What the start costs the machine; on a loaded machine the steadier figure (clock ticks of 10 ms).</param>
/// <param name="IdleRssMebibytes">VmRSS after the listening line and a rest, when asked for; otherwise NaN.</param>
internal readonly record struct StartupTime(double WallMilliseconds, double CpuMilliseconds, double IdleRssMebibytes = double.NaN);

/// <summary>Times one start of a listening program.</summary>
internal static class StartupClock
{
    /// <summary>What both User1 and the startup listener print once they accept connections.</summary>
    public const string ListeningLine = "Listening on ";

    /// <summary>A start of <paramref name="program"/> with its output watched and its input held open.</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>
    /// The time from starting the program to its listening line; with a <paramref name="idleRest"/> above
    /// zero, also its resident set after that much rest past the line (a listener nobody called).
    /// </summary>
    /// <exception cref="InvalidDataException">The program closed its output before the line.</exception>
    /// <exception cref="TimeoutException">No line within <paramref name="timeout"/>.</exception>
    public static async Task<StartupTime> TimeAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken, TimeSpan idleRest = default)
    {
        var listening = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();

        void Watch(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidDataException($"{start.FileName} closed its output before it printed its listening line."));
            }
            else if (e.Data.Contains(ListeningLine, StringComparison.Ordinal))
            {
                listening.TrySetResult(clock.Elapsed.TotalMilliseconds);
            }
        }

        using var child = new Process { StartInfo = start };
        child.OutputDataReceived += Watch;
        child.ErrorDataReceived += Watch;
        clock.Start();
        child.Start();
        try
        {
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            double wall = await listening.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            double cpu = child.TotalProcessorTime.TotalMilliseconds;
            if (idleRest <= TimeSpan.Zero)
            {
                return new StartupTime(wall, cpu);
            }

            await Task.Delay(idleRest, cancellationToken).ConfigureAwait(false);
            return new StartupTime(wall, cpu, ResidentSet.MebibytesOf(child.Id));
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A loopback port that was free when asked. Another process could take it before the child binds;
    /// that start then fails loudly, it is never timed wrong. The apps refuse port 0, so the child cannot
    /// pick its own.
    /// </summary>
    public static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
