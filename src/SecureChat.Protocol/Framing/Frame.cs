namespace SecureChat.Protocol.Framing;

/// <summary>One frame as it crossed the wire: the length prefix followed by the payload.</summary>
/// <param name="Wire">The whole frame, prefix included (what the handshake transcript absorbs).</param>
public readonly record struct Frame(ReadOnlyMemory<byte> Wire)
{
    /// <summary>The JSON payload after the length prefix.</summary>
    public ReadOnlyMemory<byte> Payload => Wire[FrameCodec.HeaderSize..];
}
