using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Handshake;

/// <summary>Frame 2, responder to initiator: the chosen suite, who the responder is, and a secret for the initiator.</summary>
/// <param name="Version">The protocol version, <see cref="ProtocolVersion.Current"/>.</param>
/// <param name="Suite">The chosen message suite (wire name), one of those offered.</param>
/// <param name="Nonce">32 fresh random bytes.</param>
/// <param name="Ephemeral">A fresh P-256 public key, 65 bytes uncompressed.</param>
/// <param name="KemCiphertext">The ML-KEM-768 ciphertext encapsulated to the initiator's <c>kemKey</c>, 1088 bytes.</param>
/// <param name="Identity">The responder's RSA identity key, DER SubjectPublicKeyInfo.</param>
/// <param name="Name">The responder's display name.</param>
/// <param name="Wrapped">A fresh 32-byte secret, RSA-OAEP-SHA256 encrypted to the initiator's identity key.</param>
internal sealed record ResponderHello(int Version, string Suite, byte[] Nonce, byte[] Ephemeral, byte[] KemCiphertext, byte[] Identity, string Name, byte[] Wrapped)
{
    /// <summary>The value of the <c>type</c> field.</summary>
    public const string TypeName = "hello";

    /// <summary><c>hello</c>; checked before parsing.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = TypeName;
}
