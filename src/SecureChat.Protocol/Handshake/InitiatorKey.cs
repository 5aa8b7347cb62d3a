using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Handshake;

/// <summary>
/// Frame 3, initiator to responder: a secret for the responder, sent before the initiator unwraps the
/// responder's, so that the two sides' RSA private-key operations run at the same time.
/// </summary>
/// <param name="Wrapped">A fresh 32-byte secret, RSA-OAEP-SHA256 encrypted to the responder's identity key.</param>
internal sealed record InitiatorKey(byte[] Wrapped)
{
    /// <summary>The value of the <c>type</c> field.</summary>
    public const string TypeName = "key";

    /// <summary><c>key</c>; checked before parsing.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = TypeName;
}
