using System.Text;
using System.Text.Json;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Framing;

public sealed class CanonicalBase64ConverterTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static TheoryData<string> NotCanonical => new()
    {
        // Bits the padding leaves over that are not zero.
        "QR==",
        "QX==",
        "Q/==",
        "QUJ=",
        "QUL=",
        "AB==",
        "AAB=",
        "AAF=",
        // Missing or misplaced padding, or the wrong length.
        "QQ",
        "QQ=",
        "QUI",
        "A",
        "AA",
        "AAA",
        "AAAAA",
        "A===",
        "====",
        "=AAA",
        "==AA",
        "A=AA",
        "AA=A",
        "QQ==QQ==",
        "QQ==AAAA",
        "QQ===",
        "QUI==",
        // Whitespace and line breaks anywhere.
        " QQ==",
        "QQ== ",
        "QQ ==",
        "Q Q=",
        "QQ==\n",
        "QQ\n==",
        "QUJD\r\nQUJD",
        "QUJD\tQUJD",
        // Other alphabets and characters.
        "-_8=",
        "_w==",
        "-w==",
        "QUJ-",
        "QUJ_",
        "QUJ.",
        "QUJ*",
        "QUJ\0",
        "QUJé",
    };

    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "+w==")]
    [InlineData(2, "+/8=")]
    [InlineData(3, "+/+/")]
    [InlineData(4, "+/+/AA==")]
    [InlineData(5, "+/+/AH4=")]
    public void IsCanonical_CanonicalStringsOfZeroToFiveBytes_AreAcceptedAndDecode(int length, string text)
    {
        byte[] bytes = new byte[] { 0xFB, 0xFF, 0xBF, 0x00, 0x7E }[..length];
        Convert.ToBase64String(bytes).Should().Be(text, "the expected text is the standard encoding");

        CanonicalBase64Converter.IsCanonical(Encoding.ASCII.GetBytes(text)).Should().BeTrue();
        ParseSealed(text).Should().Equal(bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void IsCanonical_RandomBytesEncoded_AreAcceptedAndDecode(int length)
    {
        var random = new Random(length);
        for (int i = 0; i < 50; i++)
        {
            byte[] bytes = new byte[length];
            random.NextBytes(bytes);
            string text = Convert.ToBase64String(bytes);

            CanonicalBase64Converter.IsCanonical(Encoding.ASCII.GetBytes(text)).Should().BeTrue(text);
            ParseSealed(text).Should().Equal(bytes, text);
        }
    }

    [Theory]
    [MemberData(nameof(NotCanonical))]
    public void IsCanonical_NotCanonical_ReturnsFalse(string text)
    {
        CanonicalBase64Converter.IsCanonical(Encoding.UTF8.GetBytes(text)).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(NotCanonical))]
    public void Parse_RecordFrameWithNonCanonicalSealed_ThrowsProtocolViolation(string text)
    {
        // JsonSerializer escapes what JSON requires (a line break, a NUL) and nothing else that matters here.
        string json = $$"""{"type":"record","seq":0,"sealed":{{JsonSerializer.Serialize(text)}}}""";

        Action act = () => ParseSealed(Encoding.UTF8.GetBytes(json));

        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Fact]
    public void IsCanonical_EveryOneByteSpelling_IsCanonicalExactlyWhenItIsTheStandardEncoding()
    {
        // .NET's own decoder ignores the spare bits, so it maps 16 spellings onto each byte: only the
        // one the encoder writes may pass.
        int accepted = 0;
        foreach (char a in Alphabet)
        {
            foreach (char b in Alphabet)
            {
                string text = $"{a}{b}==";
                bool standard = Convert.ToBase64String(Convert.FromBase64String(text)) == text;

                CanonicalBase64Converter.IsCanonical(Encoding.ASCII.GetBytes(text)).Should().Be(standard, text);
                accepted += standard ? 1 : 0;
            }
        }

        accepted.Should().Be(256);
    }

    [Fact]
    public void IsCanonical_EveryTwoByteSpelling_IsCanonicalExactlyWhenItIsTheStandardEncoding()
    {
        int accepted = 0;
        byte[] text = new byte[4];
        text[3] = (byte)'=';
        foreach (char a in Alphabet)
        {
            foreach (char b in Alphabet)
            {
                foreach (char c in Alphabet)
                {
                    (text[0], text[1], text[2]) = ((byte)a, (byte)b, (byte)c);
                    string s = Encoding.ASCII.GetString(text);
                    bool standard = Convert.ToBase64String(Convert.FromBase64String(s)) == s;

                    if (CanonicalBase64Converter.IsCanonical(text) != standard)
                    {
                        Assert.Fail($"IsCanonical(\"{s}\") should be {standard}.");
                    }

                    accepted += standard ? 1 : 0;
                }
            }
        }

        accepted.Should().Be(65_536);
    }

    [Theory]
    [InlineData("\\u0041\\u0041==")]
    [InlineData("A\\u0041==")]
    [InlineData("QQ\\u003d\\u003d")]
    [InlineData("\\/w==")]
    [InlineData("\\u002Bw==")]
    [InlineData("QUJ\\u0044")]
    public void Parse_SealedWithJsonEscapes_ThrowsProtocolViolationEvenWhenTheTextIsCanonical(string escaped)
    {
        // Each of these unescapes to a canonical string: the escape alone must be enough to refuse it.
        string unescaped = JsonSerializer.Deserialize<string>($"\"{escaped}\"")!;
        CanonicalBase64Converter.IsCanonical(Encoding.ASCII.GetBytes(unescaped)).Should().BeTrue(unescaped);

        Action act = () => ParseSealed(Encoding.UTF8.GetBytes($$"""{"type":"record","seq":0,"sealed":"{{escaped}}"}"""));

        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Theory]
    [InlineData("QQ==", "QR==")]
    [InlineData("QUI=", "QUJ=")]
    [InlineData("AA==", "AP==")]
    public void Parse_TwoSpellingsOfTheSameBytes_OnlyTheCanonicalOneIsAccepted(string canonical, string other)
    {
        Convert.FromBase64String(other).Should().Equal(Convert.FromBase64String(canonical), "the lenient decoder maps both to the same bytes");

        ParseSealed(canonical).Should().Equal(Convert.FromBase64String(canonical));
        Action act = () => ParseSealed(other);
        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(100)]
    public void Write_Bytes_IsTheStandardPaddedEncoding(int length)
    {
        byte[] bytes = Enumerable.Range(0, length).Select(i => unchecked((byte)(0xF8 + i))).ToArray();

        byte[] wire = FrameJson.Encode(new RecordFrame(0, bytes), ProtocolJsonContext.Default.RecordFrame);

        string json = Encoding.UTF8.GetString(new Frame(wire).Payload.Span);
        json.Should().Be($$"""{"type":"record","seq":0,"sealed":"{{Convert.ToBase64String(bytes)}}"}""");
    }

    [Fact]
    public void Read_NotAString_ThrowsJsonException()
    {
        var converter = new CanonicalBase64Converter();
        var reader = new Utf8JsonReader("[0,1]"u8);
        reader.Read();

        try
        {
            converter.Read(ref reader, typeof(byte[]), JsonSerializerOptions.Default);
        }
        catch (JsonException)
        {
            return;
        }

        Assert.Fail("A JSON array was read as a byte string.");
    }

    private static byte[] ParseSealed(string text) =>
        ParseSealed(Encoding.UTF8.GetBytes($$"""{"type":"record","seq":0,"sealed":"{{text}}"}"""));

    private static byte[] ParseSealed(byte[] json) =>
        FrameJson.Parse(json, ProtocolJsonContext.Default.RecordFrame).Sealed;
}
