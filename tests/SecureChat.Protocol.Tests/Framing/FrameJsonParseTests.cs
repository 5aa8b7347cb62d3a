using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Framing;

public sealed class FrameJsonParseTests
{
    private const string Hello =
        """{"type":"hello","version":2,"suites":["aes256cbc-hmacsha256","aes256cbc-blake2b256"],"nonce":"AAEC","ephemeral":"AwQF","kemKey":"CQoL","identity":"BgcI","name":"alice"}""";

    public static TheoryData<string> BadRecordFrames => new()
    {
        // Unknown fields, including a known field spelled differently.
        """{"type":"record","seq":7,"sealed":"AAEC","extra":1}""",
        """{"type":"record","seq":7,"sealed":"AAEC","extra":null}""",
        """{"extra":{},"type":"record","seq":7,"sealed":"AAEC"}""",
        """{"type":"record","Seq":7,"sealed":"AAEC"}""",
        """{"type":"record","seq":7,"Sealed":"AAEC"}""",
        """{"Type":"record","seq":7,"sealed":"AAEC"}""",
        """{"type":"record","seq ":7,"sealed":"AAEC"}""",
        // Missing required fields.
        """{"type":"record","sealed":"AAEC"}""",
        """{"type":"record","seq":7}""",
        """{"type":"record"}""",
        "{}",
        // Null where a value belongs.
        """{"type":"record","seq":null,"sealed":"AAEC"}""",
        """{"type":"record","seq":7,"sealed":null}""",
        """{"type":null,"seq":7,"sealed":"AAEC"}""",
        // The wrong JSON type.
        """{"type":"record","seq":"7","sealed":"AAEC"}""",
        """{"type":"record","seq":true,"sealed":"AAEC"}""",
        """{"type":"record","seq":[7],"sealed":"AAEC"}""",
        """{"type":"record","seq":{},"sealed":"AAEC"}""",
        """{"type":"record","seq":7,"sealed":5}""",
        """{"type":"record","seq":7,"sealed":[0,1,2]}""",
        """{"type":"record","seq":7,"sealed":{}}""",
        """{"type":"record","seq":7,"sealed":true}""",
        """{"type":1,"seq":7,"sealed":"AAEC"}""",
        """{"type":["record"],"seq":7,"sealed":"AAEC"}""",
        // Numbers a sequence number cannot be.
        """{"type":"record","seq":-1,"sealed":"AAEC"}""",
        """{"type":"record","seq":-0,"sealed":"AAEC"}""",
        """{"type":"record","seq":1.5,"sealed":"AAEC"}""",
        """{"type":"record","seq":1.0,"sealed":"AAEC"}""",
        """{"type":"record","seq":1e2,"sealed":"AAEC"}""",
        """{"type":"record","seq":1E0,"sealed":"AAEC"}""",
        """{"type":"record","seq":18446744073709551616,"sealed":"AAEC"}""",
        """{"type":"record","seq":99999999999999999999999999,"sealed":"AAEC"}""",
        """{"type":"record","seq":07,"sealed":"AAEC"}""",
        """{"type":"record","seq":+7,"sealed":"AAEC"}""",
        """{"type":"record","seq":NaN,"sealed":"AAEC"}""",
        // Byte strings that are not canonical base64.
        """{"type":"record","seq":7,"sealed":"AAE"}""",
        """{"type":"record","seq":7,"sealed":"AAF="}""",
        """{"type":"record","seq":7,"sealed":"AA=C"}""",
        """{"type":"record","seq":7,"sealed":"!!!!"}""",
        """{"type":"record","seq":7,"sealed":"QR=="}""",
        """{"type":"record","seq":7,"sealed":"-_8="}""",
        """{"type":"record","seq":7,"sealed":"AAEC\n"}""",
        """{"type":"record","seq":7,"sealed":"AA EC"}""",
        // Repeated fields, also when spelled with an escape.
        """{"type":"record","seq":7,"seq":8,"sealed":"AAEC"}""",
        """{"type":"record","seq":7,"sealed":"AAEC","sealed":"AAEC"}""",
        """{"type":"record","type":"record","seq":7,"sealed":"AAEC"}""",
        """{"type":"record","seq":7,"\u0073eq":8,"sealed":"AAEC"}""",
        // Not one JSON object.
        """{"type":"record","seq":7,"sealed":"AAEC"}x""",
        """{"type":"record","seq":7,"sealed":"AAEC"}{}""",
        """{"type":"record","seq":7,"sealed":"AAEC"}}""",
        """{"type":"record","seq":7,"sealed":"AAEC"} 1""",
        """{"type":"record","seq":7,"sealed":"AAEC",}""",
        """{"type":"record","seq":7,"sealed":"AAEC\"}""",
        """[{"type":"record","seq":7,"sealed":"AAEC"}]""",
        "null",
        "",
        "   ",
        "7",
        "\"record\"",
        "{'type':'record','seq':7,'sealed':'AAEC'}",
        """/*c*/{"type":"record","seq":7,"sealed":"AAEC"}""",
    };

    public static TheoryData<string> BadInitiatorHellos => new()
    {
        Hello.Replace("\"version\":2", "\"version\":\"1\"", StringComparison.Ordinal),
        Hello.Replace("\"version\":2", "\"version\":1.5", StringComparison.Ordinal),
        Hello.Replace("\"version\":2", "\"version\":2147483648", StringComparison.Ordinal),
        Hello.Replace("\"version\":2", "\"version\":null", StringComparison.Ordinal),
        Hello.Replace("\"version\":2,", "", StringComparison.Ordinal),
        Hello.Replace("[\"aes256cbc-hmacsha256\",\"aes256cbc-blake2b256\"]", "\"aes256cbc-hmacsha256\"", StringComparison.Ordinal),
        Hello.Replace("[\"aes256cbc-hmacsha256\",\"aes256cbc-blake2b256\"]", "[1]", StringComparison.Ordinal),
        Hello.Replace("[\"aes256cbc-hmacsha256\",\"aes256cbc-blake2b256\"]", "[[\"aes256cbc-hmacsha256\"]]", StringComparison.Ordinal),
        Hello.Replace("[\"aes256cbc-hmacsha256\",\"aes256cbc-blake2b256\"]", "null", StringComparison.Ordinal),
        Hello.Replace("[\"aes256cbc-hmacsha256\",\"aes256cbc-blake2b256\"]", "{}", StringComparison.Ordinal),
        Hello.Replace("\"nonce\":\"AAEC\"", "\"nonce\":\"AAE\"", StringComparison.Ordinal),
        Hello.Replace("\"nonce\":\"AAEC\"", "\"nonce\":null", StringComparison.Ordinal),
        Hello.Replace("\"ephemeral\":\"AwQF\"", "\"ephemeral\":\"AwR=\"", StringComparison.Ordinal),
        Hello.Replace("\"ephemeral\":\"AwQF\",", "", StringComparison.Ordinal),
        Hello.Replace("\"identity\":\"BgcI\"", "\"identity\":\"Bgc\\u0049\"", StringComparison.Ordinal),
        Hello.Replace("\"name\":\"alice\"", "\"name\":null", StringComparison.Ordinal),
        Hello.Replace("\"name\":\"alice\"", "\"name\":5", StringComparison.Ordinal),
        Hello.Replace("\"name\":\"alice\"", "\"name\":[\"alice\"]", StringComparison.Ordinal),
        Hello.Replace("\"name\":\"alice\"", "\"name\":\"alice\",\"name\":\"mallory\"", StringComparison.Ordinal),
        Hello.Replace("\"name\":\"alice\"", "\"name\":\"alice\",\"extra\":true", StringComparison.Ordinal),
        Hello.Replace(",\"name\":\"alice\"", "", StringComparison.Ordinal),
        Hello.Replace("\"name\":\"alice\"", "\"name\":\"al\\ud800ice\"", StringComparison.Ordinal),
        Hello.Replace("\"name\":\"alice\"", "\"name\":\"\\udc00\"", StringComparison.Ordinal),
        Hello.Replace("\"aes256cbc-blake2b256\"", "\"\\ud800\"", StringComparison.Ordinal),
        Hello + " x",
    };

    public static TheoryData<string> BadInnerMessages => new()
    {
        """{"id":1}""",
        """{"kind":null}""",
        """{"kind":1}""",
        """{"kind":"text","id":-1,"sentAt":0,"text":"hi"}""",
        """{"kind":"text","id":1.5,"sentAt":0,"text":"hi"}""",
        """{"kind":"text","id":"1","sentAt":0,"text":"hi"}""",
        """{"kind":"text","id":1,"sentAt":"0","text":"hi"}""",
        """{"kind":"text","id":1,"sentAt":0.5,"text":"hi"}""",
        """{"kind":"text","id":1,"sentAt":0,"text":5}""",
        """{"kind":"text","id":1,"sentAt":0,"text":["hi"]}""",
        """{"kind":"receipt","through":true}""",
        """{"kind":"receipt","through":-3}""",
        """{"kind":"ping","seq":1}""",
        """{"kind":"ping","Kind":"ping"}""",
        """{"kind":"ping","kind":"pong"}""",
        """{"kind":"ping"}{"kind":"pong"}""",
        """{"kind":"text","id":1,"sentAt":0,"text":"\ud800"}""",
        """{"kind":"text","id":1,"sentAt":0,"text":"a\udc00b"}""",
        """{"kind":"text","id":-0,"sentAt":0,"text":"hi"}""",
        """{"kind":"text","id":1,"sentAt":9223372036854775808,"text":"hi"}""",
    };

    [Fact]
    public void Parse_ValidRecordFrame_ReadsEveryField()
    {
        RecordFrame record = FrameJson.Parse(Utf8("""{"type":"record","seq":7,"sealed":"AAEC"}"""), ProtocolJsonContext.Default.RecordFrame);

        record.Type.Should().Be(RecordFrame.TypeName);
        record.Seq.Should().Be(7);
        record.Sealed.Should().Equal(0x00, 0x01, 0x02);
    }

    [Fact]
    public void Parse_FieldsInAnyOrderWithWhitespace_ReadsEveryField()
    {
        RecordFrame record = FrameJson.Parse(Utf8(" { \"sealed\" : \"AAEC\" ,\n\"seq\" : 7 , \"type\" : \"record\" } "), ProtocolJsonContext.Default.RecordFrame);

        record.Seq.Should().Be(7);
        record.Sealed.Should().Equal(0x00, 0x01, 0x02);
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Parse_SeqAtTheEndsOfItsRange_IsRead(string seq, ulong expected)
    {
        RecordFrame record = FrameJson.Parse(Utf8($$"""{"type":"record","seq":{{seq}},"sealed":""}"""), ProtocolJsonContext.Default.RecordFrame);

        record.Seq.Should().Be(expected);
        record.Sealed.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(BadRecordFrames))]
    public void Parse_MalformedRecordFrame_ThrowsProtocolViolation(string json)
    {
        Action act = () => FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.RecordFrame);

        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Fact]
    public void Parse_DeeplyNestedRecordFrame_ThrowsProtocolViolation()
    {
        string json = "{\"type\":\"record\",\"seq\":" + new string('[', 100_000) + new string(']', 100_000) + ",\"sealed\":\"AAEC\"}";

        Action act = () => FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.RecordFrame);

        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Theory]
    [InlineData("7B 22 74 79 70 65 22 3A 22 72 65 63 6F 72 64 FF 22 2C 22 73 65 71 22 3A 37 2C 22 73 65 61 6C 65 64 22 3A 22 41 41 45 43 22 7D")] // "record\xFF"
    [InlineData("7B 22 74 79 70 65 22 3A 22 5C 75 64 38 30 30 22 2C 22 73 65 71 22 3A 37 2C 22 73 65 61 6C 65 64 22 3A 22 41 41 45 43 22 7D")] // "\ud800"
    [InlineData("7B 22 74 79 70 65 22 3A 22 72 65 63 6F 72 64 22 2C 22 73 65 71 22 3A 37 2C 22 73 65 61 6C 65 64 22 3A 22 41 41 45 C3 22 7D")] // sealed "AAE\xC3"
    [InlineData("7B 22 74 79 70 65 22 3A 22 72 65 63 6F 72 64 22 2C 22 73 65 71 22 3A 37 2C 22 73 65 61 6C 65 64 22 3A 22 41 41 45 43 22 7D FF")] // trailing \xFF
    public void Parse_InvalidUtf8OrLoneSurrogate_ThrowsProtocolViolation(string hex)
    {
        byte[] payload = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

        Action act = () => FrameJson.Parse(payload, ProtocolJsonContext.Default.RecordFrame);

        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Fact]
    public void Parse_InvalidUtf8InADefinedStringMember_ThrowsProtocolViolation()
    {
        byte[] hello = Utf8(Hello);
        int name = Hello.IndexOf("alice", StringComparison.Ordinal);
        int suite = Hello.IndexOf("aes256cbc-hmacsha256", StringComparison.Ordinal);
        byte[] badName = [.. hello];
        (badName[name], badName[name + 1]) = (0xC3, 0x28);
        byte[] badSuite = [.. hello];
        badSuite[suite] = 0xFF;
        byte[] badText = [.. "{\"kind\":\"text\",\"id\":1,\"sentAt\":0,\"text\":\"h"u8, 0xED, 0xA0, 0x80, .. "\"}"u8];

        Action name1 = () => FrameJson.Parse(badName, ProtocolJsonContext.Default.InitiatorHello);
        Action suite1 = () => FrameJson.Parse(badSuite, ProtocolJsonContext.Default.InitiatorHello);
        Action text1 = () => FrameJson.Parse(badText, ProtocolJsonContext.Default.InnerMessage);

        name1.Should().ThrowExactly<ProtocolViolationException>();
        suite1.Should().ThrowExactly<ProtocolViolationException>();
        text1.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Fact]
    public void Parse_ValidInitiatorHello_ReadsEveryField()
    {
        InitiatorHello hello = FrameJson.Parse(Utf8(Hello), ProtocolJsonContext.Default.InitiatorHello);

        hello.Type.Should().Be(InitiatorHello.TypeName);
        hello.Version.Should().Be(2);
        hello.Suites.Should().Equal(SuiteNames.AesCbcHmacSha256, SuiteNames.AesCbcBlake2b256);
        hello.Nonce.Should().Equal(0x00, 0x01, 0x02);
        hello.Ephemeral.Should().Equal(0x03, 0x04, 0x05);
        hello.KemKey.Should().Equal(0x09, 0x0a, 0x0b);
        hello.Identity.Should().Equal(0x06, 0x07, 0x08);
        hello.Name.Should().Be("alice");
    }

    [Theory]
    [MemberData(nameof(BadInitiatorHellos))]
    public void Parse_MalformedInitiatorHello_ThrowsProtocolViolation(string json)
    {
        Action act = () => FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.InitiatorHello);

        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Fact]
    public void Parse_InitiatorHelloWithNullSuite_ThrowsProtocolViolation()
    {
        string json = Hello.Replace("[\"aes256cbc-hmacsha256\",\"aes256cbc-blake2b256\"]", "[\"aes256cbc-hmacsha256\",null]", StringComparison.Ordinal);

        Action act = () => FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.InitiatorHello);

        act.Should().ThrowExactly<ProtocolViolationException>("the context promises that a null is an error, never a default");
    }

    [Fact]
    public void Parse_ValidResponderFinish_ReadsTheConfirmation()
    {
        ResponderFinish finish = FrameJson.Parse(Utf8("""{"type":"finish","confirm":"/+8="}"""), ProtocolJsonContext.Default.ResponderFinish);

        finish.Type.Should().Be(ResponderFinish.TypeName);
        finish.Confirm.Should().Equal(0xFF, 0xEF);
    }

    [Theory]
    [InlineData("""{"type":"finish"}""")]
    [InlineData("""{"type":"finish","confirm":"/+8=","wrapped":"AAEC"}""")]
    [InlineData("""{"type":"finish","confirm":"/+9="}""")]
    [InlineData("""{"type":"finish","confirm":"\/+8="}""")]
    public void Parse_MalformedResponderFinish_ThrowsProtocolViolation(string json)
    {
        Action act = () => FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.ResponderFinish);

        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Theory]
    [InlineData("""{"kind":"ping"}""", "ping", null, null, null, null)]
    [InlineData("""{"kind":"receipt","through":3}""", "receipt", null, null, null, 3UL)]
    [InlineData("""{"kind":"text","id":1,"sentAt":-5,"text":"hi"}""", "text", 1UL, -5L, "hi", null)]
    [InlineData("""{"kind":"ping","id":null,"sentAt":null,"text":null,"through":null}""", "ping", null, null, null, null)]
    [InlineData("""{"text":"\u0068\u00e9\ud83d\udc4b","kind":"text","sentAt":0,"id":18446744073709551615}""", "text", ulong.MaxValue, 0L, "hé\U0001F44B", null)]
    public void Parse_ValidInnerMessage_ReadsEveryField(string json, string kind, ulong? id, long? sentAt, string? text, ulong? through)
    {
        InnerMessage message = FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.InnerMessage);

        message.Should().Be(new InnerMessage(kind, id, sentAt, text, through));
    }

    [Theory]
    [MemberData(nameof(BadInnerMessages))]
    public void Parse_MalformedInnerMessage_ThrowsProtocolViolation(string json)
    {
        Action act = () => FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.InnerMessage);

        act.Should().ThrowExactly<ProtocolViolationException>();
    }

    [Fact]
    public void Encode_RecordFrame_IsTheDocumentedWireFormWithTypeFirst()
    {
        byte[] wire = FrameJson.Encode(new RecordFrame(7, [0x00, 0x01, 0x02]), ProtocolJsonContext.Default.RecordFrame);

        FrameCodec.TryReadFrame(wire, FrameCodec.DefaultMaxSessionPayload, out int frameLength).Should().BeTrue();
        frameLength.Should().Be(wire.Length);
        Encoding.UTF8.GetString(new Frame(wire).Payload.Span).Should().Be("""{"type":"record","seq":7,"sealed":"AAEC"}""");
    }

    [Theory]
    [InlineData(0UL, 0)]
    [InlineData(1UL, 1)]
    [InlineData(ulong.MaxValue, 48)]
    [InlineData(12_345UL, 1000)]
    public void Encode_RecordFrame_RoundTripsThroughReadTypeAndParse(ulong seq, int sealedLength)
    {
        byte[] sealedBytes = new byte[sealedLength];
        new Random(sealedLength).NextBytes(sealedBytes);

        byte[] wire = FrameJson.Encode(new RecordFrame(seq, sealedBytes), ProtocolJsonContext.Default.RecordFrame);

        FrameCodec.TryReadFrame(wire, FrameCodec.DefaultMaxSessionPayload, out int frameLength).Should().BeTrue();
        ReadOnlySpan<byte> payload = new Frame(wire.AsMemory(0, frameLength)).Payload.Span;
        FrameJson.ReadType(payload).Should().Be(RecordFrame.TypeName);
        RecordFrame decoded = FrameJson.Parse(payload, ProtocolJsonContext.Default.RecordFrame);
        decoded.Seq.Should().Be(seq);
        decoded.Sealed.Should().Equal(sealedBytes);
    }

    [Fact]
    public void Encode_InitiatorHello_RoundTripsThroughReadTypeAndParse()
    {
        var hello = new InitiatorHello(
            1,
            [SuiteNames.AesCbcBlake2b256, SuiteNames.AesCbcHmacSha256],
            Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
            Enumerable.Range(0, 65).Select(i => (byte)(255 - i)).ToArray(),
            Enumerable.Range(0, 1184).Select(i => (byte)(i % 251)).ToArray(),
            [0x30, 0x82, 0x01, 0x22],
            "Zoë \"the\" <admin> 👋");

        byte[] wire = FrameJson.Encode(hello, ProtocolJsonContext.Default.InitiatorHello);
        ReadOnlySpan<byte> payload = new Frame(wire).Payload.Span;

        FrameJson.ReadType(payload).Should().Be(InitiatorHello.TypeName);
        InitiatorHello decoded = FrameJson.Parse(payload, ProtocolJsonContext.Default.InitiatorHello);
        decoded.Version.Should().Be(hello.Version);
        decoded.Suites.Should().Equal(hello.Suites);
        decoded.Nonce.Should().Equal(hello.Nonce);
        decoded.Ephemeral.Should().Equal(hello.Ephemeral);
        decoded.KemKey.Should().Equal(hello.KemKey);
        decoded.Identity.Should().Equal(hello.Identity);
        decoded.Name.Should().Be(hello.Name);
    }

    [Fact]
    public void Encode_InnerMessage_LeavesAbsentFieldsOut()
    {
        byte[] wire = FrameJson.Encode(new InnerMessage(InnerMessage.PingKind), ProtocolJsonContext.Default.InnerMessage);

        Encoding.UTF8.GetString(new Frame(wire).Payload.Span).Should().Be("""{"kind":"ping"}""");
    }

    [Theory]
    [InlineData("ping", null, null, null, null)]
    [InlineData("receipt", null, null, null, 42UL)]
    [InlineData("text", 7UL, 1_700_000_000_000L, "héllo\n\"world\" \u2028 👋", null)]
    [InlineData("text", ulong.MaxValue, long.MinValue, "", null)]
    public void Encode_InnerMessage_RoundTripsThroughParse(string kind, ulong? id, long? sentAt, string? text, ulong? through)
    {
        var message = new InnerMessage(kind, id, sentAt, text, through);

        byte[] wire = FrameJson.Encode(message, ProtocolJsonContext.Default.InnerMessage);

        FrameJson.Parse(new Frame(wire).Payload.Span, ProtocolJsonContext.Default.InnerMessage).Should().Be(message);
    }

    [Theory]
    [InlineData("""{"type":"record","seq":7,"sealed":"AAEC","\u001b[2J\u001b]0;pwned\u0007":1}""")]
    [InlineData("""{"type":"record","seq":7,"sealed":"AAEC","\u202eevil\u0000":1}""")]
    [InlineData("""{"type":"record","seq":"\u001b[31m","sealed":"AAEC"}""")]
    public void Parse_PeerChosenNames_NeverReachTheMessageRaw(string json)
    {
        Action act = () => FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.RecordFrame);

        string message = act.Should().ThrowExactly<ProtocolViolationException>().Which.Message;
        message.Should().NotContainAny("\u001b", "\u0007", "\u202e", "\0");
    }

    [Fact]
    public void Parse_HugeUnknownMemberName_KeepsTheMessageShort()
    {
        string json = $$"""{"type":"record","seq":7,"sealed":"AAEC","{{new string('x', 100_000)}}":1}""";

        Action act = () => FrameJson.Parse(Utf8(json), ProtocolJsonContext.Default.RecordFrame);

        act.Should().ThrowExactly<ProtocolViolationException>().Which.Message.Length.Should().BeLessThan(1_000);
    }

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
