using System.Net;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Network;

namespace SecureChat.Cli.Tests.Network;

/// <summary>Issue 14, attack 3: online PSK guessing against User1, counted on a manual clock (no sleeping, no timing).</summary>
public sealed class GuessLimiterTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress Neighbour = IPAddress.Parse("192.0.2.8");

    [Fact]
    public void GuessesPerSecond_AttackerTryingEvery10ms_FallsFrom100ToAtMostHalfAGuessASecond()
    {
        var clock = new ManualClock();
        var unlimited = new GuessLimiter(ListenerLimits.Default with { FailedHandshakeBurst = int.MaxValue }, clock);
        var limited = new GuessLimiter(ListenerLimits.Default, clock);

        int before = Attack(unlimited, clock, TimeSpan.FromSeconds(60));
        int after = Attack(limited, clock, TimeSpan.FromSeconds(60));

        before.Should().Be(6000, "without the limit every attempt is a guess: 100 a second");
        after.Should().BeLessThanOrEqualTo(5 + 30 + 1, "a burst of 5, then one every 2 s");
        after.Should().BeGreaterThanOrEqualTo(5 + 29, "the limit slows guessing; it does not lock the address out for good");
    }

    [Fact]
    public void Admits_OneAddressSpentItsGuesses_OthersStillAdmitted()
    {
        var clock = new ManualClock();
        var limiter = new GuessLimiter(ListenerLimits.Default, clock);
        for (int i = 0; i < 5; i++)
        {
            limiter.RecordFailure(Guesser);
        }

        limiter.Admits(Guesser).Should().BeFalse();
        limiter.Admits(Neighbour).Should().BeTrue();
        clock.Advance(TimeSpan.FromSeconds(2));
        limiter.Admits(Guesser).Should().BeTrue("a token came back after the refill time");
    }

    /// <summary>Tries every 10 ms for <paramref name="duration"/>; every admitted attempt fails (a wrong PSK). Returns the guesses made.</summary>
    private static int Attack(GuessLimiter limiter, ManualClock clock, TimeSpan duration)
    {
        int guesses = 0;
        for (TimeSpan elapsed = TimeSpan.Zero; elapsed < duration; elapsed += TimeSpan.FromMilliseconds(10))
        {
            if (limiter.Admits(Guesser))
            {
                guesses++;
                limiter.RecordFailure(Guesser);
            }

            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        return guesses;
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
