using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Handshake;

/// <summary>Frame 5, responder to initiator: the responder's key confirmation.</summary>
/// <param name="Confirm">HMAC-SHA256 under the responder's finished key over the hash of frames 1 to 4.</param>
internal sealed record ResponderFinish(byte[] Confirm)
{
    /// <summary>The value of the <c>type</c> field.</summary>
    public const string TypeName = "finish";

    /// <summary><c>finish</c>; checked before parsing.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = TypeName;
}
