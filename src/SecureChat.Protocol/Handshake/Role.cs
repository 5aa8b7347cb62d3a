namespace SecureChat.Protocol.Handshake;

/// <summary>Which side of the handshake a session played.</summary>
public enum Role
{
    /// <summary>Sent the first hello (User2, which connects).</summary>
    Initiator = 1,

    /// <summary>Answered it (User1, which listens).</summary>
    Responder = 2,
}
