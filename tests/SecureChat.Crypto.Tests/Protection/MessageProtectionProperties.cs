using CsCheck;
using SecureChat.Crypto.Protection;
using SecureChat.Tests.Shared;

namespace SecureChat.Crypto.Tests.Protection;

/// <summary>
/// Properties of message protection over random keys, associated data and messages of every size from 0 to
/// past 64 KiB, for both suites, with and without length hiding: what is sealed opens to itself, and any
/// change to the sealed bytes, the associated data (the record header) or the MAC half of the key is
/// refused without a byte of plaintext written.
/// </summary>
public sealed class MessageProtectionProperties
{
    private const byte Sentinel = 0xA5;

    private static readonly MessageSuite[] Suites = [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256];

    private static readonly int[] Buckets = [0, 16, MessageProtection.DefaultPaddingBucket, 4096];

    private static readonly Gen<MessageProtection> Protection =
        Gen.Select(Gen.Int[0, Suites.Length - 1], Gen.Int[0, Buckets.Length - 1]).Select((s, b) => MessageProtection.Create(Suites[s], Buckets[b]));

    /// <summary>Message sizes: mostly small, often on a block or bucket edge, now and then past 64 KiB.</summary>
    private static readonly Gen<int> Size = Gen.Frequency(
        (4, Gen.Int[0, 400]),
        (2, Gen.Int[0, 40].Select(Gen.Int[-1, 1], (k, d) => Math.Max(0, (k * 16) + d))),
        (2, Gen.Int[0, 12].Select(Gen.Int[-1, 1], (k, d) => Math.Max(0, (k * MessageProtection.DefaultPaddingBucket) + d))),
        (1, Gen.Int[400, 70_000]));

    private static readonly Gen<Sealed> SealedMessages =
        Gen.Select(Protection, Gen.Byte.Array[MessageProtection.KeySize], Gen.Byte.Array[0, 64], Size.SelectMany(n => Gen.Byte.Array[n]))
            .Select((protection, key, ad, plaintext) => new Sealed(protection, key, ad, plaintext, protection.Seal(key, ad, plaintext)));

    [Fact]
    public void Seal_AnyMessageKeyAndHeader_OpensToItselfAtTheAdvertisedLength()
    {
        SealedMessages.Sample(s =>
        {
            s.Bytes.Length.Should().Be(s.Protection.GetSealedLength(s.Plaintext.Length));
            if (s.Protection.PaddingBucket > 0)
            {
                ((s.Bytes.Length - MessageProtection.IvSize - MessageProtection.TagSize) % s.Protection.PaddingBucket).Should().Be(0, "the length only shows the bucket");
            }

            s.Protection.TryOpen(s.Key, s.AssociatedData, s.Bytes, out byte[]? opened).Should().BeTrue();
            opened.Should().Equal(s.Plaintext);
        }, iter: PropertyRuns.Iterations(300));
    }

    [Fact]
    public void TryOpen_AnyMutationOfTheSealedBytes_IsRefused()
    {
        Gen.Select(SealedMessages, Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Int[1, 48]).Sample((s, kind, where, amount) =>
        {
            byte[] bytes = s.Bytes;
            int at = (int)(where % bytes.Length);
            byte[] mutated = kind switch
            {
                0 => Flip(bytes, (int)(where % (bytes.Length * 8))),
                1 => bytes[..at],                                                          // truncated
                2 => [.. bytes, .. new byte[amount]],                                      // extended
                3 => [.. bytes[..at], .. new byte[16], .. bytes[at..]],                    // a block inserted
                4 => bytes.Length >= at + 16 ? [.. bytes[..at], .. bytes[(at + 16)..]] : bytes[..at], // a block removed
                _ => Xor(bytes, at, (byte)(1 + (amount % 255))),                           // a byte replaced
            };

            IsRefused(s.Protection, s.Key, s.AssociatedData, mutated).Should().BeTrue($"mutation {kind} at {at} must not go unnoticed");
        }, iter: PropertyRuns.Iterations(1_000));
    }

    [Fact]
    public void TryOpen_AnyChangeOfTheHeader_IsRefused()
    {
        Gen.Select(SealedMessages, Gen.Int[0, 2], Gen.Int[0, int.MaxValue]).Sample((s, kind, where) =>
        {
            byte[] ad = s.AssociatedData;
            byte[] changed = kind switch
            {
                0 when ad.Length > 0 => Flip(ad, (int)(where % (ad.Length * 8))),
                1 when ad.Length > 0 => ad[..^1],
                _ => [.. ad, (byte)(where & 0xFF)],
            };

            IsRefused(s.Protection, s.Key, changed, s.Bytes).Should().BeTrue();
        }, iter: PropertyRuns.Iterations(1_000));
    }

    [Fact]
    public void TryOpen_AnyBitOfTheMacKeyFlipped_IsRefused()
    {
        Gen.Select(SealedMessages, Gen.Int[0, (32 * 8) - 1]).Sample((s, bit) =>
        {
            IsRefused(s.Protection, Flip(s.Key, bit), s.AssociatedData, s.Bytes).Should().BeTrue();
        }, iter: PropertyRuns.Iterations(500));
    }

    /// <summary>
    /// By design (RFC 7518's split key) authenticity rests on the MAC half: a key whose encryption half
    /// differs may pass the tag, but can never give the sealed message back. The key schedule never makes
    /// such a key; this pins down what the design does promise.
    /// </summary>
    [Fact]
    public void TryOpen_AnyBitOfTheEncryptionKeyFlipped_NeverGivesTheMessageBack()
    {
        Gen.Select(SealedMessages, Gen.Int[32 * 8, (MessageProtection.KeySize * 8) - 1]).Sample((s, bit) =>
        {
            if (s.Protection.TryOpen(Flip(s.Key, bit), s.AssociatedData, s.Bytes, out byte[]? opened))
            {
                opened.Should().NotEqual(s.Plaintext);
            }
        }, iter: PropertyRuns.Iterations(300));
    }

    [Fact]
    public void TryOpen_SealedUnderTheOtherSuite_IsRefused()
    {
        SealedMessages.Sample(s =>
        {
            MessageSuite other = s.Protection.Suite == MessageSuite.AesCbcHmacSha256 ? MessageSuite.AesCbcBlake2b256 : MessageSuite.AesCbcHmacSha256;
            IsRefused(MessageProtection.Create(other, s.Protection.PaddingBucket), s.Key, s.AssociatedData, s.Bytes).Should().BeTrue();
        }, iter: PropertyRuns.Iterations(300));
    }

    private static byte[] Flip(byte[] data, int bit) => Tampering.FlipBit(data, bit);

    private static byte[] Xor(byte[] data, int at, byte mask)
    {
        byte[] copy = (byte[])data.Clone();
        copy[at] ^= mask;
        return copy;
    }

    /// <summary>Refused, and not a byte written into the caller's buffer.</summary>
    private static bool IsRefused(MessageProtection protection, byte[] key, byte[] associatedData, byte[] sealedBytes)
    {
        byte[] destination = new byte[Math.Max(sealedBytes.Length, 1)];
        destination.AsSpan().Fill(Sentinel);
        bool opened = protection.TryOpen(key, associatedData, sealedBytes, destination, out int written);
        return !opened && written == 0 && !destination.AsSpan().ContainsAnyExcept(Sentinel);
    }

    /// <summary>One sealed message and what it was sealed from (printed by CsCheck when a case fails).</summary>
    private sealed record Sealed(MessageProtection Protection, byte[] Key, byte[] AssociatedData, byte[] Plaintext, byte[] Bytes)
    {
        public override string ToString() =>
            $"{Protection}, key {Convert.ToHexString(Key)}, AD {Convert.ToHexString(AssociatedData)}, {Plaintext.Length}-byte message, {Bytes.Length} sealed bytes";
    }
}
