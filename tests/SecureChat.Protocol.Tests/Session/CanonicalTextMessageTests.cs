using System.Text;
using System.Text.Json;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>Issue 19: a text message is written and read without the serialiser, to the same bytes and the same message.</summary>
public sealed class CanonicalTextMessageTests
{
    public static TheoryData<ulong, long, string> Texts => new()
    {
        { 1UL, 1_700_000_000_000L, "hello" },
        { (ulong)long.MaxValue, 0L, "quote \" backslash \\ slash / <tag> & 'apostrophe' +" },
        { 42UL, -1L, "héllo wörld, 中文, 😀 and a lone\u2028separator" },
        { 7UL, long.MaxValue, "\u0000\u0001\t\n\r\u001f\u007f controls" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Write_AnyText_GivesTheSerialisersBytes(ulong id, long sentAt, string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            CanonicalTextMessage.Write(json, id, sentAt, text);
        }

        byte[] expected = JsonSerializer.SerializeToUtf8Bytes(
            new InnerMessage(InnerMessage.TextKind, Id: id, SentAt: sentAt, Text: text), ProtocolJsonContext.Default.InnerMessage);
        Encoding.UTF8.GetString(buffer.WrittenSpan).Should().Be(Encoding.UTF8.GetString(expected));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void TryRead_TheSerialisersBytes_GivesTheSameMessage(ulong id, long sentAt, string text)
    {
        var sent = new InnerMessage(InnerMessage.TextKind, Id: id, SentAt: sentAt, Text: text);
        byte[] plaintext = JsonSerializer.SerializeToUtf8Bytes(sent, ProtocolJsonContext.Default.InnerMessage);

        CanonicalTextMessage.TryRead(plaintext, out InnerMessage? read).Should().BeTrue();

        read.Should().Be(sent);
    }

    [Theory]
    [InlineData("""{"id":1,"kind":"text","sentAt":5,"text":"a"}""")] // another order
    [InlineData("""{"kind":"text","id":1,"id":2,"sentAt":5,"text":"a"}""")] // a duplicate
    [InlineData("""{"kind":"text","id":1,"sentAt":5,"text":"a","extra":1}""")]
    [InlineData("""{"kind":"text","id":1,"sentAt":5}""")]
    [InlineData("""{"kind":"text","id":1,"sentAt":5,"text":null}""")]
    [InlineData("""{"kind":"receipt","id":1,"sentAt":5,"text":"a"}""")]
    [InlineData("""{"kind":"text","id":-1,"sentAt":5,"text":"a"}""")]
    [InlineData("""{"kind":"text","id":1.0,"sentAt":5,"text":"a"}""")]
    [InlineData("""{"kind":"text","id":"1","sentAt":5,"text":"a"}""")]
    [InlineData("""{"kind":"text","id":1,"sentAt":5,"text":"a"} {}""")] // something after the object
    [InlineData("""{"kind":"text","id":1,"sentAt":5,"text":"a"/**/}""")] // a comment
    [InlineData("""{"kind":"text","id":1,"sentAt":5,"text":"a""")] // cut short
    public void TryRead_AnyOtherSpelling_IsLeftToTheSerialiser(string plaintext)
    {
        CanonicalTextMessage.TryRead(Encoding.UTF8.GetBytes(plaintext), out InnerMessage? read).Should().BeFalse();
        read.Should().BeNull();
    }

    [Fact]
    public void TryRead_TextNotValidUtf8_IsLeftToTheSerialiser()
    {
        byte[] plaintext = [.. """{"kind":"text","id":1,"sentAt":5,"text":"""u8, (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'];

        CanonicalTextMessage.TryRead(plaintext, out _).Should().BeFalse();
    }
}
