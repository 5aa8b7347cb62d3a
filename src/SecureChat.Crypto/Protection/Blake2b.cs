// BLAKE2b (RFC 7693) through BouncyCastle's maintained implementation; no BLAKE2 code of our own.
// Output 1..64 bytes, key 0..64 bytes (0 = unkeyed). The key is copied into BouncyCastle's digest
// object and wiped there with ClearKey() before the object is dropped.
using Org.BouncyCastle.Crypto.Digests;
using System.Security.Cryptography;

namespace SecureChat.Crypto.Protection;

internal static class Blake2b
{
    public const int MaxKeySize = 64;
    public const int MaxOutputSize = 64;

    /// <summary>BLAKE2b of part1 ‖ part2 ‖ part3 with the given key and output length (output.Length).</summary>
    public static void Hash(ReadOnlySpan<byte> key, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3, Span<byte> output)
    {
        if (key.Length > MaxKeySize)
        {
            throw Error.OutOfRange(nameof(key), key.Length, "A BLAKE2b key is at most 64 bytes.");
        }

        if (output.Length is < 1 or > MaxOutputSize)
        {
            throw Error.OutOfRange(nameof(output), output.Length, "A BLAKE2b output is 1 to 64 bytes.");
        }

        // BouncyCastle takes the key as an array and treats an empty array as a zero-length key block,
        // which is not unkeyed BLAKE2b: pass null for "no key".
        byte[]? keyCopy = null;
        if (!key.IsEmpty)
        {
            // Pinned, so no GC compaction leaves an unwiped copy behind. BouncyCastle's own copies are
            // ordinary arrays that ClearKey() wipes: a small residual risk we accept for a maintained library.
            keyCopy = GC.AllocateArray<byte>(key.Length, pinned: true);
            key.CopyTo(keyCopy);
        }

        var digest = new Blake2bDigest(keyCopy, output.Length, null, null);
        try
        {
            digest.BlockUpdate(part1);
            digest.BlockUpdate(part2);
            digest.BlockUpdate(part3);
            digest.DoFinal(output);
        }
        finally
        {
            digest.ClearKey();
            if (keyCopy is not null)
            {
                CryptographicOperations.ZeroMemory(keyCopy);
            }
        }
    }
}
