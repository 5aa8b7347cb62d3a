using System.Buffers;
using System.Security.Cryptography;

namespace SecureChat.Protocol.Session;

/// <summary>
/// An authenticated chunk whose data sits in a buffer rented from the shared pool, after the
/// <see cref="ChunkPlaintext.HeaderSize"/>-byte header. Its last holder gives the buffer back, wiped, once:
/// a value rather than an object, so a chunk costs no allocation of its own (issue 19); the event that
/// lends it to the application (<see cref="FileChunkReceived"/>) is what makes the return happen once.
/// </summary>
internal readonly struct OpenedChunk(ulong file, long offset, byte[] plaintext, int length)
{
    public ulong File { get; } = file;

    public long Offset { get; } = offset;

    public int Length { get; } = length;

    public ReadOnlyMemory<byte> Data => plaintext.AsMemory(ChunkPlaintext.HeaderSize, Length);

    /// <summary>Wipes the buffer and gives it back to the pool. Call it once, from the chunk's last holder.</summary>
    public void Return()
    {
        CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, ChunkPlaintext.HeaderSize + Length));
        ArrayPool<byte>.Shared.Return(plaintext);
    }
}
