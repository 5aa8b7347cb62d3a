using SecureChat.Cli.Chat;
using SecureChat.Cli.Tests.Chat;
using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Views;

public sealed class TerminalInputTests
{
    [Fact]
    public async Task Read_PersonAtATerminal_CommandsAreCommandsAndEmptyLinesSkipped()
    {
        var terminal = new FakeTerminal(interactive: true);
        var input = new TerminalInput(terminal);
        terminal.Type(string.Empty);
        terminal.Type("/quit");
        terminal.Type("//shrug");
        terminal.EndInput();

        (await input.ReadAsync(default)).Should().BeOfType<CommandInput>().Which.Command.Verb.Should().Be(CommandVerb.Quit);
        (await input.ReadAsync(default)).Should().Be(new TextInput("/shrug"));
        (await input.ReadAsync(default)).Should().BeNull();
    }

    [Fact]
    public async Task Read_Script_EveryLineIsAMessage()
    {
        var terminal = new FakeTerminal(interactive: false);
        var input = new TerminalInput(terminal);
        terminal.Type("/quit");
        terminal.EndInput();

        (await input.ReadAsync(default)).Should().Be(new TextInput("/quit"));
        (await input.ReadAsync(default)).Should().BeNull();
    }
}
