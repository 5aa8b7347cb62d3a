using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Views;

/// <summary>Issue 17 item 8: the view follows the input and the terminal, never where the output goes.</summary>
public sealed class ViewChoiceTests
{
    private static readonly (int, int) Roomy = (160, 45);

    [Fact]
    public void Choose_StdinNotATerminal_IsScript() =>
        ViewChoice.Choose(inputIsTerminal: false, scriptAsked: false, Env(), Roomy).Should().Be(ViewKind.Script);

    [Fact]
    public void Choose_ScriptAskedAtATerminal_IsScript() =>
        ViewChoice.Choose(inputIsTerminal: true, scriptAsked: true, Env(), Roomy).Should().Be(ViewKind.Script);

    [Fact]
    public void Choose_TerminalOfGoodSize_IsScreen() =>
        ViewChoice.Choose(inputIsTerminal: true, scriptAsked: false, Env(("TERM", "xterm-256color")), Roomy).Should().Be(ViewKind.Screen);

    [Theory]
    [InlineData("NO_COLOR", "1")]
    [InlineData("TERM", "dumb")]
    public void Choose_PlainTerminalAsked_IsLine(string variable, string value) =>
        ViewChoice.Choose(inputIsTerminal: true, scriptAsked: false, Env((variable, value)), Roomy).Should().Be(ViewKind.Line);

    [Fact]
    public void Choose_NoColorEmpty_DoesNotCount() =>
        ViewChoice.Choose(inputIsTerminal: true, scriptAsked: false, Env(("NO_COLOR", string.Empty)), Roomy).Should().Be(ViewKind.Screen);

    [Theory]
    [InlineData(39, 45)]
    [InlineData(160, 9)]
    public void Choose_TerminalTooSmall_IsLine(int width, int height) =>
        ViewChoice.Choose(inputIsTerminal: true, scriptAsked: false, Env(), (width, height)).Should().Be(ViewKind.Line);

    [Fact]
    public void Choose_SmallestScreen_IsScreen() =>
        ViewChoice.Choose(inputIsTerminal: true, scriptAsked: false, Env(), (ViewChoice.MinWidth, ViewChoice.MinHeight)).Should().Be(ViewKind.Screen);

    [Fact]
    public void Choose_SizeUnknown_IsLine() =>
        ViewChoice.Choose(inputIsTerminal: true, scriptAsked: false, Env(), size: null).Should().Be(ViewKind.Line);

    private static Func<string, string?> Env(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(v => v.Name == name).Value;
}
