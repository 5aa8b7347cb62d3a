using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Handshake;

/// <summary>Frame 3, initiator to responder: a secret for the responder, and the initiator's key confirmation.</summary>
/// <param name="Wrapped">A fresh 32-byte secret, RSA-OAEP-SHA256 encrypted to the responder's identity key.</param>
/// <param name="Confirm">HMAC-SHA256 under the initiator's finished key over the hash of frames 1 and 2.</param>
internal sealed record InitiatorFinish(byte[] Wrapped, byte[] Confirm)
{
    /// <summary>The value of the <c>type</c> field.</summary>
    public const string TypeName = "finish";

    /// <summary><c>finish</c>; checked before parsing.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = TypeName;
}
