using System.Buffers;

namespace SecureChat.Protocol.Framing;

/// <summary>A whole frame in a buffer rented from the shared pool; <see cref="Return"/> it once written.</summary>
internal readonly record struct PooledFrame(byte[] Buffer, int Length)
{
    /// <summary>The frame's bytes: length prefix and payload.</summary>
    public ReadOnlyMemory<byte> Wire => Buffer.AsMemory(0, Length);

    /// <summary>Gives the buffer back to the pool; the frame must not be used afterwards.</summary>
    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
