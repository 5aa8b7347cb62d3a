using System.Buffers;
using System.Security.Cryptography;

namespace SecureChat.Protocol.Session;

/// <summary>
/// An authenticated chunk whose data sits in a buffer rented from the shared pool, after the
/// <see cref="ChunkPlaintext.HeaderSize"/>-byte header. Its last holder gives the buffer back, wiped.
/// </summary>
internal sealed class OpenedChunk(ulong file, long offset, byte[] plaintext, int length)
{
    private byte[]? _plaintext = plaintext;

    public ulong File { get; } = file;

    public long Offset { get; } = offset;

    public int Length { get; } = length;

    /// <summary>The file's bytes (valid until <see cref="Return"/>).</summary>
    public ReadOnlyMemory<byte> Data => (_plaintext ?? throw new ObjectDisposedException(nameof(OpenedChunk))).AsMemory(ChunkPlaintext.HeaderSize, Length);

    /// <summary>Wipes the buffer and gives it back to the pool; later calls do nothing.</summary>
    public void Return()
    {
        if (Interlocked.Exchange(ref _plaintext, null) is { } buffer)
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, ChunkPlaintext.HeaderSize + Length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
