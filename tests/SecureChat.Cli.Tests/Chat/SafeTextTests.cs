using SecureChat.Cli.Views;

namespace SecureChat.Cli.Tests.Chat;

public sealed class SafeTextTests
{
    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("caf\u00e9 \U0001F600", "caf\u00e9 \U0001F600")]
    [InlineData("\u001b[2Jgone", "\\u001b[2Jgone")]
    [InlineData("line\nbreak", "line\\u000abreak")]
    [InlineData("\u202eevil", "\\u202eevil")]
    public void ForTerminal_PeerText_NothingCanActOnTheTerminal(string text, string expected)
    {
        SafeText.ForTerminal(text).Should().Be(expected);
    }

    [Fact]
    public void ForTerminal_LoneSurrogate_IsShownAsAnEscape()
    {
        // Not an InlineData: xUnit's serialisation of test cases would mangle the lone surrogate.
        SafeText.ForTerminal("a" + (char)0xD800 + "b").Should().Be("a\\ud800b");
    }
}
