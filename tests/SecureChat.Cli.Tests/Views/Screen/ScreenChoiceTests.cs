using SecureChat.Cli.Views.Screen;

namespace SecureChat.Cli.Tests.Views.Screen;

public sealed class ScreenChoiceTests
{
    [Fact]
    public void Suits_AnOrdinaryTerminal_Yes() =>
        ScreenView.Suits(_ => null, columns: 80, rows: 24).Should().BeTrue();

    [Fact]
    public void Suits_NoColorSet_No() =>
        ScreenView.Suits(name => name == "NO_COLOR" ? "1" : null, columns: 80, rows: 24).Should().BeFalse();

    [Fact]
    public void Suits_DumbTerminal_No() =>
        ScreenView.Suits(name => name == "TERM" ? "dumb" : null, columns: 80, rows: 24).Should().BeFalse();

    [Theory]
    [InlineData(39, 24)]
    [InlineData(80, 9)]
    [InlineData(0, 0)]
    public void Suits_TooSmall_No(int columns, int rows) =>
        ScreenView.Suits(_ => null, columns, rows).Should().BeFalse();

    [Fact]
    public void TryCreate_NoColorSet_DeclinesSoTheLineViewTakesOver() =>
        ScreenView.TryCreate("Alice> ", listener: true, name => name == "NO_COLOR" ? "1" : null, TextWriter.Null).Should().BeNull();
}
