// Every JSON object SecureChat puts on the wire, serialised by System.Text.Json source generation. The
// options are strict: an unknown field, a missing field, a null, a duplicate field, a number where a
// string belongs or a malformed byte string is an error, never a default.
using System.Text.Json.Serialization;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;

namespace SecureChat.Protocol.Framing;

/// <summary>The source-generated serialisers of every wire message.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CanonicalBase64Converter), typeof(StringListConverter)])]
[JsonSerializable(typeof(AbortFrame))]
[JsonSerializable(typeof(InitiatorHello))]
[JsonSerializable(typeof(ResponderHello))]
[JsonSerializable(typeof(InitiatorKey))]
[JsonSerializable(typeof(InitiatorFinish))]
[JsonSerializable(typeof(ResponderFinish))]
[JsonSerializable(typeof(RecordFrame))]
[JsonSerializable(typeof(InnerMessage))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext
{
}
