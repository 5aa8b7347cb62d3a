using System.Globalization;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Cli.Views.Script;

namespace SecureChat.Cli.Tests;

/// <summary>
/// Scripted mode reads stdin on its own thread, and a read still waiting when a conversation ends is
/// kept for the next one. Whatever such a read took must be sent or listed, never dropped.
/// </summary>
public sealed class UnsentInputTests
{
    /// <summary>
    /// Regression (issue 6, found by the fault matrix, "a line read as the conversation ended was lost
    /// silently"): when the session failed while the script was writing, the line the abandoned read took
    /// was neither sent nor listed, and the app exited as if it had never been written.
    /// </summary>
    [Fact]
    public async Task Listener_LineReadAfterTheConversationEndedAndThenStopped_IsListedAsNeverDelivered()
    {
        using var home = new TempHome();
        using var user2Home = new TempHome();
        int port = TestPorts.Free();
        using var input = new TypedInput();
        var output = new LiveText();
        var error = new LiveText();
        await using RunningListener user1 = await RunningListener.StartAsync(Settings(home.Path, port), new ScriptedTerminal(input, output, error));

        AppRun user2 = await AppRun.RunWithInputAsync(ChatRole.Connector, "hello\n", null,
            "--home", user2Home.Path, "--port", port.ToString(CultureInfo.InvariantCulture), "--wait", "2");
        user2.ExitCode.Should().Be(ExitCode.Success, user2.Error);
        await error.WaitForAsync("Still listening");

        input.Type("written between conversations");
        await WaitUntilAsync(() => input.Consumed.Count == 1); // the read left over from the conversation took it
        int exitCode = await user1.StopAsync(); // Ctrl+C before anyone else called

        error.ToString().Should().Contain("never confirmed delivered").And.Contain("  written between conversations");
        exitCode.Should().Be(ExitCode.Success, "Ctrl+C exits 0, as /quit does, with the undelivered listed");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
            await Task.Delay(10);
        }
    }

    private static ChatSettings Settings(string home, int port) => ListenerSettings.For(home, port);
}
