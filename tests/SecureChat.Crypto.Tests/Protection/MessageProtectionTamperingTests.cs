using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Protection;

/// <summary>
/// Every change to a sealed message, its associated data or its key must be refused, the same way and
/// without a byte of plaintext reaching the caller.
/// </summary>
public class MessageProtectionTamperingTests
{
    private const byte Sentinel = 0xA5;

    // Fixed inputs so that every run checks the same bits; the IV still comes from the CSPRNG.
    private static readonly byte[] Key = Enumerable.Range(0, MessageProtection.KeySize).Select(i => (byte)((0x11 * i) & 0xFF)).ToArray();
    private static readonly byte[] AssociatedData = "alice->bob #7, 32 bytes of AD.."u8.ToArray();
    private static readonly byte[] Plaintext = "twenty bytes of text"u8.ToArray();

    public static TheoryData<MessageSuite, int> Configurations => MessageProtectionTests.Configurations;

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_EverySingleBitFlipOfSealedMessage_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);

        var accepted = Enumerable.Range(0, sealedMessage.Length * 8)
            .Where(bit => !IsRefused(protection, Key, AssociatedData, Tampering.FlipBit(sealedMessage, bit)))
            .ToList();

        accepted.Should().BeEmpty("no bit of the IV, ciphertext or tag may change unnoticed");
        sealedMessage.Length.Should().BeGreaterThan(MessageProtection.MinimumSealedLength, "the flips covered IV, two blocks and tag");
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_EverySingleBitFlipOfAssociatedData_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);

        var accepted = Enumerable.Range(0, AssociatedData.Length * 8)
            .Where(bit => !IsRefused(protection, Key, Tampering.FlipBit(AssociatedData, bit), sealedMessage))
            .ToList();

        accepted.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_EveryTruncation_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);

        var accepted = Enumerable.Range(0, sealedMessage.Length)
            .Where(length => !IsRefused(protection, Key, AssociatedData, sealedMessage[..length]))
            .ToList();

        accepted.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_ExtendedMessage_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);
        byte[] extraBlock = new byte[16];

        IsRefused(protection, Key, AssociatedData, Tampering.Concat(sealedMessage, [0x00])).Should().BeTrue("one extra byte");
        IsRefused(protection, Key, AssociatedData, Tampering.Concat(sealedMessage, extraBlock)).Should().BeTrue("one extra block after the tag");
        byte[] blockBeforeTag = [.. sealedMessage[..^MessageProtection.TagSize], .. extraBlock, .. sealedMessage[^MessageProtection.TagSize..]];
        IsRefused(protection, Key, AssociatedData, blockBeforeTag).Should().BeTrue("one extra block before the tag");
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_OneBlockMovedFromAssociatedDataToMessage_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);

        // AD ‖ IV ‖ ciphertext is the same byte string; only the boundary moved 16 bytes to the left, so the
        // new "IV" is the end of the AD. Without the AD length in the MAC input this would verify.
        byte[] shorterAd = AssociatedData[..^16];
        byte[] longerMessage = Tampering.Concat(AssociatedData[^16..], sealedMessage);

        IsRefused(protection, Key, shorterAd, longerMessage).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_IvMovedFromMessageToAssociatedData_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);

        // The boundary moved 16 bytes to the right: the IV becomes AD and the first cipher block the IV.
        byte[] longerAd = Tampering.Concat(AssociatedData, sealedMessage[..MessageProtection.IvSize]);
        byte[] shorterMessage = sealedMessage[MessageProtection.IvSize..];
        shorterMessage.Length.Should().BeGreaterThanOrEqualTo(MessageProtection.MinimumSealedLength, "the shifted message must pass the length checks");

        IsRefused(protection, Key, longerAd, shorterMessage).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_OtherOrMissingAssociatedData_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);

        IsRefused(protection, Key, [], sealedMessage).Should().BeTrue("empty AD");
        IsRefused(protection, Key, "bob->alice #7, 32 bytes of AD.."u8.ToArray(), sealedMessage).Should().BeTrue("other AD of the same length");
        IsRefused(protection, Key, Tampering.Concat(AssociatedData, [0]), sealedMessage).Should().BeTrue("AD with a byte appended");
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_TagOfAnotherMessage_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] first = protection.Seal(Key, AssociatedData, Plaintext);
        byte[] second = protection.Seal(Key, AssociatedData, Plaintext);

        byte[] spliced = [.. first[..^MessageProtection.TagSize], .. second[^MessageProtection.TagSize..]];

        IsRefused(protection, Key, AssociatedData, spliced).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_UnrelatedKey_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);
        byte[] otherKey = Key.Select(b => (byte)(b ^ 0xFF)).ToArray();

        IsRefused(protection, otherKey, AssociatedData, sealedMessage).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_KeyDifferingInOneBitOfTheMacHalf_IsRejected(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);

        var accepted = Enumerable.Range(0, 32 * 8)
            .Where(bit => !IsRefused(protection, Tampering.FlipBit(Key, bit), AssociatedData, sealedMessage))
            .ToList();

        accepted.Should().BeEmpty();
    }

    // The tag covers the MAC half of the key only (the documented RFC 7518-style split), so a key with the
    // right MAC half and a wrong encryption half passes the MAC check and fails, if at all, at unpadding:
    // about 1 in 256 such keys unpad cleanly and "open" to garbage, with or without length hiding. Keys
    // always come whole from one HKDF output, so a peer cannot arrange this. What must hold for every such
    // key is that the plaintext never comes out and no exception but the documented one escapes.
    // The IV is fixed so that the same 256 keys are tried on every run.
    [Theory]
    [MemberData(nameof(Configurations))]
    public void Open_KeyDifferingOnlyInTheEncryptionHalf_NeverGivesThePlaintext(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = SealWithFixedIv(protection);

        var revealing = Enumerable.Range(32 * 8, 32 * 8).Where(bit =>
        {
            try
            {
                return protection.Open(Tampering.FlipBit(Key, bit), AssociatedData, sealedMessage).AsSpan().SequenceEqual(Plaintext);
            }
            catch (AuthenticationFailedException)
            {
                return false;
            }
        }).ToList();

        revealing.Should().BeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(160)]
    public void TryOpen_MessageSealedWithTheOtherSuite_IsRejected(int bucket)
    {
        var hmac = MessageProtection.Create(MessageSuite.AesCbcHmacSha256, bucket);
        var blake2b = MessageProtection.Create(MessageSuite.AesCbcBlake2b256, bucket);

        IsRefused(blake2b, Key, AssociatedData, hmac.Seal(Key, AssociatedData, Plaintext)).Should().BeTrue();
        IsRefused(hmac, Key, AssociatedData, blake2b.Seal(Key, AssociatedData, Plaintext)).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Open_TamperedMessage_ThrowsAuthenticationFailedExceptionWithOneMessage(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, Plaintext);
        byte[][] tampered =
        [
            Tampering.FlipBit(sealedMessage, 0),
            Tampering.FlipBit(sealedMessage, sealedMessage.Length * 8 / 2),
            Tampering.FlipBit(sealedMessage, (sealedMessage.Length * 8) - 1),
            sealedMessage[..^1],
            sealedMessage[..^16],
            [],
        ];

        var messages = tampered.Select(bytes =>
        {
            Action act = () => protection.Open(Key, AssociatedData, bytes);
            return act.Should().ThrowExactly<AuthenticationFailedException>().Which.Message;
        }).Distinct().ToList();

        messages.Should().ContainSingle("the failure must not say which check failed");
    }

    private static byte[] SealWithFixedIv(MessageProtection protection)
    {
        byte[] sealedMessage = new byte[protection.GetSealedLength(Plaintext.Length)];
        protection.Seal(Key, Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), AssociatedData, Plaintext, sealedMessage);
        return sealedMessage;
    }

    /// <summary>
    /// True when both forms of open refuse the message: <c>TryOpen</c> returns false and leaves the destination
    /// exactly as it was (not a byte written), and <c>Open</c> throws <see cref="AuthenticationFailedException"/>.
    /// </summary>
    private static bool IsRefused(MessageProtection protection, byte[] key, byte[] associatedData, byte[] sealedMessage)
    {
        byte[] destination = new byte[Math.Max(sealedMessage.Length, 1)];
        destination.AsSpan().Fill(Sentinel);
        bool opened = protection.TryOpen(key, associatedData, sealedMessage, destination, out int written);
        bool untouched = !destination.AsSpan().ContainsAnyExcept(Sentinel);

        bool threw;
        try
        {
            protection.Open(key, associatedData, sealedMessage);
            threw = false;
        }
        catch (AuthenticationFailedException)
        {
            threw = true;
        }

        bool arrayFormRefused = !protection.TryOpen(key, associatedData, sealedMessage, out byte[]? plaintext) && plaintext is null;
        return !opened && written == 0 && untouched && threw && arrayFormRefused;
    }
}
