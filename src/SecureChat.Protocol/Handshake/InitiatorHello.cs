using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Handshake;

/// <summary>Frame 1, initiator to responder: what the initiator offers and who it is.</summary>
/// <param name="Version">The protocol version, <see cref="ProtocolVersion.Current"/>.</param>
/// <param name="Suites">The message suites offered, most preferred first (wire names).</param>
/// <param name="Nonce">32 fresh random bytes.</param>
/// <param name="Ephemeral">A fresh P-256 public key, 65 bytes uncompressed.</param>
/// <param name="KemKey">A fresh ML-KEM-768 encapsulation key, 1184 bytes.</param>
/// <param name="Identity">The initiator's RSA identity key, DER SubjectPublicKeyInfo.</param>
/// <param name="Name">The initiator's display name.</param>
internal sealed record InitiatorHello(int Version, IReadOnlyList<string> Suites, byte[] Nonce, byte[] Ephemeral, byte[] KemKey, byte[] Identity, string Name)
{
    /// <summary>The value of the <c>type</c> field.</summary>
    public const string TypeName = "hello";

    /// <summary><c>hello</c>; checked before parsing.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = TypeName;
}
