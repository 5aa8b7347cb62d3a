// The application protocol that SslStream and plain TCP carry: the same u32 big-endian length prefix
// as SecureChat's frames (FrameCodec), and a JSON object shaped like SecureChat's inner message, so
// both baselines do the JSON work a chat needs and no more:
//   {"kind":"text","id":7,"sentAt":1700000000000,"text":"…"}   {"kind":"receipt","through":7}
using System.Text.Json.Serialization;

namespace SecureChat.Benchmarks.Variants;

/// <summary>One chat frame of the baselines.</summary>
/// <param name="Kind">text or receipt.</param>
/// <param name="Id">text: 1, 2, 3… per direction.</param>
/// <param name="SentAt">text: the sender's clock, Unix milliseconds.</param>
/// <param name="Text">text: the message.</param>
/// <param name="Through">receipt: every text up to this id has arrived.</param>
internal sealed record ChatFrame(string Kind, ulong? Id = null, long? SentAt = null, string? Text = null, ulong? Through = null)
{
    public const string TextKind = "text";
    public const string ReceiptKind = "receipt";
}

/// <summary>Source-generated JSON for <see cref="ChatFrame"/>, with the protocol's naming and null handling.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatFrame))]
internal sealed partial class ChatFrameJson : JsonSerializerContext
{
}
