using SecureChat.Protocol.Errors;

namespace SecureChat.Protocol.Tests.Errors;

public sealed class PeerTextTests
{
    [Theory]
    [InlineData("hello", "\"hello\"")]
    [InlineData("caf\u00e9", "\"caf\u00e9\"")]
    [InlineData("\u001b[2J", "\"\\u001b[2J\"")]
    [InlineData("a\"b\\c", "\"a\\u0022b\\u005cc\"")]
    [InlineData("\u202eevil", "\"\\u202eevil\"")]
    [InlineData(null, "null")]
    public void Quote_PeerText_ShowsOnlyPrintableCharacters(string? text, string expected)
    {
        PeerText.Quote(text).Should().Be(expected);
    }

    [Fact]
    public void Quote_LongText_IsCutWithAnEllipsis()
    {
        PeerText.Quote(new string('x', 1000)).Should().Be("\"" + new string('x', PeerText.MaxShown) + "\"…");
    }
}
