using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Protection;

public class MessageSealerTests
{
    private static readonly byte[] Key = Enumerable.Range(0, MessageProtection.KeySize).Select(i => (byte)i).ToArray();

    [Fact]
    public void Seal_TwoEqualMessages_UseFreshIvsAndBothOpen()
    {
        MessageProtection protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256, MessageProtection.DefaultPaddingBucket);
        using var sealer = new MessageSealer(protection);
        byte[] plaintext = "same words"u8.ToArray();
        byte[] first = new byte[sealer.GetSealedLength(plaintext.Length)];
        byte[] second = new byte[first.Length];

        sealer.Seal(Key, "ad"u8, plaintext, first);
        sealer.Seal(Key, "ad"u8, plaintext, second);

        first.AsSpan(0, MessageProtection.IvSize).SequenceEqual(second.AsSpan(0, MessageProtection.IvSize)).Should().BeFalse("each message gets a fresh IV");
        byte[] opened = new byte[first.Length];
        protection.TryOpen(Key, "ad"u8, first, opened, out int written).Should().BeTrue();
        opened.AsSpan(0, written).SequenceEqual(plaintext).Should().BeTrue();
        protection.TryOpen(Key, "ad"u8, second, opened, out _).Should().BeTrue();
    }

    [Fact]
    public void Seal_TestSeamIvs_AreTheIvsOnTheWire()
    {
        MessageProtection protection = MessageProtection.Create(MessageSuite.AesCbcBlake2b256);
        byte[] fixedIv = Enumerable.Range(0x40, MessageProtection.IvSize).Select(i => (byte)i).ToArray();
        using var sealer = new MessageSealer(protection, iv => fixedIv.CopyTo(iv));
        byte[] sealedMessage = new byte[sealer.GetSealedLength(3)];

        sealer.Seal(Key, [], "abc"u8, sealedMessage);

        sealedMessage.AsSpan(0, MessageProtection.IvSize).SequenceEqual(fixedIv).Should().BeTrue();
    }
}
