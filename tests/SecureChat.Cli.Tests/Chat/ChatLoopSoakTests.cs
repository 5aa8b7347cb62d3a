using System.Diagnostics;
using System.Globalization;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Views.Script;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>
/// The soak in one process (issue 6), to see the managed heap the real-process soak cannot: two chat
/// loops in scripted mode over two sessions on loopback TCP, N numbered lines each way at full speed.
/// Every line must arrive once and in order, and the heap retained after a full collection must stay flat
/// from the first tenth of the run to the last. 20,000 each way by default; SECURECHAT_SOAK=N for more.
/// </summary>
public sealed class ChatLoopSoakTests(ITestOutputHelper output)
{
    private const int DefaultMessages = 20_000;

    /// <summary>A leak of even 8 bytes a message would show at a million messages; the rest is noise.</summary>
    private const long FlatToleranceBytes = 4L * 1024 * 1024;

    /// <summary>How long the run may go without a single line arriving before it counts as stopped.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    public static TheoryData<int> Sizes() =>
        [int.TryParse(Environment.GetEnvironmentVariable("SECURECHAT_SOAK"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : DefaultMessages];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Soak_TwoChatLoopsAtFullSpeed_EveryLineArrivesOnceInOrderAndTheHeapStaysFlat(int messages)
    {
        (SecureSession bob, SecureSession alice) = await SessionPair.ConnectAsync();
        await using (bob)
        await using (alice)
        {
            using var bothReceived = new ManualResetEventSlim();
            var atBob = new NumberedLines("alice", "a", messages);
            var atAlice = new NumberedLines("bob", "b", messages);
            var errors = new StringWriter();
            var checkpoints = new List<(int Received, TimeSpan At, long Heap)>();
            var clock = Stopwatch.StartNew();
            int step = Math.Max(1, messages / 10);
            atBob.Progress = received =>
            {
                if (received % step == 0)
                {
                    // Measured from the receiving thread, between two lines: a full collection, then what is left.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    checkpoints.Add((received, clock.Elapsed, GC.GetTotalMemory(forceFullCollection: false)));
                }
            };
            void CheckBoth()
            {
                if (atBob.Count == messages && atAlice.Count == messages)
                {
                    bothReceived.Set();
                }
            }

            atBob.Done = CheckBoth;
            atAlice.Done = CheckBoth;

            ChatLoop bobLoop = await ChatDriver.TerminalLoopAsync(bob, new ScriptedTerminal(new Script("b", messages, bothReceived), atBob, TextWriter.Synchronized(errors)), "bob", TimeSpan.FromSeconds(30));
            ChatLoop aliceLoop = await ChatDriver.TerminalLoopAsync(alice, new ScriptedTerminal(new Script("a", messages, bothReceived), atAlice, TextWriter.Synchronized(errors)), "alice", TimeSpan.FromSeconds(30));
            Task<ChatOutcome> bobRun = bobLoop.RunAsync(CancellationToken.None);
            Task<ChatOutcome> aliceRun = aliceLoop.RunAsync(CancellationToken.None);
            ChatOutcome[] outcomes = await WhileProgressingAsync(Task.WhenAll(bobRun, aliceRun), () => atBob.Count + atAlice.Count);
            TimeSpan elapsed = clock.Elapsed;

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{messages:N0} each way in {elapsed.TotalSeconds:0.0} s ({2 * messages / elapsed.TotalSeconds:N0} messages/s both ways together)"));
            output.WriteLine(string.Join("; ", checkpoints.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Received:N0} at {c.At.TotalSeconds:0.0} s: heap {c.Heap / 1048576.0:0.00} MiB"))));
            atBob.Failure.Should().BeNull();
            atAlice.Failure.Should().BeNull();
            atBob.Count.Should().Be(messages);
            atAlice.Count.Should().Be(messages);
            outcomes.Should().OnlyContain(o => o.Failure == null && o.Undelivered.Count == 0, errors.ToString());
            checkpoints.Should().HaveCountGreaterThanOrEqualTo(2);
            (checkpoints[^1].Heap - checkpoints[0].Heap).Should().BeLessThan(FlatToleranceBytes, "the heap retained stays flat from the first checkpoint to the last");
        }
    }

    /// <summary>
    /// Waits for the run as long as lines keep arriving: a loaded machine may take minutes for the whole soak,
    /// but a run in which no line arrives for <see cref="StallLimit"/> has stopped, and fails rather than hangs.
    /// </summary>
    private static async Task<T> WhileProgressingAsync<T>(Task<T> run, Func<int> received)
    {
        int seen = -1;
        while (true)
        {
            int now = received();
            if (now == seen)
            {
                throw new TimeoutException($"No line arrived for {StallLimit.TotalSeconds:0} s (after {now} lines in all).");
            }

            seen = now;
            Task finished = await Task.WhenAny(run, Task.Delay(StallLimit));
            if (finished == run)
            {
                return await run;
            }
        }
    }

    /// <summary>A script of N numbered lines that, once said, waits until both sides have received everything.</summary>
    private sealed class Script(string prefix, int count, ManualResetEventSlim bothReceived) : TextReader
    {
        private int _next;

        public override string? ReadLine()
        {
            if (_next < count)
            {
                _next++;
                return string.Create(CultureInfo.InvariantCulture, $"{prefix} {_next:D7}");
            }

            bothReceived.Wait();
            return null;
        }
    }

    /// <summary>The receiving side's stdout: each line must be the peer's next number. Nothing is stored.</summary>
    private sealed class NumberedLines(string peer, string prefix, int count) : TextWriter
    {
        private readonly string _expected = $"{peer}: {prefix} ";

        public int Count { get; private set; }

        public string? Failure { get; private set; }

        public Action<int>? Progress { get; set; }

        public Action? Done { get; set; }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            int at = value?.IndexOf(_expected, StringComparison.Ordinal) ?? -1;
            if (value is null || at < 0 || !int.TryParse(value.AsSpan(at + _expected.Length), CultureInfo.InvariantCulture, out int number) || number != Count + 1)
            {
                Failure ??= $"after {Count} lines: {value}";
                return;
            }

            Count++;
            Progress?.Invoke(Count);
            if (Count == count)
            {
                Done?.Invoke();
            }
        }
    }
}
