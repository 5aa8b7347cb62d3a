using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests.Network;

/// <summary>
/// Issue 14, attack 3, measured at the real listener: one client guessing the PSK made 123 guesses a second.
/// A ChatRunner listens with a PSK and a manual guess clock; a client from one address keeps trying wrong
/// PSKs, and each attempt is counted as a guess (a handshake ran and failed) or a refusal ("busy" before any
/// handshake). Time is virtual, so the counts are exact on any machine.
/// </summary>
public sealed class ListenerGuessLimitTests
{
    private const string PskVariable = "SECURECHAT_TEST_PSK";

    /// <summary>Attempts made at virtual seconds 0, 2 and 4.</summary>
    private static readonly int[] Attempts = [8, 3, 3];

    private static readonly Lazy<IdentityKey> Guesser = new(() => IdentityKey.Generate(2048));

    [Fact]
    public async Task Listener_WrongPskGuessesFromOneAddress_FiveAtOnceThenOneEveryTwoVirtualSeconds()
    {
        int[] unlimited = await GuessesPerRoundAsync(ListenerLimits.Default with { FailedHandshakeBurst = int.MaxValue });
        int[] limited = await GuessesPerRoundAsync(ListenerLimits.Default);

        unlimited.Should().Equal([8, 3, 3], "without the limit every attempt is a guess: 14 in 4 virtual seconds");
        limited.Should().Equal([5, 1, 1], "a burst of 5, then one guess per 2 virtual seconds; the other attempts are refused as busy");
    }

    /// <summary>Runs a listener with <paramref name="limits"/> and says how many attempts of each round were guesses.</summary>
    private static async Task<int[]> GuessesPerRoundAsync(ListenerLimits limits)
    {
        using var home = new TempHome();
        int port = TestPorts.Free();
        var clock = new ManualClock();
        var logger = new GuessCountingLogger();
        var screen = new Chat.FakeTerminal();
        string psk = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        ChatSettings settings = ListenerSettings.For(home.Path, port) with { Listener = limits, PskVariable = PskVariable };
        await using RunningListener user1 = await RunningListener.StartAsync(settings, screen, logger, name => name == PskVariable ? psk : null, guessClock: clock);
        var guessesPerRound = new int[Attempts.Length];
        int counted = 0;
        for (int round = 0; round < Attempts.Length; round++)
        {
            for (int attempt = 0; attempt < Attempts[round]; attempt++)
            {
                if (await GuessAsync(port))
                {
                    guessesPerRound[round]++;

                    // The listener charges the failure after the caller has seen it fail: wait for the charge, not for time.
                    await logger.WaitForGuessesCountedAsync(++counted);
                }
            }

            clock.Advance(TimeSpan.FromSeconds(2));
        }

        return guessesPerRound;
    }

    /// <summary>One connection with a wrong PSK: true if the listener ran the handshake (a guess), false if it refused as busy.</summary>
    private static async Task<bool> GuessAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using Secret wrong = Secret.Random(32);
        var options = new SessionOptions
        {
            Identity = Guesser.Value,
            Name = "guesser",
            PreSharedKey = wrong,
            TrustPeer = (_, _) => ValueTask.FromResult(true),
            HandshakeTimeout = TimeSpan.FromMinutes(1),
        };
        try
        {
            SecureSession session = await SecureSession.InitiateAsync(stream, options, new Conversation());
            await session.DisposeAsync();
        }
        catch (PeerAbortedException e) when (e.Reason == AbortReason.Busy)
        {
            return false;
        }
        catch (SessionException)
        {
            return true;
        }

        throw new InvalidOperationException("A wrong pre-shared key completed a handshake.");
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>Counts the listener's "failed handshake counted against its address" log entries.</summary>
    private sealed class GuessCountingLogger : ILogger, IDisposable
    {
        private readonly SemaphoreSlim _counted = new(0);
        private int _count;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "GuessCounted")
            {
                Interlocked.Increment(ref _count);
                _counted.Release();
            }
        }

        public async Task WaitForGuessesCountedAsync(int count)
        {
            while (Volatile.Read(ref _count) < count)
            {
                if (!await _counted.WaitAsync(TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException($"The listener counted {Volatile.Read(ref _count)} failed handshakes, not {count}.");
                }
            }
        }

        public void Dispose() => _counted.Dispose();
    }
}
