using Microsoft.Extensions.Logging.Abstractions;
using SecureChat.Cli.Views;
using SecureChat.Cli.Views.Script;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;

namespace SecureChat.Cli.Tests.Network;

/// <summary>
/// Issue 16 item 3: a defect of ours while connecting is not blamed on the peer. User2 exits 70 and asks
/// for a report, where it used to let the exception escape (or, inside a handshake step, call it a
/// protocol violation by User1, exit 76).
/// </summary>
public sealed class DialerDefectTests
{
    [Fact]
    public async Task Connector_DefectInTheTrustDecision_Exits70AskingForAReport()
    {
        using var home = new TempHome();
        using var user2Home = new TempHome();
        int port = TestPorts.Free();
        using var listenerInput = new TypedInput();
        await using RunningListener user1 = await RunningListener.StartAsync(ListenerSettings.For(home.Path, port), new ScriptedTerminal(listenerInput, new LiveText(), new LiveText()));

        var error = new LiveText();
        using var input = new TypedInput();
        var terminal = new DefectiveTerminal(new ScriptedTerminal(input, new LiveText(), error), failOn: "First contact");
        ChatSettings settings = ListenerSettings.For(user2Home.Path, port) with { Role = ChatRole.Connector, ProgramName = "User2", Name = "User2" };
        using var connector = new ChatRunner(settings, terminal, NullLogger.Instance, _ => null);

        int exitCode = await connector.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        exitCode.Should().Be(ExitCode.InternalError, error.ToString());
        error.ToString().Should().Contain("InvalidOperationException: a defect for the test").And.Contain("please report").And.NotContain("broke the protocol");
        await user1.StopAsync();
    }

    /// <summary>A terminal with a defect: showing a system line that contains <paramref name="failOn"/> throws.</summary>
    private sealed class DefectiveTerminal(IChatTerminal inner, string failOn) : IChatTerminal
    {
        public bool IsInteractive => inner.IsInteractive;

        public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => inner.ReadLineAsync(cancellationToken);

        public void DiscardPendingInput() => inner.DiscardPendingInput();

        public string? TakeUnusedLine() => inner.TakeUnusedLine();

        public UnreadInput TakeUnreadInput(TimeSpan quiet) => inner.TakeUnreadInput(quiet);

        public void ShowIncoming(DateTimeOffset at, string name, string text) => inner.ShowIncoming(at, name, text);

        public void ShowOwn(DateTimeOffset at, string name, string text) => inner.ShowOwn(at, name, text);

        public void ShowSystem(string line)
        {
            if (line.Contains(failOn, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("a defect for the test");
            }

            inner.ShowSystem(line);
        }

        public void ShowWarning(string line) => inner.ShowWarning(line);

        public void ShowProgress(string? line) => inner.ShowProgress(line);
    }
}
