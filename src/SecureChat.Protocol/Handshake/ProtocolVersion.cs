namespace SecureChat.Protocol.Handshake;

/// <summary>The protocol version this implementation speaks.</summary>
public static class ProtocolVersion
{
    /// <summary>
    /// Version 2: the hybrid handshake (ECDH P-256 and ML-KEM-768 both in the key schedule), the rekey, and
    /// the record format of docs/protocol.md. Version 1 (P-256 alone) is refused with <c>unsupported-version</c>.
    /// </summary>
    public const int Current = 2;
}
