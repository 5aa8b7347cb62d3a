// Keyed MACs for encrypt-then-MAC and key confirmation.
//   HMAC-SHA256 (RFC 2104, FIPS 198-1; test values RFC 4231): any key length, 32-byte tag.
//   Keyed BLAKE2b-256 (RFC 7693 section 2.5, "prefix-MAC"): 1..64-byte key, 32-byte tag.
// Tags are always checked at full length and in constant time: truncated tags are refused.
using System.Security.Cryptography;

namespace SecureChat.Crypto.Protection;

/// <summary>A keyed MAC with a 32-byte tag. Instances are stateless and safe to share between threads.</summary>
public abstract class MacAlgorithm
{
    /// <summary>The size of every tag, in bytes.</summary>
    public const int TagSize = 32;

    private protected MacAlgorithm()
    {
    }

    /// <summary>HMAC-SHA256, the default suite's MAC.</summary>
    public static MacAlgorithm HmacSha256 { get; } = new HmacSha256Mac();

    /// <summary>Keyed BLAKE2b with a 32-byte output, the original exercise's choice.</summary>
    public static MacAlgorithm Blake2b256 { get; } = new Blake2b256Mac();

    /// <summary>A short name for logs and errors.</summary>
    public abstract string Name { get; }

    /// <summary>Computes the tag of <paramref name="data"/> under <paramref name="key"/> into <paramref name="tag"/> (32 bytes).</summary>
    public void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> tag)
    {
        ValidateKey(key);
        if (tag.Length != TagSize)
        {
            throw Error.Length(nameof(tag), TagSize, tag.Length);
        }

        ComputeCore(key, data, default, default, tag);
    }

    /// <summary>
    /// Checks <paramref name="tag"/> against the tag of <paramref name="data"/> in constant time.
    /// A tag of any length other than 32 bytes is refused.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> tag)
    {
        ValidateKey(key);
        return VerifyCore(key, data, default, default, tag);
    }

    /// <summary>Throws <see cref="ArgumentException"/> if this MAC cannot take a key of this length.</summary>
    private protected abstract void ValidateKey(ReadOnlySpan<byte> key);

    /// <summary>The MAC of the concatenation <paramref name="part1"/> ‖ <paramref name="part2"/> ‖ <paramref name="part3"/>, without copying them together.</summary>
    internal abstract void ComputeCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3, Span<byte> tag);

    internal bool VerifyCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3, ReadOnlySpan<byte> tag)
    {
        if (tag.Length != TagSize)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[TagSize];
        ComputeCore(key, part1, part2, part3, expected);
        bool equal = CryptographicOperations.FixedTimeEquals(expected, tag);
        CryptographicOperations.ZeroMemory(expected);
        return equal;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
