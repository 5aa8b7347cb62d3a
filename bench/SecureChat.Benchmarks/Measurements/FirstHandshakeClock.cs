// The clock of first-handshake (issue 18, issue 19): the first handshake of two fresh app processes, which
// is what a user starting User1 and User2 meets. User1 is started and its listening line awaited; then
// User2 is started in scripted mode with one line on its standard input. Both log at information level
// on stderr, and the parent stamps each line as it arrives:
//   handshake  User2's "Connecting to" line → User2's "Session established" line: the TCP connect and the
//              whole handshake, with every handshake method of both processes run for the first time
//              (JIT tier 0, OSR, ReadyToRun code or NativeAOT code, whatever the build gives);
//   responder  User1's "Connection from" line → User1's "Session established" line;
//   delivered  User2's Process.Start → the line arriving on User1's stdout: User2's start, the
//              handshake and the first record, what the person at User1 waits for.
// Each stamp also reads its process's CPU time (user + system, all threads, /proc, clock ticks of 10 ms),
// so the handshake's CPU is User2's between its two lines plus User1's between its two: on a loaded,
// shared machine the figure to compare between builds. Both processes are killed afterwards. Lines reach
// the parent through the console logger's queue and a pipe, so each stamp is late by a little; the two
// ends of an interval are late alike.
using System.Diagnostics;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>One first handshake: milliseconds of each interval (see the file's header).</summary>
/// <param name="HandshakeMilliseconds">User2: connecting → session established.</param>
/// <param name="ResponderMilliseconds">User1: connection accepted → session established.</param>
/// <param name="DeliveredMilliseconds">User2's start → its first line shown by User1.</param>
/// <param name="HandshakeCpuMilliseconds">CPU time both processes spent in their handshake intervals.</param>
internal readonly record struct FirstHandshakeTime(double HandshakeMilliseconds, double ResponderMilliseconds, double DeliveredMilliseconds, double HandshakeCpuMilliseconds);

/// <summary>Times the first handshake between a fresh User1 and a fresh User2.</summary>
internal static class FirstHandshakeClock
{
    private const string ConnectingLine = "Connecting to ";
    private const string AcceptedLine = "Connection from ";
    private const string EstablishedLine = "Session established with ";

    /// <summary>The line User2 sends; User1 prints it on stdout when it arrives.</summary>
    public const string Probe = "first-handshake-probe";

    /// <summary>
    /// One first handshake between <paramref name="user1"/> and <paramref name="user2"/> (programs and their
    /// leading arguments), each with its own home; both trust a new peer (accept-new), so the first call
    /// also makes the keys and the known peers, and later calls find them.
    /// </summary>
    /// <exception cref="InvalidDataException">A program closed its output before the line awaited.</exception>
    /// <exception cref="TimeoutException">A line did not come within <paramref name="timeout"/>.</exception>
    public static async Task<FirstHandshakeTime> TimeAsync(
        IReadOnlyList<string> user1, IReadOnlyList<string> user2, string home1, string home2, TimeSpan timeout)
    {
        string port = StartupClock.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] common = ["--port", port, "--script", "--trust", "accept-new", "--verbosity", "information", "--wait", "60"];
        var clock = Stopwatch.StartNew();
        var listening = new LineStamp(StartupClock.ListeningLine, clock);
        var accepted = new LineStamp(AcceptedLine, clock);
        var established1 = new LineStamp(EstablishedLine, clock);
        var shown = new LineStamp(Probe, clock);
        var connecting = new LineStamp(ConnectingLine, clock);
        var established2 = new LineStamp(EstablishedLine, clock);

        using Process listener = Start(user1, [.. common, "--home", home1, "--once"], [listening, accepted, established1], [shown]);
        Process? connector = null;
        try
        {
            await listening.Arrival.WaitAsync(timeout).ConfigureAwait(false);
            double started = clock.Elapsed.TotalMilliseconds;
            connector = Start(user2, [.. common, "--home", home2], [connecting, established2], []);
            await connector.StandardInput.WriteLineAsync(Probe).ConfigureAwait(false);
            connector.StandardInput.Close();
            double delivered = (await shown.Arrival.WaitAsync(timeout).ConfigureAwait(false)).Wall - started;
            (double handshake, double cpu2) = await BetweenAsync(connecting, established2, timeout).ConfigureAwait(false);
            (double responder, double cpu1) = await BetweenAsync(accepted, established1, timeout).ConfigureAwait(false);
            return new FirstHandshakeTime(handshake, responder, delivered, cpu1 + cpu2);
        }
        finally
        {
            await StopAsync(listener).ConfigureAwait(false);
            if (connector is not null)
            {
                await StopAsync(connector).ConfigureAwait(false);
                connector.Dispose();
            }
        }
    }

    private static async Task<(double Wall, double Cpu)> BetweenAsync(LineStamp from, LineStamp to, TimeSpan timeout)
    {
        (double wall0, double cpu0) = await from.Arrival.WaitAsync(timeout).ConfigureAwait(false);
        (double wall1, double cpu1) = await to.Arrival.WaitAsync(timeout).ConfigureAwait(false);
        return (wall1 - wall0, cpu1 - cpu0);
    }

    private static Process Start(IReadOnlyList<string> command, string[] arguments, LineStamp[] onStderr, LineStamp[] onStdout)
    {
        var child = new Process { StartInfo = StartupClock.StartInfo(command[0], [.. command.Skip(1), .. arguments]) };
        foreach (LineStamp stamp in onStderr.Concat(onStdout))
        {
            stamp.Process = child;
        }

        child.ErrorDataReceived += (_, e) => Stamp(e.Data, onStderr, command[0]);
        child.OutputDataReceived += (_, e) => Stamp(e.Data, onStdout, command[0]);
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    private static void Stamp(string? line, LineStamp[] stamps, string program)
    {
        foreach (LineStamp stamp in stamps)
        {
            stamp.See(line, program);
        }
    }

    private static async Task StopAsync(Process child)
    {
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The time the first line containing a text arrived, and its process's CPU time then.</summary>
    private sealed class LineStamp(string text, Stopwatch clock)
    {
        private readonly TaskCompletionSource<(double Wall, double Cpu)> arrival = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<(double Wall, double Cpu)> Arrival => arrival.Task;

        public Process? Process { get; set; }

        public void See(string? line, string program)
        {
            if (line is null)
            {
                arrival.TrySetException(new InvalidDataException($"{program} closed its output before a line with \"{text}\"."));
            }
            else if (line.Contains(text, StringComparison.Ordinal))
            {
                double wall = clock.Elapsed.TotalMilliseconds;
                arrival.TrySetResult((wall, Process!.TotalProcessorTime.TotalMilliseconds));
            }
        }
    }
}
