using System.Diagnostics;
using System.Globalization;
using System.Text;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// Soak (issue 6): the real apps in scripted mode, each sending N numbered lines while receiving the
/// other's N, both at full speed. Every line must arrive exactly once and in order, and each app's memory
/// (RSS) must stay flat from the first tenth of the run to the last. The default run sends 10,000 each
/// way (ChatLoopSoakTests sends 20,000 in one process, where the managed heap can be seen);
/// SECURECHAT_SOAK=N sends N, for example 1000000 (docs/robustness.md has the figures). The
/// processes' output is checked as it streams, never stored, so the test itself stays small.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class SoakTests(ITestOutputHelper output, PreparedHomes homes) : EndToEndTest(output)
{
    private const int DefaultMessages = 10_000;

    /// <summary>
    /// What "flat" allows between the first and the last checkpoint: the runtime settles its heap and
    /// code over the first minutes; anything that kept a little per message (1M messages) would show as
    /// far more than this.
    /// </summary>
    private const long FlatToleranceBytes = 24L * 1024 * 1024;

    private readonly ITestOutputHelper _output = output;

    public static TheoryData<int> Sizes() =>
        [int.TryParse(Environment.GetEnvironmentVariable("SECURECHAT_SOAK"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : DefaultMessages];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Soak_BothSidesSendAtFullSpeed_EveryLineArrivesOnceInOrderAndMemoryStaysFlat(int messages)
    {
        int port = ChatSandbox.FreePort();
        using var user1 = SoakProcess.Start(ChatApp.User1, ["--port", port.ToString(CultureInfo.InvariantCulture), "--home", homes.User1, "--once", "--wait", "30"]);
        await user1.ListeningAsync();
        using var user2 = SoakProcess.Start(ChatApp.User2, ["--port", port.ToString(CultureInfo.InvariantCulture), "--home", homes.User2, "--wait", "30"]);

        var clock = Stopwatch.StartNew();
        int checkpoint = Math.Max(1, messages / 10);
        Task<Tally> atUser1 = user1.ReceiveAsync("User2", "b", messages, checkpoint, [user1, user2], clock);
        Task<Tally> atUser2 = user2.ReceiveAsync("User1", "a", messages, checkpoint, [user1, user2], clock);
        Task sending1 = user1.SendAsync("a", messages);
        Task sending2 = user2.SendAsync("b", messages);
        Tally received1 = await atUser1.WaitAsync(Deadline(messages));
        Tally received2 = await atUser2.WaitAsync(Deadline(messages));
        TimeSpan elapsed = clock.Elapsed;
        await Task.WhenAll(sending1, sending2);
        user2.EndInput();
        user1.EndInput();
        int exit2 = await user2.ExitAsync();
        int exit1 = await user1.ExitAsync();

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{messages:N0} each way in {elapsed.TotalSeconds:0.0} s ({2 * messages / elapsed.TotalSeconds:N0} messages/s both ways together)"));
        foreach ((string name, Tally tally) in new[] { ("at User1", received1), ("at User2", received2) })
        {
            _output.WriteLine($"{name}: {string.Join("; ", tally.Checkpoints.Select(c => c.ToString()))}");
        }

        exit1.Should().Be(0, user1.Error);
        exit2.Should().Be(0, user2.Error);
        received1.Count.Should().Be(messages);
        received2.Count.Should().Be(messages);
        foreach ((int index, string name) in new[] { (0, "User1"), (1, "User2") })
        {
            Checkpoint first = received1.Checkpoints[0];
            Checkpoint last = received1.Checkpoints[^1];
            (last.Resident[index] - first.Resident[index]).Should().BeLessThan(FlatToleranceBytes,
                $"{name}'s memory stays flat from the first checkpoint ({first}) to the last ({last})");
        }
    }

    private static TimeSpan Deadline(int messages) => TimeSpan.FromSeconds(60 + (messages / 1000.0));

    /// <summary>What one side received: the count and the memory of both apps at each checkpoint.</summary>
    private sealed record Tally(int Count, IReadOnlyList<Checkpoint> Checkpoints);

    /// <summary>The memory of both apps (RSS) when this side had received <paramref name="Received"/> lines.</summary>
    private sealed record Checkpoint(int Received, TimeSpan At, long[] Resident)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Received:N0} at {At.TotalSeconds:0.0} s: User1 {Resident[0] / 1048576.0:0.0} MiB, User2 {Resident[1] / 1048576.0:0.0} MiB");
    }

    /// <summary>An app run for the soak: input written in bulk, output checked line by line as it streams.</summary>
    private sealed class SoakProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _error = new();
        private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private SoakProcess(Process process) => _process = process;

        public string Error
        {
            get
            {
                lock (_error)
                {
                    return _error.ToString();
                }
            }
        }

        public static SoakProcess Start(ChatApp app, IEnumerable<string> args)
        {
            ProcessStartInfo info = ChatApps.StartInfo(app);
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.UseShellExecute = false;
            info.StandardInputEncoding = new UTF8Encoding(false);
            info.StandardOutputEncoding = Encoding.UTF8;
            info.WorkingDirectory = Path.GetTempPath();
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment.Remove("SECURECHAT_HOME");
            info.Environment["NO_COLOR"] = "1";
            var process = new Process { StartInfo = info };
            var soak = new SoakProcess(process);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (soak._error)
                {
                    if (soak._error.Length < 64 * 1024)
                    {
                        soak._error.AppendLine(e.Data);
                    }
                }

                if (e.Data.Contains("Listening on", StringComparison.Ordinal))
                {
                    soak._listening.TrySetResult();
                }
            };
            process.Start();
            process.BeginErrorReadLine();
            return soak;
        }

        public long Resident
        {
            get
            {
                try
                {
                    string? line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    return 0;
                }
            }
        }

        public Task ListeningAsync() => _listening.Task.WaitAsync(ChatProcess.DefaultTimeout);

        public async Task SendAsync(string prefix, int count)
        {
            StreamWriter input = _process.StandardInput;
            var batch = new StringBuilder();
            for (int i = 1; i <= count; i++)
            {
                batch.Append(prefix).Append(' ').Append(i.ToString("D7", CultureInfo.InvariantCulture)).Append('\n');
                if (batch.Length > 32 * 1024 || i == count)
                {
                    await input.WriteAsync(batch);
                    await input.FlushAsync();
                    batch.Clear();
                }
            }
        }

        /// <summary>Reads stdout: each line must be the peer's next number, exactly; samples memory every <paramref name="checkpoint"/> lines.</summary>
        public async Task<Tally> ReceiveAsync(string peer, string prefix, int count, int checkpoint, SoakProcess[] both, Stopwatch clock)
        {
            var checkpoints = new List<Checkpoint>();
            string expectedStart = $"{peer}: {prefix} ";
            int received = 0;
            while (received < count && await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                int at = line.IndexOf(expectedStart, StringComparison.Ordinal);
                at.Should().Be(9, $"every stdout line is the peer's message ('HH:mm:ss {peer}: …'), got: {line}");
                int number = int.Parse(line.AsSpan(at + expectedStart.Length), CultureInfo.InvariantCulture);
                number.Should().Be(received + 1, "each line arrives exactly once and in order");
                received++;
                if (received % checkpoint == 0)
                {
                    checkpoints.Add(new Checkpoint(received, clock.Elapsed, [both[0].Resident, both[1].Resident]));
                }
            }

            return new Tally(received, checkpoints);
        }

        public void EndInput() => _process.StandardInput.Close();

        public async Task<int> ExitAsync()
        {
            string rest = await _process.StandardOutput.ReadToEndAsync().WaitAsync(ChatProcess.DefaultTimeout);
            rest.Should().BeEmpty("nothing arrives after the last line");
            await _process.WaitForExitAsync().WaitAsync(ChatProcess.DefaultTimeout);
            return _process.ExitCode;
        }

        public void Dispose() => _process.KillTreeAndDispose();
    }
}
