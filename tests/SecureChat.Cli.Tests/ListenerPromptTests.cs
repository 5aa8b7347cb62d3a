using System.Globalization;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;
using SecureChat.Cli.Trust;

namespace SecureChat.Cli.Tests;

/// <summary>The listener's trust prompt at a terminal (found in review): only what is typed after it answers it, and a stranger never gets one mid-chat.</summary>
public sealed class ListenerPromptTests
{
    [Fact]
    public async Task Prompt_LinesTypedBeforeIt_DoNotAnswerIt()
    {
        using var home = new TempHome();
        using var bobHome = new TempHome();
        int port = TestPorts.Free();
        var screen = new FakeTerminal(interactive: true);
        await using RunningListener user1 = await RunningListener.StartAsync(Settings(home.Path, port), screen);

        screen.Type("yes"); // typed while nobody was there, for some other purpose
        using var bobInput = new GatedInput();
        Task<AppRun> bob = Connect(bobHome.Path, port, "Bob", bobInput);
        await screen.WaitForAsync(s => s.Contains("First contact with \"Bob\"", StringComparison.Ordinal));
        await Task.Delay(500);

        screen.Shown.Should().NotContain(s => s.Contains("remembered its key", StringComparison.Ordinal), "the early 'yes' must not answer the question");
        screen.Type("no");
        await screen.WaitForAsync(s => s.Contains("You refused", StringComparison.Ordinal));
        (await bob).ExitCode.Should().Be(ExitCode.AuthenticationFailed);
        await user1.StopAsync();
    }

    [Fact]
    public async Task Prompt_AnotherCallerArrivesMeanwhile_IsTurnedAwayWithoutAPrompt()
    {
        using var home = new TempHome();
        using var bobHome = new TempHome();
        using var malloryHome = new TempHome();
        int port = TestPorts.Free();
        var screen = new FakeTerminal(interactive: true);
        await using RunningListener user1 = await RunningListener.StartAsync(Settings(home.Path, port), screen);

        using var bobInput = new GatedInput();
        Task<AppRun> bob = Connect(bobHome.Path, port, "Bob", bobInput);
        await screen.WaitForAsync(s => s.Contains("First contact with \"Bob\"", StringComparison.Ordinal));
        using var malloryInput = new GatedInput();
        AppRun mallory = await Connect(malloryHome.Path, port, "Mallory", malloryInput);
        screen.Type("yes");
        await screen.WaitForAsync(s => s.StartsWith("system Connected to Bob", StringComparison.Ordinal));

        mallory.ExitCode.Should().Be(ExitCode.ConnectionFailed, mallory.Error);
        mallory.Error.Should().Contain("is busy");
        screen.Shown.Count(s => s.Contains("First contact with", StringComparison.Ordinal) && s.Contains('"', StringComparison.Ordinal)).Should().Be(1, "Mallory never gets a prompt");
        bobInput.End();
        (await bob).ExitCode.Should().Be(ExitCode.Success);
        await user1.StopAsync();
    }

    private static ChatSettings Settings(string home, int port) => ListenerSettings.For(home, port, TrustPolicy.Ask) with { ReceiptWait = TimeSpan.FromSeconds(10) };

    private static Task<AppRun> Connect(string home, int port, string name, TextReader input) =>
        AppRun.RunWithInputAsync(ChatRole.Connector, input, new StringWriter(), null,
            "--home", home, "--port", port.ToString(CultureInfo.InvariantCulture), "--name", name, "--wait", "2");
}
