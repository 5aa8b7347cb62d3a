using System.Text;
using System.Text.Json;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>docs/protocol.md, "What senders emit" (issue 13, item 8): how the reference sender spells strings.</summary>
public sealed class SenderEscapingTests
{
    [Fact]
    public void Text_DelNonBmpSlashAndLatin_EscapedAsTheSpecificationSays()
    {
        // Rule: "DEL (U+007F) is written `\u007F`. A character outside the Basic Multilingual Plane is
        // written as its UTF-16 surrogate pair, two escapes (U+1F600 becomes `\uD83D\uDE00`) … `/` is not
        // escaped." and "`é` becomes `\u00E9`".
        var message = new InnerMessage(InnerMessage.TextKind, Id: 1, SentAt: 0, Text: "a\u007f\U0001F600/é");
        Emit(message).Should().Be("""{"kind":"text","id":1,"sentAt":0,"text":"a\u007F\uD83D\uDE00/\u00E9"}""");
    }

    [Fact]
    public void ByteStrings_InInnerMessages_AreNeverEscaped()
    {
        // Rule: "Byte strings are never escaped (so they contain no `\`)" — `+` and `/` stay as they are,
        // though the sender escapes `+` inside ordinary strings.
        byte[] hash = Convert.FromBase64String("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        var message = new InnerMessage(InnerMessage.OfferKind, File: 1, Name: "a+b", Size: 0, Sha256: hash);
        Emit(message).Should().Be("""{"kind":"offer","file":1,"name":"a\u002Bb","size":0,"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}""");
    }

    private static string Emit(InnerMessage message) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(message, ProtocolJsonContext.Default.InnerMessage));
}
