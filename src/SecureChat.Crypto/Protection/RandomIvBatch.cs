// Random IVs for a stream of records, fetched from the system's CSPRNG a batch at a time: one call for
// 256 IVs instead of one per record (each call costs about as much as sealing a short record). IVs are
// public once used, and the unused rest of a batch is as secret as any fresh randomness: it is wiped
// when the owner is done.
using System.Security.Cryptography;

namespace SecureChat.Crypto.Protection;

/// <summary>Hands out fresh random IVs. Not thread-safe: one per sender.</summary>
internal sealed class RandomIvBatch : IDisposable
{
    private const int BatchSize = 256 * AesCbc.IvSize;

    private readonly byte[] _batch = GC.AllocateUninitializedArray<byte>(BatchSize, pinned: true);
    private int _used = BatchSize;

    /// <summary>Fills <paramref name="iv"/> (16 bytes) with bytes never handed out before.</summary>
    public void Next(Span<byte> iv)
    {
        if (iv.Length != AesCbc.IvSize)
        {
            throw Error.Length(nameof(iv), AesCbc.IvSize, iv.Length);
        }

        if (_used == BatchSize)
        {
            RandomNumberGenerator.Fill(_batch);
            _used = 0;
        }

        Span<byte> next = _batch.AsSpan(_used, AesCbc.IvSize);
        next.CopyTo(iv);
        next.Clear();
        _used += AesCbc.IvSize;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_batch);
        _used = BatchSize;
    }
}
