using System.Text.Json.Serialization;

namespace SecureChat.Protocol.Session;

/// <summary>A sealed record on the wire: <c>{"type":"record","seq":n,"sealed":"…"}</c>.</summary>
/// <param name="Seq">The record's sequence number in its direction, from 0.</param>
/// <param name="Sealed">IV ‖ AES-256-CBC ciphertext ‖ 32-byte tag, as message protection makes them.</param>
internal sealed record RecordFrame(ulong Seq, byte[] Sealed)
{
    /// <summary>The value of the <c>type</c> field.</summary>
    public const string TypeName = "record";

    /// <summary><c>record</c>; checked before parsing.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = TypeName;
}
