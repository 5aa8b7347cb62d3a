// HMAC-SHA256 (RFC 2104 with SHA-256, FIPS 180-4). Keys of any length; keys over 64 bytes are hashed first.
using System.Buffers;
using System.Security.Cryptography;

namespace SecureChat.Crypto.Protection;

internal sealed class HmacSha256Mac : MacAlgorithm
{
    private const int OneShotLimit = 1024;
    private const int PooledLimit = 128 * 1024;

    public override string Name => "HMAC-SHA256";

    private protected override void ValidateKey(ReadOnlySpan<byte> key)
    {
        // RFC 2104 allows any length, but an empty key is always a caller's mistake here.
        if (key.IsEmpty)
        {
            throw Error.OutOfRange(nameof(key), 0, "An HMAC key must not be empty.");
        }
    }

    internal override void ComputeCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3, Span<byte> tag)
    {
        if (part2.IsEmpty && part3.IsEmpty)
        {
            HMACSHA256.HashData(key, part1, tag);
            return;
        }

        int length = part1.Length + part2.Length + part3.Length;
        if (length <= OneShotLimit)
        {
            // A short input costs less copied together and hashed in one call than streamed in three.
            Span<byte> joined = stackalloc byte[OneShotLimit];
            part1.CopyTo(joined);
            part2.CopyTo(joined[part1.Length..]);
            part3.CopyTo(joined[(part1.Length + part2.Length)..]);
            HMACSHA256.HashData(key, joined[..length], tag);
            joined[..length].Clear();
            return;
        }

        if (length <= PooledLimit)
        {
            // A record (a file chunk is ~48 KiB) joined in a pooled buffer: IncrementalHash would allocate a
            // context and a SafeHandle per record (issue 19). The joined bytes are ciphertext and associated
            // data, but they are wiped anyway so the pool never hands out what a record held.
            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            Span<byte> pooled = rented.AsSpan(0, length);
            try
            {
                part1.CopyTo(pooled);
                part2.CopyTo(pooled[part1.Length..]);
                part3.CopyTo(pooled[(part1.Length + part2.Length)..]);
                HMACSHA256.HashData(key, pooled, tag);
            }
            finally
            {
                pooled.Clear();
                ArrayPool<byte>.Shared.Return(rented);
            }

            return;
        }

        // Larger inputs stream rather than hold a second copy of a big message.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(part1);
        hmac.AppendData(part2);
        hmac.AppendData(part3);
        hmac.GetHashAndReset(tag);
    }
}
