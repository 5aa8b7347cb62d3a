using SecureChat.Benchmarks.Measurements;
using SecureChat.Protocol.Session;

namespace SecureChat.Benchmarks.Micro;

/// <summary>The chat message a record carries in the record-layer benchmarks.</summary>
internal static class RecordText
{
    /// <summary>A text message of <paramref name="bytes"/> ASCII bytes, as SecureSession.SendAsync builds it.</summary>
    public static InnerMessage Message(int bytes) =>
        new(InnerMessage.TextKind, Id: 1, SentAt: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Text: ChatText.Ascii(bytes));
}
