// Keyed BLAKE2b with a 32-byte output (RFC 7693 section 2.5: the key fills the first block).
namespace SecureChat.Crypto.Protection;

internal sealed class Blake2b256Mac : MacAlgorithm
{
    public override string Name => "BLAKE2b-256";

    private protected override void ValidateKey(ReadOnlySpan<byte> key)
    {
        if (key.Length is < 1 or > Blake2b.MaxKeySize)
        {
            throw Error.OutOfRange(nameof(key), key.Length, "A keyed BLAKE2b key is 1 to 64 bytes.");
        }
    }

    internal override void ComputeCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3, Span<byte> tag) =>
        Blake2b.Hash(key, part1, part2, part3, tag);
}
