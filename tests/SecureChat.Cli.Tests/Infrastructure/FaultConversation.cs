// One recorded conversation between the two apps in memory (scripted mode, real loopback TCP), with the
// fault proxy between them. The script runs in lock-step, so that a clean run always has the same frames:
// each direction carries hello, finish, then the conversation's resume, six records (three messages and
// three receipts, in turn) and the goodbye. With a fault, the script goes on as far as the apps let it; whatever happens, both
// apps are brought to an end and everything they showed, listed and exited with is returned.
using System.Diagnostics;
using System.Globalization;
using SecureChat.Cli.Tests.Commands;

namespace SecureChat.Cli.Tests.Infrastructure;

/// <summary>
/// Short timeouts, so that a lost or held frame shows in a few seconds; the clean run has no idle gap near
/// them. Not shorter: at load 25 on two cores a whole handshake took more than 3 s, and the matrix's
/// "delay-within" case then failed on the handshake deadline instead of passing (a CI flake).
/// </summary>
internal sealed record FaultTimeouts(double Handshake = 6, double Frame = 2, double Keepalive = 2, double Peer = 6, double Decision = 6, double Hello = 4, double ReceiptWait = 2)
{
    public TimeSpan PeerSpan => TimeSpan.FromSeconds(Peer);

    public IEnumerable<string> Arguments(ChatRole role) =>
    [
        "--handshake-timeout", S(Handshake), "--frame-timeout", S(Frame), "--keepalive", S(Keepalive),
        "--peer-timeout", S(Peer), "--decision-timeout", S(Decision), "--wait", S(ReceiptWait),
        .. role == ChatRole.Listener ? new[] { "--hello-timeout", S(Hello), "--once" } : [],
    ];

    private static string S(double seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// What one app did: its exit code, what it showed and listed, the lines it read, and those it read before
/// it first warned (a line the script writes as the app is reporting a failure may be read by its input
/// thread after the app has listed what it did not deliver: no app can list what it reads after it exits).
/// </summary>
internal sealed record AppOutcome(int ExitCode, string Output, string Error, IReadOnlyList<string> Read, IReadOnlyList<string> ReadBeforeWarning)
{
    /// <summary>The texts of the peer's messages it printed, in order.</summary>
    public IReadOnlyList<string> Shown =>
        [.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.IndexOf(": ", StringComparison.Ordinal) is int at and >= 0 ? line[(at + 2)..] : line)];

    /// <summary>The lines it listed as never confirmed delivered.</summary>
    public IReadOnlyList<string> Undelivered =>
        [.. Error.Split('\n').SkipWhile(l => !l.Contains("were never confirmed delivered", StringComparison.Ordinal))
            .Where(l => l.StartsWith("warning:   ", StringComparison.Ordinal)).Select(l => l["warning:   ".Length..])];

    /// <summary>Its warning lines.</summary>
    public IReadOnlyList<string> Warnings => [.. Error.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal))];

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
}

/// <summary>The whole of one run.</summary>
internal sealed record ConversationRun(
    Fault? Fault,
    AppOutcome User1,
    AppOutcome User2,
    IReadOnlyList<ProxiedFrame> Frames,
    bool Injected,
    bool User1KeptListening,
    AppOutcome? NextCaller,
    TimeSpan Elapsed)
{
    public override string ToString() =>
        $"{Fault?.ToString() ?? "no fault"} (injected: {Injected}, {Elapsed.TotalSeconds:0.0} s)\nframes: {string.Join(", ", Frames.Select(f => $"{f.Toward}#{f.Number}:{f.Type}"))}\n"
        + $"=== User1 {User1}\n=== User2 {User2}" + (NextCaller is null ? string.Empty : $"\n=== next caller {NextCaller}");
}

/// <summary>Runs the recorded conversation with the apps in memory and the fault proxy between them.</summary>
internal sealed class FaultConversation(string user1Home, string user2Home, FaultTimeouts timeouts)
{
    /// <summary>
    /// The frames toward a side in a clean run: toward the listener hello, key, finish, resume, six records and
    /// the goodbye (11); toward the connector hello, finish, resume, six records and the goodbye (10).
    /// </summary>
    public static int FramesToward(Toward toward) => HandshakeFramesToward(toward) + 8;

    /// <summary>The handshake's frames toward a side: 3 toward the listener, 2 toward the connector.</summary>
    public static int HandshakeFramesToward(Toward toward) => toward == Toward.Listener ? 3 : 2;

    private const int Steps = 6;

    public FaultTimeouts Timeouts => timeouts;

    public async Task<ConversationRun> RunAsync(Fault? fault, string tag)
    {
        var clock = Stopwatch.StartNew();
        int port = TestPorts.Free();
        using var user1In = new TypedInput();
        var user1Out = new LiveText();
        var user1Err = new LiveText();
        Task<AppRun> user1 = AppRun.RunWithInputAsync(ChatRole.Listener, user1In, user1Out, user1Err, null,
            ["--home", user1Home, "--port", Port(port), .. timeouts.Arguments(ChatRole.Listener)]);
        await user1Err.WaitForAsync("Listening on");
        await using FaultProxy proxy = FaultProxy.Start(port, fault);

        using var user2In = new TypedInput();
        var user2Out = new LiveText();
        var user2Err = new LiveText();
        Task<AppRun> user2 = AppRun.RunWithInputAsync(ChatRole.Connector, user2In, user2Out, user2Err, null,
            ["--home", user2Home, "--port", Port(proxy.Port), .. timeouts.Arguments(ChatRole.Connector)]);

        // Typing stops once either side has warned: its conversation is over.
        bool running() => !user1.IsCompleted && !user2.IsCompleted && user1Err.FirstWarningAt == long.MaxValue && user2Err.FirstWarningAt == long.MaxValue;
        bool connected = await UntilAsync(
            () => user1Err.ToString().Contains("Connected to", StringComparison.Ordinal) && user2Err.ToString().Contains("Connected to", StringComparison.Ordinal),
            TimeSpan.FromSeconds(timeouts.Handshake + 2),
            running);
        for (int step = 1; connected && step <= Steps && running(); step++)
        {
            TypedInput sender = step % 2 == 1 ? user2In : user1In;
            sender.Type($"{tag} {(step % 2 == 1 ? "from User2" : "from User1")} line {(step + 1) / 2}");
            int expected = 3 + step; // the record and the peer's receipt for it, after hello, finish and resume
            await UntilAsync(() => proxy.Count(Toward.Listener) >= expected && proxy.Count(Toward.Connector) >= expected, TimeSpan.FromSeconds(timeouts.Keepalive), running);
        }

        // Once one side has reported the fault, the other gets the time to notice it too before User2's input ends.
        bool settled(Task<AppRun> app, LiveText error) => app.IsCompleted || error.FirstWarningAt != long.MaxValue;
        if (connected && !running())
        {
            await UntilAsync(() => settled(user1, user1Err) && settled(user2, user2Err), TimeSpan.FromSeconds(timeouts.Peer + 1), () => true);
        }

        user2In.End();
        AppRun user2Run = await user2;
        user2In.AppReturned();

        // User1 either ends by itself (--once, after a conversation) or, after a failed handshake, keeps listening.
        bool listening() => user1Err.ToString().Contains("failed the handshake and was dropped", StringComparison.Ordinal);
        await UntilAsync(() => user1.IsCompleted || listening(), TimeSpan.FromSeconds(timeouts.Peer + timeouts.Handshake + timeouts.Frame + 3), () => true);
        AppOutcome? next = null;
        bool keptListening = !user1.IsCompleted && listening();
        if (keptListening)
        {
            next = await NextCallerAsync(proxy.Port, tag);
        }

        if (!await UntilAsync(() => user1.IsCompleted, TimeSpan.FromSeconds(timeouts.Peer + timeouts.Frame + 5), () => true))
        {
            user1In.End(); // not expected: the test reports it, but the app must still be ended
        }

        AppRun user1Run = await user1;
        user1In.AppReturned();
        return new ConversationRun(
            fault,
            new AppOutcome(user1Run.ExitCode, user1Run.Output, user1Run.Error, user1In.Consumed, user1In.ConsumedBefore(user1Err.FirstWarningAt)),
            new AppOutcome(user2Run.ExitCode, user2Run.Output, user2Run.Error, user2In.Consumed, user2In.ConsumedBefore(user2Err.FirstWarningAt)),
            proxy.Frames,
            proxy.Injected,
            keptListening,
            next,
            clock.Elapsed);
    }

    /// <summary>A clean caller after a failed handshake: the listener must still serve it.</summary>
    private async Task<AppOutcome> NextCallerAsync(int proxyPort, string tag)
    {
        using var input = new TypedInput();
        input.Type($"{tag} next caller");
        input.End();
        var output = new LiveText();
        var error = new LiveText();
        AppRun run = await AppRun.RunWithInputAsync(ChatRole.Connector, input, output, error, null,
            ["--home", user2Home, "--port", Port(proxyPort), .. timeouts.Arguments(ChatRole.Connector)]);
        input.AppReturned();
        return new AppOutcome(run.ExitCode, run.Output, run.Error, input.Consumed, input.ConsumedBefore(error.FirstWarningAt));
    }

    /// <summary>Waits until <paramref name="done"/>, or the time is up, or <paramref name="worthWaiting"/> turns false.</summary>
    private static async Task<bool> UntilAsync(Func<bool> done, TimeSpan timeout, Func<bool> worthWaiting)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeout || !worthWaiting())
            {
                return done();
            }

            await Task.Delay(5);
        }

        return true;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
