using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Cli.Trust;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Tests;

/// <summary>Issue 17 items 2 and 7: User1 at a terminal while no conversation runs.</summary>
public sealed class ListenerIdleInputTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Quit_WhileWaitingForACaller_LeavesAtOnce_Issue17()
    {
        using var home = new TempHome();
        var screen = new FakeTerminal(interactive: true);
        using var runner = new ChatRunner(Settings(home.Path, TestPorts.Free()), screen, NullLogger.Instance, _ => null);
        Task<int> listening = runner.RunAsync(CancellationToken.None);
        await screen.WaitForAsync(s => s.Contains("Listening on", StringComparison.Ordinal));

        screen.Type("/help");
        screen.Type("a line for nobody");
        screen.Type("/quit");

        (await listening.WaitAsync(Deadline)).Should().Be(ExitCode.Success);
        screen.Shown.Should().Contain("system   /quit         leave (also /exit, /bye, or Ctrl+C on an empty line)");
        screen.Shown.Should().Contain(s => s.StartsWith("warning Not sent: nobody is connected", StringComparison.Ordinal) && s.EndsWith("a line for nobody", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusal_SaysListeningAgain_Issue17()
    {
        using var home = new TempHome();
        int port = TestPorts.Free();
        var screen = new FakeTerminal(interactive: true);
        using var runner = new ChatRunner(Settings(home.Path, port), screen, NullLogger.Instance, _ => null);
        using var stop = new CancellationTokenSource();
        Task<int> listening = runner.RunAsync(stop.Token);
        await screen.WaitForAsync(s => s.Contains("Listening on", StringComparison.Ordinal));
        using IdentityKey caller = IdentityKey.Generate(2048);
        (SecureSession session, _) = await CallAsync(port, caller);
        await using SecureSession callerSession = session;
        await screen.WaitForAsync(s => s.Contains("First contact with \"Mallory\"", StringComparison.Ordinal));

        screen.Type("no");

        await screen.WaitForAsync(s => s.Contains($"Still listening on port {port}.", StringComparison.Ordinal));
        await stop.CancelAsync();
        await listening.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Question_WhoseCallerLeft_IsWithdrawnAndListeningGoesOn_Issue17()
    {
        using var home = new TempHome();
        int port = TestPorts.Free();
        var screen = new FakeTerminal(interactive: true);
        using var runner = new ChatRunner(Settings(home.Path, port), screen, NullLogger.Instance, _ => null);
        using var stop = new CancellationTokenSource();
        Task<int> listening = runner.RunAsync(stop.Token);
        await screen.WaitForAsync(s => s.Contains("Listening on", StringComparison.Ordinal));
        using IdentityKey caller = IdentityKey.Generate(2048);
        (SecureSession session, _) = await CallAsync(port, caller);
        await screen.WaitForAsync(s => s.Contains("First contact with \"Mallory\"", StringComparison.Ordinal));

        await session.DisposeAsync(); // the caller gives up waiting and leaves

        await screen.WaitForAsync(s => s.Contains("The question about \"Mallory\" is withdrawn", StringComparison.Ordinal));
        await screen.WaitForAsync(s => s.Contains($"Still listening on port {port}.", StringComparison.Ordinal));
        screen.Type("yes"); // too late: it answers nothing
        await screen.WaitForAsync(s => s.StartsWith("warning Not sent: nobody is connected", StringComparison.Ordinal));
        screen.Shown.Should().NotContain(s => s.Contains("remembered its key", StringComparison.Ordinal));
        await stop.CancelAsync();
        await listening.WaitAsync(Deadline);
    }

    private static ChatSettings Settings(string home, int port) => ListenerSettings.For(home, port, TrustPolicy.Ask) with { ReceiptWait = TimeSpan.FromSeconds(10) };

    /// <summary>A caller whose handshake is done and who waits for the listener's decision.</summary>
    private static async Task<(SecureSession Session, Conversation Conversation)> CallAsync(int port, IdentityKey key)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var conversation = new Conversation();
        SecureSession session = await SecureSession.InitiateAsync(client.GetStream(), new SessionOptions { Identity = key, Name = "Mallory", TrustPeer = (_, _) => ValueTask.FromResult(true), HandshakeTimeout = TimeSpan.FromMinutes(1) }, conversation);
        return (session, conversation);
    }
}
