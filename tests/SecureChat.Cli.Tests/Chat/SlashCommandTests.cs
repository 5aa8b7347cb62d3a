using SecureChat.Cli.Chat;

namespace SecureChat.Cli.Tests.Chat;

public sealed class SlashCommandTests
{
    [Theory]
    [InlineData("/quit", CommandVerb.Quit)]
    [InlineData("/EXIT", CommandVerb.Quit)]
    [InlineData("/bye", CommandVerb.Quit)]
    [InlineData("/help", CommandVerb.Help)]
    [InlineData("/?", CommandVerb.Help)]
    [InlineData("/send x", CommandVerb.Send)]
    [InlineData("/accept 2", CommandVerb.Accept)]
    [InlineData("/reject", CommandVerb.Reject)]
    [InlineData("/verify", CommandVerb.Verify)]
    [InlineData("/status", CommandVerb.Status)]
    [InlineData("/dance", CommandVerb.Unknown)]
    public void Parse_EachSpelling_GivesItsVerb(string line, CommandVerb verb) =>
        SlashCommand.Parse(line).Verb.Should().Be(verb);

    [Fact]
    public void Parse_Argument_IsTheTrimmedRestOfTheLine() =>
        SlashCommand.Parse("/send   \"my file.txt\"  ").Should().Be(new SlashCommand(CommandVerb.Send, "/send", "\"my file.txt\""));

    [Fact]
    public void Parse_Unknown_KeepsWhatWasTypedInLowerCase() =>
        SlashCommand.Parse("/DANCE now").Typed.Should().Be("/dance");

    [Fact]
    public void Read_CommandsRead_SlashLineIsACommand() =>
        SlashCommand.Read(" /verify ".TrimStart(), commands: true).Should().Be(new CommandInput(new SlashCommand(CommandVerb.Verify, "/verify", string.Empty)));

    [Fact]
    public void Read_DoubleSlash_SendsALineStartingWithASlash() =>
        SlashCommand.Read("//shrug", commands: true).Should().Be(new TextInput("/shrug"));

    [Theory]
    [InlineData("/var/log/build.log: finished")]
    [InlineData("/quit")]
    [InlineData("//twice")]
    public void Read_ScriptedLines_AreMessagesAsIsSlashesIncluded(string line) =>
        SlashCommand.Read(line, commands: false).Should().Be(new TextInput(line));
}
