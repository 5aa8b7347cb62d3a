using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;

namespace SecureChat.Cli.Tests;

/// <summary>The two apps' homes for the fault matrix: keys made once, so each case costs a handshake, not a key.</summary>
public sealed class FaultHomes : IDisposable
{
    private readonly TempHome _user1 = new();
    private readonly TempHome _user2 = new();

    public FaultHomes()
    {
        AppRun.RunAsync(ChatRole.Listener, "key", "generate", "--home", _user1.Path).GetAwaiter().GetResult().ExitCode.Should().Be(0);
        AppRun.RunAsync(ChatRole.Connector, "key", "generate", "--home", _user2.Path).GetAwaiter().GetResult().ExitCode.Should().Be(0);
    }

    internal FaultConversation Conversation(FaultTimeouts? timeouts = null) => new(_user1.Path, _user2.Path, timeouts ?? new FaultTimeouts());

    public void Dispose()
    {
        _user1.Dispose();
        _user2.Dispose();
    }
}

/// <summary>
/// Every fault the proxy can inject, at frame positions of the recorded conversation, in each direction:
/// the side that received the damaged frame detects and reports it, nothing tampered is ever shown, no
/// line is shown twice or out of order, nothing sent is lost silently, and neither app crashes. A pure
/// delay within the timeouts changes nothing. By default a bounded set runs (every kind, both directions,
/// handshake and session frames); SECURECHAT_FAULTS=all runs every kind at every frame (see
/// docs/robustness.md), and SECURECHAT_FAULTS_REPORT=FILE appends one line per case to FILE.
/// </summary>
public sealed class FaultMatrixTests(FaultHomes homes, ITestOutputHelper output) : IClassFixture<FaultHomes>
{
    /// <summary>Well within every timeout of <see cref="FaultTimeouts"/>: must not disturb the conversation.</summary>
    internal static readonly TimeSpan ShortDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Beyond the handshake, peer and hello timeouts of <see cref="FaultTimeouts"/>.</summary>
    internal static readonly TimeSpan LongDelay = TimeSpan.FromSeconds(8);

    private static readonly int[] DocumentedExitCodes = [ExitCode.Success, ExitCode.ConnectionFailed, ExitCode.Undelivered, ExitCode.ProtocolError, ExitCode.AuthenticationFailed];

    public static TheoryData<string, FaultKind, Toward, int> Cases()
    {
        var data = new TheoryData<string, FaultKind, Toward, int>();
        bool all = string.Equals(Environment.GetEnvironmentVariable("SECURECHAT_FAULTS"), "all", StringComparison.OrdinalIgnoreCase);
        foreach ((string name, FaultKind kind) in Kinds())
        {
            foreach (Toward toward in new[] { Toward.Listener, Toward.Connector })
            {
                for (int frame = 1; frame <= FaultConversation.FramesToward(toward); frame++)
                {
                    if (all || Bounded(name, toward, frame))
                    {
                        data.Add(name, kind, toward, frame);
                    }
                }
            }
        }

        return data;
    }

    [Fact]
    public async Task CleanConversation_HasTheRecordedFramesAndEveryLineArrivesOnceInOrder()
    {
        ConversationRun run = await homes.Conversation().RunAsync(null, "clean");
        output.WriteLine(run.ToString());

        string[] records = ["record", "record", "record", "record", "record", "record", "record", "record"]; // resume, six, goodbye
        run.Frames.Where(f => f.Toward == Toward.Listener).Select(f => f.Type).Should().Equal(["hello", "key", "finish", .. records], run.ToString());
        run.Frames.Where(f => f.Toward == Toward.Connector).Select(f => f.Type).Should().Equal(["hello", "finish", .. records], run.ToString());
        ShouldEndCleanly(run);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_AtAFrame_IsDetectedByItsReceiverAndNothingTamperedIsShown(string name, FaultKind kind, Toward toward, int frame)
    {
        TimeSpan delay = name == "delay-beyond" ? LongDelay : ShortDelay;
        var fault = new Fault(kind, toward, frame, delay, Seed: frame * 31);

        ConversationRun run = await homes.Conversation().RunAsync(fault, $"{name}@{toward}#{frame}");
        output.WriteLine(run.ToString());
        FaultReport.Append(name, run);

        run.Injected.Should().BeTrue($"frame {frame} exists in every run\n{run}");
        ShouldNeverCrashShowTamperedTextOrLoseALine(run);
        if (name == "delay-within")
        {
            ShouldEndWithEveryLineShown(run);
            return;
        }

        if (Harmless(kind, toward, frame))
        {
            ShouldEndCleanly(run);
            return;
        }

        ShouldBeDetectedByTheReceiver(run, name, toward, frame);
    }

    /// <summary>The kinds, with the delay split into one within the timeouts and one beyond them.</summary>
    private static IEnumerable<(string Name, FaultKind Kind)> Kinds() =>
    [
        ("flip-payload-bit", FaultKind.FlipPayloadBit), ("flip-length-bit", FaultKind.FlipLengthBit), ("drop", FaultKind.Drop),
        ("duplicate", FaultKind.Duplicate), ("reorder", FaultKind.Reorder), ("delay-within", FaultKind.Delay),
        ("delay-beyond", FaultKind.Delay), ("truncate", FaultKind.Truncate), ("garbage", FaultKind.Garbage), ("cut", FaultKind.Cut),
    ];

    /// <summary>The default run: each kind toward each side, once in the handshake and once in the session.</summary>
    private static bool Bounded(string name, Toward toward, int frame) => (name, toward, frame) switch
    {
        ("flip-payload-bit", Toward.Listener, 1 or 5) or ("flip-payload-bit", Toward.Connector, 2 or 4) => true,
        ("flip-length-bit", Toward.Listener, 3) or ("flip-length-bit", Toward.Connector, 1) => true,
        ("drop", Toward.Listener, 3) or ("drop", Toward.Connector, 2 or 9) => true,
        ("duplicate", Toward.Listener, 4) or ("duplicate", Toward.Connector, 3) => true,
        ("reorder", Toward.Listener, 1) or ("reorder", Toward.Connector, 5) => true,
        ("delay-within", Toward.Listener, 2) or ("delay-within", Toward.Connector, 6) => true,
        ("delay-beyond", Toward.Connector, 4) => true,
        ("truncate", Toward.Listener, 6) or ("truncate", Toward.Connector, 1) => true,
        ("garbage", Toward.Listener, 2) or ("garbage", Toward.Connector, 7) => true,
        ("cut", Toward.Listener, 8) or ("cut", Toward.Connector, 3) => true,
        _ => false,
    };

    /// <summary>
    /// Faults that leave nothing to detect: a copy of a goodbye reaches a side that has stopped reading (as
    /// TLS ignores what follows close_notify); and User1's answering goodbye, held back to be "reordered"
    /// with nothing after it, is let through at once because User1 closes the connection right after it.
    /// </summary>
    private static bool Harmless(FaultKind kind, Toward toward, int frame) =>
        frame == FaultConversation.FramesToward(toward) && (kind == FaultKind.Duplicate || (kind == FaultKind.Reorder && toward == Toward.Connector));

    /// <summary>
    /// A delay within the timeouts breaks nothing: every line is shown once, in order, and no session fails.
    /// A delayed text can still cross its receiver's goodbye (that side had finished its script and left),
    /// and a goodbye ends the acknowledgements: the text is shown, and its sender conservatively lists it as
    /// unconfirmed and exits 75, as docs/protocol.md ("Receipts") says.
    /// </summary>
    private static void ShouldEndWithEveryLineShown(ConversationRun run)
    {
        run.User1.Shown.Should().Equal(run.User2.Read, run.ToString());
        run.User2.Shown.Should().Equal(run.User1.Read, run.ToString());
        foreach ((AppOutcome sender, AppOutcome receiver) in new[] { (run.User1, run.User2), (run.User2, run.User1) })
        {
            sender.ExitCode.Should().BeOneOf([ExitCode.Success, ExitCode.Undelivered], run.ToString());
            sender.Undelivered.Where(line => !receiver.Shown.Contains(line)).Should().BeEmpty($"only a text that crossed the goodbye is unconfirmed, and it was shown\n{run}");
            sender.Warnings.Where(w => !w.Contains("never confirmed", StringComparison.Ordinal) && !sender.Undelivered.Any(line => w.Contains(line, StringComparison.Ordinal)))
                .Should().BeEmpty(run.ToString());
        }
    }

    private static void ShouldEndCleanly(ConversationRun run)
    {
        run.User1.ExitCode.Should().Be(ExitCode.Success, run.ToString());
        run.User2.ExitCode.Should().Be(ExitCode.Success, run.ToString());
        run.User1.Read.Should().HaveCount(3, run.ToString());
        run.User2.Read.Should().HaveCount(3, run.ToString());
        run.User1.Shown.Should().Equal(run.User2.Read, run.ToString());
        run.User2.Shown.Should().Equal(run.User1.Read, run.ToString());
        run.User1.Warnings.Should().BeEmpty(run.ToString());
        run.User2.Warnings.Should().BeEmpty(run.ToString());
    }

    private static void ShouldNeverCrashShowTamperedTextOrLoseALine(ConversationRun run)
    {
        foreach ((AppOutcome side, AppOutcome peer, string who) in new[] { (run.User1, run.User2, "User1"), (run.User2, run.User1, "User2") })
        {
            side.ExitCode.Should().BeOneOf(DocumentedExitCodes, $"{who} exits with a documented code\n{run}");
            side.Error.Should().NotContain("\n   at ", $"{who} shows no stack trace\n{run}").And.NotContain("Unhandled", $"{who} has no unhandled exception\n{run}");

            // What a side shows is exactly a prefix of what its peer sent: nothing altered, doubled, reordered.
            // (User1's screen also holds the next caller's line, after a handshake that failed.)
            string[] shown = [.. side.Shown.Where(line => run.NextCaller?.Read.Contains(line) != true)];
            peer.Read.Take(shown.Length).Should().Equal(shown, $"{who} shows only the peer's lines, each once, in order\n{run}");

            // Every line a side read (before it reported the failure) reached the peer's screen or is listed.
            side.ReadBeforeWarning.Where(line => !peer.Shown.Contains(line) && !side.Undelivered.Contains(line))
                .Should().BeEmpty($"{who} loses no line silently\n{run}");
        }
    }

    private static void ShouldBeDetectedByTheReceiver(ConversationRun run, string name, Toward toward, int frame)
    {
        AppOutcome receiver = toward == Toward.Listener ? run.User1 : run.User2;
        AppOutcome sender = toward == Toward.Listener ? run.User2 : run.User1;
        if (receiver.Warnings.Count == 0)
        {
            // Only a goodbye that arrived late but intact (held back, with nothing after it to overtake) may
            // pass its receiver unnoticed; the side that waited for it says the end may have been cut short.
            frame.Should().Be(FaultConversation.FramesToward(toward), $"the receiver of the damaged frame says what happened\n{run}");
            name.Should().BeOneOf(["reorder", "delay-beyond"], run.ToString());
            receiver.ExitCode.Should().Be(ExitCode.Success, run.ToString());
            sender.Warnings.Should().Contain(w => w.Contains("cut short", StringComparison.Ordinal), run.ToString());
            return;
        }

        if (run.User1KeptListening)
        {
            // A handshake that failed at User1 is reported there, and User1 serves the next caller.
            run.User1.Error.Should().Contain("failed the handshake and was dropped", run.ToString());
            run.NextCaller!.ExitCode.Should().Be(ExitCode.Success, run.ToString());
            run.User1.Shown.Should().Contain(run.NextCaller.Read, run.ToString());
            run.User1.ExitCode.Should().Be(ExitCode.Success, run.ToString());
            if (toward == Toward.Listener)
            {
                return;
            }
        }

        if (receiver.ExitCode == ExitCode.Success)
        {
            // A side that was leaving anyway, with everything it sent confirmed, exits 0 but says that the
            // end may have been cut short; its peer lists whatever it did not get a receipt for.
            receiver.Error.Should().Contain("You left the conversation", run.ToString());
            receiver.Warnings.Should().Contain(w => w.Contains("cut short", StringComparison.Ordinal) || w.Contains("was lost", StringComparison.Ordinal), run.ToString());
            return;
        }

        int[] allowed = name switch
        {
            "flip-payload-bit" or "duplicate" => [ExitCode.ProtocolError, ExitCode.AuthenticationFailed],
            "reorder" when frame <= FaultConversation.HandshakeFramesToward(toward) => [ExitCode.ConnectionFailed, ExitCode.ProtocolError, ExitCode.AuthenticationFailed], // held with nothing after it: a stall
            "reorder" => [ExitCode.ProtocolError, ExitCode.AuthenticationFailed],
            "delay-beyond" or "cut" => [ExitCode.ConnectionFailed],
            _ => [ExitCode.ConnectionFailed, ExitCode.ProtocolError, ExitCode.AuthenticationFailed],
        };
        receiver.ExitCode.Should().BeOneOf(allowed, $"the receiver's exit code says what kind of failure it was\n{run}");
    }
}

/// <summary>One line per case, appended to SECURECHAT_FAULTS_REPORT if set: the raw data of the doc's table.</summary>
internal static class FaultReport
{
    private static readonly Lock Gate = new();

    public static void Append(string name, ConversationRun run)
    {
        if (Environment.GetEnvironmentVariable("SECURECHAT_FAULTS_REPORT") is not { Length: > 0 } path || run.Fault is not { } fault)
        {
            return;
        }

        AppOutcome receiver = fault.Toward == Toward.Listener ? run.User1 : run.User2;
        string detection = run.User1KeptListening && fault.Toward == Toward.Listener
            ? "handshake dropped, next caller served: " + First(run.User1.Warnings)
            : First(receiver.Warnings);
        string line = string.Join('\t', name, fault.Toward, fault.Frame, run.Frames.FirstOrDefault(f => f.Toward == fault.Toward && f.Number == fault.Frame)?.Type ?? "?",
            run.User1.ExitCode, run.User2.ExitCode, run.User1KeptListening, run.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
            detection.Replace('\t', ' '));
        lock (Gate)
        {
            File.AppendAllText(path, line + "\n");
        }
    }

    private static string First(IReadOnlyList<string> lines) => lines is [string first, ..] ? first : string.Empty;
}
