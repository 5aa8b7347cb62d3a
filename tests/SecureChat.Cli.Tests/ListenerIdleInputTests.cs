using System.Net.Sockets;
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
        await using Listening user1 = await Listening.StartAsync();

        user1.Screen.Type("/help");
        user1.Screen.Type("a line for nobody");
        user1.Screen.Type("/quit");

        (await user1.Running.WaitAsync(Deadline)).Should().Be(ExitCode.Success);
        user1.Screen.Shown.Should().Contain("system   /quit         leave (also /exit, /bye, or Ctrl+C on an empty line)");
        user1.Screen.Shown.Should().Contain(s => s.StartsWith("warning Not sent: nobody is connected", StringComparison.Ordinal) && s.EndsWith("a line for nobody", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusal_SaysListeningAgain_Issue17()
    {
        await using Listening user1 = await Listening.StartAsync();
        await using SecureSession caller = await user1.CallAsync();
        await user1.Screen.WaitForAsync(s => s.Contains("First contact with \"Mallory\"", StringComparison.Ordinal));

        user1.Screen.Type("no");

        await user1.Screen.WaitForAsync(s => s.Contains($"Still listening on port {user1.Port}.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Answer_TypedTheMomentTheQuestionShows_AnswersIt_Issue17()
    {
        // "no" goes in while the question's first line is being shown, before the rest of it: the earliest a
        // person could answer. A typed-ahead line is dropped before the question, never this one.
        await using Listening user1 = await Listening.StartAsync(new FakeTerminal(interactive: true)
        {
            OnSystem = (screen, line) =>
            {
                if (line.StartsWith("First contact with \"Mallory\"", StringComparison.Ordinal))
                {
                    screen.Type("no");
                }
            },
        });
        await using SecureSession caller = await user1.CallAsync();

        await user1.Screen.WaitForAsync(s => s.Contains($"Still listening on port {user1.Port}.", StringComparison.Ordinal), Deadline);
        user1.Screen.Shown.Should().Contain(s => s.Contains("You refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Question_WhoseCallerLeft_IsWithdrawnAndListeningGoesOn_Issue17()
    {
        await using Listening user1 = await Listening.StartAsync();
        SecureSession caller = await user1.CallAsync();
        await user1.Screen.WaitForAsync(s => s.Contains("First contact with \"Mallory\"", StringComparison.Ordinal));

        await caller.DisposeAsync(); // the caller gives up waiting and leaves

        await user1.Screen.WaitForAsync(s => s.Contains("The question about \"Mallory\" is withdrawn", StringComparison.Ordinal));
        await user1.Screen.WaitForAsync(s => s.Contains($"Still listening on port {user1.Port}.", StringComparison.Ordinal));
        user1.Screen.Type("yes"); // too late: it answers nothing
        await user1.Screen.WaitForAsync(s => s.StartsWith("warning Not sent: nobody is connected", StringComparison.Ordinal));
        user1.Screen.Shown.Should().NotContain(s => s.Contains("remembered its key", StringComparison.Ordinal));
    }

    /// <summary>User1 listening at a (fake) terminal that asks about new peers.</summary>
    private sealed class Listening : IAsyncDisposable
    {
        private readonly TempHome _home = new();
        private readonly IdentityKey _caller = IdentityKey.Generate(2048);
        private RunningListener? _user1;

        public int Port { get; } = TestPorts.Free();

        public FakeTerminal Screen { get; private init; } = new(interactive: true);

        public Task<int> Running => _user1?.Running ?? Task.FromResult(0);

        public static async Task<Listening> StartAsync(FakeTerminal? screen = null)
        {
            var user1 = new Listening { Screen = screen ?? new FakeTerminal(interactive: true) };
            user1._user1 = await RunningListener.StartAsync(ListenerSettings.For(user1._home.Path, user1.Port, TrustPolicy.Ask) with { ReceiptWait = TimeSpan.FromSeconds(10) }, user1.Screen);
            return user1;
        }

        /// <summary>A caller whose handshake is done and who waits for the listener's decision.</summary>
        public async Task<SecureSession> CallAsync()
        {
            var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var options = new SessionOptions { Identity = _caller, Name = "Mallory", TrustPeer = (_, _) => ValueTask.FromResult(true), HandshakeTimeout = TimeSpan.FromMinutes(1) };
            return await SecureSession.InitiateAsync(client.GetStream(), options, new Conversation());
        }

        public async ValueTask DisposeAsync()
        {
            if (_user1 is not null)
            {
                await _user1.StopAsync();
                await _user1.DisposeAsync();
            }

            _caller.Dispose();
            _home.Dispose();
        }
    }
}
