using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// The listener under abuse (issue 6): while 200 connections hold User1's port — 50 silent, 50 sending
/// garbage with a plausible length (held until the timeout), 50 sending garbage refused at once and
/// reopened at once (a flood), 50 announcing the largest hello and trickling it a byte at a time
/// (slowloris) — each reopened as soon as User1 closes it, the real User2 still connects and chats, every
/// abusive connection is closed by its hello timeout, and User1's memory stays bounded. The figures go to
/// the test output (docs/robustness.md).
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class ListenerAbuseTests(ITestOutputHelper output) : EndToEndTest(output)
{
    private readonly ITestOutputHelper _output = output;

    private const int Abusers = 200;
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Generous for the scheduling of a loaded two-core machine, far below the 10 s frame timeout a stalled hello once had.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The bound on User1's growth: each waiting caller costs at most a 64 KiB frame buffer and a socket
    /// (128 waiting: 8 MiB), each handshake slot a little more; 64 MiB leaves room for the runtime's own
    /// growth under load and would still catch anything that grows with the number of connections made.
    /// </summary>
    private const long MaxGrowthBytes = 64L * 1024 * 1024;

    [Fact]
    public async Task Listener_200AbusiveConnectionsHoldThePort_RealPeerStillChatsAndEachAbuserIsClosedByItsTimeout()
    {
        int port = ChatSandbox.FreePort();
        string user2Home = Sandbox.NewHome("user2");
        await Sandbox.FingerprintAsync(ChatApp.User2, user2Home); // the key exists before anything is timed
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"),
            ["--hello-timeout", HelloTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--wait", ReceiptWait]);

        TimeSpan quiet = await TimedConversationAsync(port, user2Home, user1, "before the abuse");
        long residentBefore = user1.ResidentBytes ?? 0;

        TimeSpan underAbuse;
        PortAbuse abuse;
        long residentPeak = residentBefore;
        await using (abuse = PortAbuse.Start(port, Abusers))
        {
            using var sampling = new CancellationTokenSource();
            Task sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    residentPeak = Math.Max(residentPeak, user1.ResidentBytes ?? 0);
                    await Task.Delay(100, CancellationToken.None);
                }
            }, CancellationToken.None);

            await abuse.AllOpenAsync(TimeSpan.FromSeconds(30));
            underAbuse = await TimedConversationAsync(port, user2Home, user1, "under abuse");
            await Task.Delay(HelloTimeout); // one more generation of abusers times out meanwhile
            await abuse.StopAsync(HelloTimeout + Slack);
            await sampling.CancelAsync();
            await sampler;
        }

        await Task.Delay(500);
        long residentAfter = user1.ResidentBytes ?? 0;
        int shownInFull = user1.Stderr.Count(l => l.Contains("failed the handshake and was dropped", StringComparison.Ordinal));
        int counted = user1.Stderr.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"(\d+) more connection\(s\) failed the handshake"))
            .Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"abuse: {Abusers} held open, {abuse.Opened} opened in all ({abuse.Count("silent")} silent, {abuse.Count("garbage")} garbage held, {abuse.Count("garbage-flood")} garbage flood, {abuse.Count("slowloris")} slowloris), "
            + $"{abuse.Closed} closed by User1, longest held {abuse.LongestHeld.TotalSeconds:0.00} s (hello timeout {HelloTimeout.TotalSeconds} s); "
            + $"User1 reported {shownInFull} drops in full and counted {counted} more; {user1.Stderr.Count} stderr lines in all"));
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"User2 start to 'Connected': {quiet.TotalSeconds:0.00} s quiet, {underAbuse.TotalSeconds:0.00} s under abuse"));
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"User1 RSS: {Mib(residentBefore)} MiB before, {Mib(residentPeak)} MiB peak, {Mib(residentAfter)} MiB after"));

        // No bound on underAbuse itself: it runs from User2's process start (the .NET start-up alone took
        // 3-6 s at load 25, and the bound of 10 s failed a CI run at 10.05 s). That User2 reached "Connected"
        // at all (TimedConversationAsync waits for it and for the line to arrive) is the property: its
        // handshake finished within its own handshake deadline while 200 abusers held the port.
        abuse.Closed.Should().Be(abuse.Opened, "User1 closed every abusive connection itself");
        abuse.LongestHeld.Should().BeLessThan(HelloTimeout + Slack, "no abusive connection outlives its hello timeout");
        user1.HasExited.Should().BeFalse(user1.Transcript);
        user1.StderrText.Should().NotContain("Unhandled exception").And.NotContain("\n   at ");
        if (residentBefore > 0)
        {
            (residentPeak - residentBefore).Should().BeLessThan(MaxGrowthBytes, "User1's memory stays bounded under abuse");
        }
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A whole conversation with a real User2; returns the time from its start to "Connected".</summary>
    private async Task<TimeSpan> TimedConversationAsync(int port, string home, ChatProcess user1, string label)
    {
        var clock = Stopwatch.StartNew();
        ChatProcess user2 = Sandbox.StartConnector(port, home, ["--wait", ReceiptWait], label: $"User2 {label}");
        await user2.WaitForStderrAsync("Connected to");
        TimeSpan connected = clock.Elapsed;
        string line = $"hello {label}";
        await user2.WriteLineAsync(line);
        await user1.WaitForStdoutAsync(l => IsMessage(l, "User2", line), $"the message sent {label}");
        user2.CloseInput();
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        return connected;
    }

    /// <summary>Holds a number of connections to a port open, reopening each as soon as it is closed.</summary>
    private sealed class PortAbuse : IAsyncDisposable
    {
        private static readonly string[] Kinds = ["silent", "garbage", "garbage-flood", "slowloris"];

        private readonly int _port;
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, int> _opened = new();
        private readonly Task[] _slots;
        private int _open;
        private int _closed;
        private long _longestTicks;

        private PortAbuse(int port, int count)
        {
            _port = port;
            _slots = [.. Enumerable.Range(0, count).Select(i => Task.Run(() => SlotAsync(Kinds[i % Kinds.Length], i)))];
        }

        public int Opened => _opened.Values.Sum();

        public int Closed => Volatile.Read(ref _closed);

        public TimeSpan LongestHeld => TimeSpan.FromTicks(Interlocked.Read(ref _longestTicks));

        public static PortAbuse Start(int port, int count) => new(port, count);

        public int Count(string kind) => _opened.GetValueOrDefault(kind);

        public async Task AllOpenAsync(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref _open) < _slots.Length)
            {
                clock.Elapsed.Should().BeLessThan(timeout, "the abusive connections open");
                await Task.Delay(20);
            }
        }

        /// <summary>Stops reopening and waits for User1 to close the connections still open.</summary>
        public async Task StopAsync(TimeSpan timeout)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_slots).WaitAsync(timeout + TimeSpan.FromSeconds(5));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_slots).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }

        private async Task SlotAsync(string kind, int seed)
        {
            var random = new Random(seed);
            bool first = true;
            while (first || !_stop.IsCancellationRequested)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, _port);
                }
                catch (SocketException)
                {
                    await Task.Delay(50);
                    continue; // the backlog was full for a moment
                }

                var held = Stopwatch.StartNew();
                _opened.AddOrUpdate(kind, 1, (_, n) => n + 1);
                if (first)
                {
                    Interlocked.Increment(ref _open);
                    first = false;
                }

                Task<bool> closed = ClosedByPeerAsync(socket);
                await AbuseAsync(socket, kind, random, closed);
                if (await closed)
                {
                    Interlocked.Increment(ref _closed);
                }

                long ticks = held.Elapsed.Ticks;
                long longest;
                while (ticks > (longest = Interlocked.Read(ref _longestTicks)) && Interlocked.CompareExchange(ref _longestTicks, ticks, longest) != longest)
                {
                }
            }
        }

        /// <summary>Sends this kind's abuse until User1 closes the connection.</summary>
        private static async Task AbuseAsync(Socket socket, string kind, Random random, Task<bool> closed)
        {
            try
            {
                switch (kind)
                {
                    case "garbage" or "garbage-flood":
                        byte[] garbage = new byte[64];
                        random.NextBytes(garbage);
                        if (kind == "garbage")
                        {
                            garbage[0] = garbage[1] = 0; // a length under the limit: User1 must wait for the rest, until the timeout
                        }

                        // Otherwise the length is beyond the limit: refused at once, and reopened at once (a flood).
                        await socket.SendAsync(garbage);
                        break;
                    case "slowloris":
                        byte[] hello = Encoding.ASCII.GetBytes("{\"type\":\"hello\",\"version\":1,\"suites\":[\"aes-256-cbc+hmac-sha256\"],\"nonce\":\"");
                        await socket.SendAsync(new byte[] { 0, 1, 0, 0 }); // announces the largest hello allowed, 64 KiB
                        for (int i = 0; i < hello.Length && !closed.IsCompleted; i++)
                        {
                            await socket.SendAsync(hello.AsMemory(i, 1)); // a byte at a time, each well within any per-read timeout
                            await Task.WhenAny(closed, Task.Delay(300));
                        }

                        break;
                }
            }
            catch (SocketException)
            {
                // Closed by User1 while we were still sending.
            }
        }

        /// <summary>True when User1 closes the connection (an end of stream or a reset), read to the end meanwhile.</summary>
        private static async Task<bool> ClosedByPeerAsync(Socket socket)
        {
            byte[] buffer = new byte[512];
            try
            {
                while (await socket.ReceiveAsync(buffer) > 0)
                {
                }
            }
            catch (SocketException)
            {
                // Reset: closed all the same.
            }

            return true;
        }
    }
}
