namespace SecureChat.Protocol.Handshake;

/// <summary>The protocol version this implementation speaks.</summary>
public static class ProtocolVersion
{
    /// <summary>Version 1: the handshake, key schedule and record format of docs/protocol.md.</summary>
    public const int Current = 1;
}
