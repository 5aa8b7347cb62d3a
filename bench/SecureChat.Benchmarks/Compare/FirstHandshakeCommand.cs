// first-handshake [--starts N] <user1> <user2>: the first handshake of fresh User1 and User2 processes,
// for any build of the apps (docs/benchmarks.md, "The first handshake of a process"). A program given as
// a .dll runs under `dotnet`. One untimed pair first (it makes both identity keys and the known peers in
// a temporary folder), then N timed pairs (default 7); it prints each, the medians with their range, and
// the load before and after. The clock is Measurements/FirstHandshakeClock.cs.
using System.Globalization;
using SecureChat.Benchmarks.Measurements;

namespace SecureChat.Benchmarks.Compare;

/// <summary>Times first handshakes of fresh app processes.</summary>
internal static class FirstHandshakeCommand
{
    /// <summary>Usage of this command.</summary>
    public const string Usage = "first-handshake [--starts N] <User1> <User2>";

    /// <summary>Runs the pairs; 0 when all were timed, 1 when one failed, 2 for bad arguments.</summary>
    public static async Task<int> RunAsync(string[] arguments, TextWriter output, TextWriter progress)
    {
        (int starts, string user1, string user2) = arguments switch
        {
            ["--starts", var n, var one, var two] when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0 =>
                (count, one, two),
            [var one, var two] when !one.StartsWith("--", StringComparison.Ordinal) => (7, one, two),
            _ => (0, "", ""),
        };
        if (starts == 0)
        {
            await progress.WriteLineAsync("usage: " + Usage).ConfigureAwait(false);
            return 2;
        }

        string homes = Directory.CreateTempSubdirectory("securechat-first-handshake-").FullName;
        output.WriteLine(MachineInfo.Describe());
        output.WriteLine($"programs: {user1} {user2}");
        output.WriteLine($"load average at start: {MachineInfo.LoadAverage()}");
        var handshake = new List<double>(starts);
        var responder = new List<double>(starts);
        var delivered = new List<double>(starts);
        var cpu = new List<double>(starts);
        try
        {
            for (int i = -1; i < starts; i++)
            {
                FirstHandshakeTime took = await FirstHandshakeClock.TimeAsync(
                    Command(user1), Command(user2), Path.Combine(homes, "user1"), Path.Combine(homes, "user2"), TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                string figures = $"handshake {CompareReport.Format(took.HandshakeMilliseconds)} ms, cpu {CompareReport.Format(took.HandshakeCpuMilliseconds)} ms, responder {CompareReport.Format(took.ResponderMilliseconds)} ms, "
                    + $"start to delivered {CompareReport.Format(took.DeliveredMilliseconds)} ms";
                output.WriteLine(i < 0 ? $"untimed pair: {figures}" : $"pair {i + 1}: {figures}");
                if (i >= 0)
                {
                    handshake.Add(took.HandshakeMilliseconds);
                    responder.Add(took.ResponderMilliseconds);
                    delivered.Add(took.DeliveredMilliseconds);
                    cpu.Add(took.HandshakeCpuMilliseconds);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            await progress.WriteLineAsync($"first-handshake failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            Directory.Delete(homes, recursive: true);
        }

        output.WriteLine($"load average at end: {MachineInfo.LoadAverage()}");
        output.WriteLine(
            $"first-handshake-ms: {Describe(handshake)}, cpu {Describe(cpu)}, responder {Describe(responder)}, start to delivered {Describe(delivered)} over {starts} pairs");
        return 0;
    }

    private static string[] Command(string program) =>
        program.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", program] : [program];

    private static string Describe(List<double> samples)
    {
        Spread spread = Statistics.Of(samples);
        return $"{CompareReport.Format(spread.Median)} ms median ({CompareReport.Format(spread.Min)}–{CompareReport.Format(spread.Max)})";
    }
}
