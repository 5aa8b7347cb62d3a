using SecureChat.Cli.Chat;
using SecureChat.Cli.Views.Line;
using SecureChat.Cli.Views.Script;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>Issue 20 item 7: outages made visible, told once, never before a healthy peer could be that quiet.</summary>
public sealed class SilenceNoticeTests
{
    private static readonly TimeSpan Keepalive = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(45);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static string Hms(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Observe_ReceiptAwaitedAndTwelveSecondsOfSilence_ShowsTheStallOnceThenWhenThePeerIsHeardAgain()
    {
        var notice = new SilenceNotice(Keepalive, PeerTimeout);

        notice.Observe(S(9), S(9)).Should().BeNull("a receipt may take a few seconds on a slow link");
        notice.Observe(S(12), S(12)).Should().Be(new SilenceChange(S(12), Stalled: true));
        notice.Observe(S(13), S(13)).Should().BeNull("once per stall");
        notice.Observe(S(20), S(20)).Should().BeNull("once per stall");
        notice.Observe(S(0.2), S(20)).Should().Be(new SilenceChange(S(20), Stalled: false));
        notice.Observe(S(1), null).Should().BeNull();
    }

    [Fact]
    public void Observe_IdlePeerQuietForLessThanAKeepaliveRound_ShowsNothing()
    {
        var notice = new SilenceNotice(Keepalive, PeerTimeout);

        // An idle peer is heard only through keepalives: up to the interval and its check's third.
        foreach (double seconds in new[] { 5.0, 12, 19, 25 })
        {
            notice.Observe(S(seconds), null).Should().BeNull($"{seconds} s of an idle peer is normal");
        }

        notice.Observe(S(31), null).Should().Be(new SilenceChange(S(31), Stalled: true));
    }

    [Fact]
    public void Observe_LineSentJustNowAfterALongIdleSilence_CountsTheWaitFromTheLine()
    {
        var notice = new SilenceNotice(Keepalive, PeerTimeout);

        notice.Observe(S(14), S(1)).Should().BeNull("the receipt has been awaited for 1 s only");
        notice.Observe(S(24), S(11))!.Value.Stalled.Should().BeTrue();
    }

    [Fact]
    public void Observe_PeerTimeoutShorterThanTheThreshold_LeavesItToTheSessionsVerdict()
    {
        var notice = new SilenceNotice(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

        notice.Observe(S(2.9), S(2.9)).Should().BeNull();
        notice.Observe(S(30), S(30)).Should().BeNull("past the peer timeout the session ends with its own message");
    }

    [Theory]
    [InlineData(40, true)] // the 40 s outage
    [InlineData(-40, true)] // a clock ahead of ours: the send time is still what it says
    [InlineData(4, false)]
    [InlineData(0, false)]
    public void ShowsSendTime_ArrivalThisManySecondsAfterTheSendTime_ShowsWhenOverAFewSeconds(double late, bool shows)
    {
        var sent = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

        SilenceNotice.ShowsSendTime(sent, sent.AddSeconds(late)).Should().Be(shows);
    }

    [Fact]
    public void ShowIncomingLate_AtATerminal_ShowsTheSendTimeBesideTheArrival()
    {
        var output = new StringWriter();
        var terminal = new InteractiveTerminal(output, "> ", colour: false);
        var sent = new DateTimeOffset(2026, 12, 2, 10, 0, 1, TimeSpan.Zero);

        terminal.ShowIncomingLate(sent.AddSeconds(40), sent, "Bob", "typed during the outage");

        output.ToString().Should().Contain($"Bob: typed during the outage (sent {Hms(sent)})")
            .And.Contain(Hms(sent.AddSeconds(40)));
    }

    [Fact]
    public void ShowIncomingLate_InAScript_KeepsTheOneOutputFormat()
    {
        var output = new StringWriter();
        var terminal = new ScriptedTerminal(TextReader.Null, output, TextWriter.Null);
        var sent = new DateTimeOffset(2026, 12, 2, 10, 0, 1, TimeSpan.Zero);

        ((IChatTerminal)terminal).ShowIncomingLate(sent.AddSeconds(40), sent, "Bob", "typed during the outage");

        output.ToString().TrimEnd().Should().Be($"{Hms(sent.AddSeconds(40))} Bob: typed during the outage");
    }
}
