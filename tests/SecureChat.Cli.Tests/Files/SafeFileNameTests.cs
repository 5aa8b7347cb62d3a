using System.Text;
using SecureChat.Cli.Files;

namespace SecureChat.Cli.Tests.Files;

public sealed class SafeFileNameTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("holiday photo 2.jpg", "holiday photo 2.jpg")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\Windows\\win.ini", "win.ini")]
    [InlineData("C:\\x", "x")]
    [InlineData("C:x", "x")]
    [InlineData("d:report.pdf", "report.pdf")]
    [InlineData("/abs/mixed\\sep/name.txt", "name.txt")]
    [InlineData("a/b/..", "file")]
    [InlineData("dir/", "file")]
    public void FromPeer_PathLikeName_KeepsOnlyTheLastSegment(string offered, string expected)
    {
        SafeFileName.FromPeer(offered).Should().Be(expected);
    }

    [Theory]
    [InlineData("con", "_con")]
    [InlineData("CON.txt", "_CON.txt")]
    [InlineData("Con.txt", "_Con.txt")]
    [InlineData("lpt9", "_lpt9")]
    [InlineData("nul.tar.gz", "_nul.tar.gz")]
    [InlineData("PRN", "_PRN")]
    [InlineData("aux.c", "_aux.c")]
    [InlineData("com1.log", "_com1.log")]
    [InlineData("COM\u00b9", "_COM\u00b9")]
    [InlineData("lpt\u00b3.txt", "_lpt\u00b3.txt")]
    [InlineData("con .txt", "_con .txt")]
    [InlineData("conout$", "_conout$")]
    [InlineData("dir/NUL", "_NUL")]
    [InlineData("c\u202eon", "_con")]
    public void FromPeer_WindowsDeviceName_GetsAnUnderscorePrefix(string offered, string expected)
    {
        SafeFileName.FromPeer(offered).Should().Be(expected);
    }

    [Theory]
    [InlineData("console.txt")]
    [InlineData("com10")]
    [InlineData("nullable.cs")]
    [InlineData("lpt")]
    [InlineData("my con.txt")]
    [InlineData("x.con")]
    public void FromPeer_NameThatOnlyResemblesADevice_IsUnchanged(string offered)
    {
        SafeFileName.FromPeer(offered).Should().Be(offered);
    }

    [Theory]
    [InlineData("a\u001b[2Jb.txt", "a[2Jb.txt")]
    [InlineData("\u001b]0;pwned\u0007x", "]0;pwnedx")]
    [InlineData("evil\u202etxt.exe", "eviltxt.exe")]
    [InlineData("line\nbreak\r.txt", "linebreak.txt")]
    [InlineData("tab\there", "tabhere")]
    [InlineData("zero\u200bwidth", "zerowidth")]
    [InlineData("soft\u00adhyphen", "softhyphen")]
    [InlineData("line\u2028para\u2029end", "lineparaend")]
    [InlineData("private\ue000use", "privateuse")]
    [InlineData("nul\0byte", "nulbyte")]
    [InlineData("del\u007fete", "delete")]
    public void FromPeer_ControlFormatAndSeparatorCharacters_AreRemoved(string offered, string expected)
    {
        SafeFileName.FromPeer(offered).Should().Be(expected);
    }

    [Fact]
    public void FromPeer_CharactersInvalidOnWindows_AreRemoved()
    {
        SafeFileName.FromPeer("a<b>c:d\"e|f?g*h.txt").Should().Be("abcdefgh.txt");
    }

    [Fact]
    public void FromPeer_LoneSurrogates_AreRemoved()
    {
        // Not InlineData: xUnit's serialisation of test cases would mangle lone surrogates.
        SafeFileName.FromPeer("a" + (char)0xD800 + "b" + (char)0xDC00 + "c" + (char)0xD83D).Should().Be("abc");
    }

    [Fact]
    public void FromPeer_SupplementaryPrivateUse_IsRemoved()
    {
        SafeFileName.FromPeer("a" + char.ConvertFromUtf32(0xF0000) + "b").Should().Be("ab");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData(" . . ")]
    [InlineData("\u202e")]
    [InlineData("<>|")]
    [InlineData("/")]
    public void FromPeer_NothingUsableLeft_IsFile(string offered)
    {
        SafeFileName.FromPeer(offered).Should().Be("file");
    }

    [Theory]
    [InlineData(".bashrc", "bashrc")]
    [InlineData("...hidden", "hidden")]
    [InlineData(" .profile", "profile")]
    [InlineData(".report.pdf.0123456789abcdef.securechat-partial", "report.pdf.0123456789abcdef.securechat-partial")]
    [InlineData("\u202e.ssh", "ssh")]
    public void FromPeer_LeadingDots_AreRemoved(string offered, string expected)
    {
        SafeFileName.FromPeer(offered).Should().Be(expected);
    }

    [Theory]
    [InlineData("report.pdf. . ", "report.pdf")]
    [InlineData("  spaced out  ", "spaced out")]
    [InlineData("\u00a0nbsp\u3000", "nbsp")]
    public void FromPeer_TrailingDotsAndWhitespace_AreTrimmed(string offered, string expected)
    {
        SafeFileName.FromPeer(offered).Should().Be(expected);
    }

    [Fact]
    public void FromPeer_Emoji_ArePreserved()
    {
        SafeFileName.FromPeer("\U0001F600 party \U0001F389.txt").Should().Be("\U0001F600 party \U0001F389.txt");
    }

    [Fact]
    public void FromPeer_FourThousandCharacters_FitsIn200BytesAndKeepsTheExtension()
    {
        string name = SafeFileName.FromPeer(new string('a', 4_000) + ".txt");

        Encoding.UTF8.GetByteCount(name).Should().Be(200);
        name.Should().Be(new string('a', 196) + ".txt");
    }

    [Fact]
    public void FromPeer_LongEmojiName_CutsBetweenPairsNeverInside()
    {
        string emoji = "\U0001F600";
        string name = SafeFileName.FromPeer("a" + string.Concat(Enumerable.Repeat(emoji, 1_000)) + ".txt");

        // 196 bytes for the stem: 'a' (1) + 48 emoji (192); a 49th would need 197.
        name.Should().Be("a" + string.Concat(Enumerable.Repeat(emoji, 48)) + ".txt");
        StrictUtf8.GetByteCount(name).Should().Be(197);
    }

    [Fact]
    public void FromPeer_LongThreeByteName_CutsBetweenCharacters()
    {
        string name = SafeFileName.FromPeer(new string('\u4e2d', 1_000) + ".txt");

        name.Should().Be(new string('\u4e2d', 65) + ".txt");
        Encoding.UTF8.GetByteCount(name).Should().Be(199);
    }

    [Fact]
    public void FromPeer_LongNameWithOverlongExtension_IsCutWithoutKeepingIt()
    {
        string name = SafeFileName.FromPeer(new string('a', 300) + "." + new string('b', 17));

        name.Should().Be(new string('a', 200));
    }

    [Fact]
    public void FromPeer_CutEndsInADot_TheDotIsTrimmed()
    {
        // The 17-character "extension" is not kept, so the cut at 200 bytes lands just after the dot.
        string name = SafeFileName.FromPeer(new string('a', 199) + "." + new string('b', 30));

        name.Should().Be(new string('a', 199));
    }

    [Fact]
    public void FromPeer_CutMakesADeviceName_StillPrefixedAndWithin200Bytes()
    {
        // Cutting "CON<300 spaces>x" leaves "CON<spaces>", and Windows ignores spaces before the extension.
        string name = SafeFileName.FromPeer("CON" + new string(' ', 300) + "x.txt");

        name.Should().StartWith("_CON ").And.EndWith(" .txt");
        Encoding.UTF8.GetByteCount(name).Should().Be(200);
    }

    [Fact]
    public void FromPeer_Null_Throws()
    {
        Action act = () => SafeFileName.FromPeer(null!);

        act.Should().Throw<ArgumentNullException>();
    }
}
