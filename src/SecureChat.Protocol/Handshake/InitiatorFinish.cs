using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Handshake;

/// <summary>Frame 4, initiator to responder: the initiator's key confirmation.</summary>
/// <param name="Confirm">HMAC-SHA256 under the initiator's finished key over the hash of frames 1 to 3.</param>
internal sealed record InitiatorFinish(byte[] Confirm)
{
    /// <summary>The value of the <c>type</c> field.</summary>
    public const string TypeName = "finish";

    /// <summary><c>finish</c>; checked before parsing.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = TypeName;
}
