using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;

namespace SecureChat.Protocol.Tests.Framing;

public sealed class FrameJsonReadTypeTests
{
    public static TheoryData<string> NotOneObjectWithOneStringType => new()
    {
        // Not an object.
        "",
        " ",
        "null",
        "42",
        "true",
        "\"record\"",
        "[]",
        """[{"type":"record"}]""",
        // No type.
        "{}",
        """{"kind":"text"}""",
        """{"Type":"record"}""",
        """{"a":{"type":"record"}}""",
        """{"a":[{"type":"record"}]}""",
        // A type that is not a string.
        """{"type":1}""",
        """{"type":null}""",
        """{"type":true}""",
        """{"type":{}}""",
        """{"type":{"type":"record"}}""",
        """{"type":["record"]}""",
        // A repeated type, also when spelled with an escape.
        """{"type":"record","type":"record"}""",
        """{"type":"record","seq":1,"type":"abort"}""",
        """{"type":"record","\u0074ype":"abort"}""",
        """{"type":1,"type":"record"}""",
        """{"type":"record","type":1}""",
        // Bytes after the object.
        """{"type":"record"}x""",
        """{"type":"record"}{}""",
        """{"type":"record"} {"type":"abort"}""",
        """{"type":"record"}}""",
        """{"type":"record"}]""",
        """{"type":"record"},""",
        """{"type":"record"} 1""",
        """{"type":"record"}null""",
        // Not JSON.
        """{"type":"record\"}""",
        """{"type":"record",}""",
        """{"type":"record" "seq":1}""",
        "{\"type\":\"record\"",
        "{\"type\":",
        "{",
        "{'type':'record'}",
        "{type:\"record\"}",
        """/*c*/{"type":"record"}""",
        """{"type":"record"}//c""",
        """{"type":"rec""" + "\n" + """ord"}""",
        """{"type":"rec""" + "\t" + """ord"}""",
        """{"type":"\x"}""",
        """{"type":"\u12"}""",
        """{"type":"record","seq":01}""",
        """{"type":"record","seq":NaN}""",
        "\uFEFF{\"type\":\"record\"}",
        // Nested deeper than a frame ever is.
        """{"type":"record","a":[[[[1]]]]}""",
        """{"type":"record","a":[[[[[]]]]]}""",
        """{"type":"record","a":{"b":{"c":{"d":{}}}}}""",
        """{"a":{"b":{"c":{"d":{"e":1}}}},"type":"record"}""",
    };

    public static TheoryData<string> InvalidUtf8AroundTheObject => new()
    {
        "FF 7B 22 74 79 70 65 22 3A 22 72 22 7D",             // \xFF {"type":"r"}
        "7B 22 74 79 70 65 22 3A 22 72 22 7D FF",             // {"type":"r"} \xFF
        "7B 22 74 79 70 65 22 3A 22 72 22 2C FF 7D",          // {"type":"r",\xFF}
        "7B 22 74 79 70 65 22 3A 22 72 22 2C 22 61 22 3A FF 7D", // {"type":"r","a":\xFF}
    };

    public static TheoryData<string> InvalidUtf8InOtherStrings => new()
    {
        "7B 22 74 79 70 65 22 3A 22 72 22 2C 22 61 22 3A 22 C3 28 22 7D",    // {"type":"r","a":"\xC3("}
        "7B 22 74 79 70 65 22 3A 22 72 22 2C 22 FF 22 3A 31 7D",             // {"type":"r","\xFF":1}
        "7B 22 74 79 70 65 22 3A 22 72 22 2C 22 61 22 3A 22 ED A0 80 22 7D", // {"type":"r","a":"<CESU-8 surrogate>"}
        "7B 22 74 79 70 65 22 3A 22 72 22 2C 22 61 22 3A 22 C0 AF 22 7D",    // {"type":"r","a":"<overlong />"}
    };

    public static TheoryData<string> InvalidTypeValue => new()
    {
        "7B 22 74 79 70 65 22 3A 22 FF 22 7D",                // {"type":"\xFF"}
        "7B 22 74 79 70 65 22 3A 22 72 C3 22 7D",             // {"type":"r\xC3"} (truncated sequence)
        "7B 22 74 79 70 65 22 3A 22 ED A0 80 22 7D",          // {"type":"<CESU surrogate>"}
        "7B 22 74 79 70 65 22 3A 22 C0 AF 22 7D",             // {"type":"<overlong />"}
        "7B 22 74 79 70 65 22 3A 22 5C 75 64 38 30 30 22 7D", // {"type":"\ud800"} (lone surrogate escape)
        "7B 22 74 79 70 65 22 3A 22 5C 75 64 63 30 30 5C 75 64 38 30 30 22 7D", // {"type":"\udc00\ud800"}
    };

    [Theory]
    [InlineData("""{"type":"record"}""", "record")]
    [InlineData("""{"type":"record","seq":7,"sealed":"AAEC"}""", "record")]
    [InlineData("""{"seq":7,"sealed":"AAEC","type":"abort"}""", "abort")]
    [InlineData(""" { "type" : "hello" } """, "hello")]
    [InlineData("""{"type":""}""", "")]
    [InlineData("""{"type":"caf\u00e9"}""", "café")]
    [InlineData("""{"\u0074ype":"finish"}""", "finish")]
    [InlineData("""{"suites":["a","b"],"type":"hello","name":{"type":"nested"}}""", "hello")]
    [InlineData("""{"a":{"type":"nested","b":[1,{"type":"deeper"}]},"type":"record"}""", "record")]
    [InlineData("""{"type":"record","a":[[[]]]}""", "record")]
    [InlineData("""{"type":"record","a":[[[1]]]}""", "record")]
    [InlineData("""{"type":"record","a":{"b":{"c":{}}}}""", "record")]
    [InlineData("""{"type":"\ud83d\udc4b"}""", "\U0001F44B")]
    public void ReadType_OneObjectWithOneStringType_ReturnsIt(string json, string expected)
    {
        FrameJson.ReadType(Encoding.UTF8.GetBytes(json)).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(NotOneObjectWithOneStringType))]
    public void ReadType_NotOneObjectWithOneStringType_ThrowsProtocolViolation(string json)
    {
        AssertProtocolViolation(Encoding.UTF8.GetBytes(json));
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8AroundTheObject))]
    public void ReadType_InvalidUtf8AroundTheObject_ThrowsProtocolViolation(string hex)
    {
        AssertProtocolViolation(FromHex(hex));
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8InOtherStrings))]
    public void ReadType_InvalidUtf8InAnotherString_ThrowsProtocolViolation(string hex)
    {
        AssertProtocolViolation(FromHex(hex));
    }

    [Theory]
    [MemberData(nameof(InvalidTypeValue))]
    public void ReadType_TypeValueNotValidText_ThrowsProtocolViolation(string hex)
    {
        AssertProtocolViolation(FromHex(hex));
    }

    [Fact]
    public void ReadType_VeryDeeplyNestedInput_ThrowsProtocolViolation()
    {
        const int Depth = 100_000;
        string[] inputs =
        [
            new string('[', Depth),
            new string('{', Depth),
            "{\"type\":\"record\",\"a\":" + new string('[', Depth) + new string(']', Depth) + "}",
            string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth),
            "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth + 1) + ",\"type\":\"record\"}",
        ];

        foreach (string json in inputs)
        {
            AssertProtocolViolation(Encoding.UTF8.GetBytes(json));
        }
    }

    private static byte[] FromHex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static void AssertProtocolViolation(byte[] payload)
    {
        Action act = () => FrameJson.ReadType(payload);

        act.Should().ThrowExactly<ProtocolViolationException>();
    }
}
