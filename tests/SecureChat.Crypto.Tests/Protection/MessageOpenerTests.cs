using System.Security.Cryptography;
using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Protection;

// The opener and the sealer keep one cipher object across messages and key it per message (issue 19):
// these tests fail if a message's key were not applied, or a previous message's key lingered.
public class MessageOpenerTests
{
    public static TheoryData<MessageSuite, int> Protections => new()
    {
        { MessageSuite.AesCbcHmacSha256, 0 },
        { MessageSuite.AesCbcHmacSha256, MessageProtection.DefaultPaddingBucket },
        { MessageSuite.AesCbcBlake2b256, MessageProtection.DefaultPaddingBucket },
    };

    [Theory]
    [MemberData(nameof(Protections))]
    public void TryOpen_ManyMessagesUnderDifferentKeys_OpensWhatTheStatelessPathSealed(MessageSuite suite, int bucket)
    {
        MessageProtection protection = MessageProtection.Create(suite, bucket);
        using var opener = new MessageOpener(protection);
        int[] lengths = [0, 1, 15, 16, 100, 1023, 1024, 5000, 48 * 1024, 70 * 1024];

        for (int i = 0; i < 40; i++)
        {
            byte[] key = RandomNumberGenerator.GetBytes(MessageProtection.KeySize);
            byte[] plaintext = RandomNumberGenerator.GetBytes(lengths[i % lengths.Length]);
            byte[] sealedMessage = protection.Seal(key, "ad"u8, plaintext);
            byte[] opened = new byte[sealedMessage.Length];

            opener.TryOpen(key, "ad"u8, sealedMessage, opened, out int written).Should().BeTrue($"message {i} was sealed under its own key");
            opened.AsSpan(0, written).SequenceEqual(plaintext).Should().BeTrue($"message {i} must decrypt under its own key");
        }
    }

    [Theory]
    [MemberData(nameof(Protections))]
    public void Seal_ManyMessagesUnderDifferentKeys_OpenWithTheStatelessPath(MessageSuite suite, int bucket)
    {
        MessageProtection protection = MessageProtection.Create(suite, bucket);
        using var sealer = new MessageSealer(protection);

        for (int i = 0; i < 40; i++)
        {
            byte[] key = RandomNumberGenerator.GetBytes(MessageProtection.KeySize);
            byte[] plaintext = RandomNumberGenerator.GetBytes(i * 997 % 60000);
            byte[] sealedMessage = new byte[sealer.GetSealedLength(plaintext.Length)];
            sealer.Seal(key, "ad"u8, plaintext, sealedMessage);

            protection.Open(key, "ad"u8, sealedMessage).SequenceEqual(plaintext).Should().BeTrue($"message {i} must be encrypted under its own key");
        }
    }

    [Fact]
    public void TryOpen_EncryptionHalfChangesBetweenMessages_TheNewHalfTakesEffect()
    {
        // Same MAC half, different encryption halves: the tag verifies either way, so only the AES key
        // applied to each message decides whether its plaintext comes out.
        MessageProtection protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);
        byte[] macKey = RandomNumberGenerator.GetBytes(32);
        byte[] keyA = [.. macKey, .. RandomNumberGenerator.GetBytes(32)];
        byte[] keyB = [.. macKey, .. RandomNumberGenerator.GetBytes(32)];
        byte[] plaintext = RandomNumberGenerator.GetBytes(4096);
        byte[] underB = protection.Seal(keyB, [], plaintext);
        byte[] opened = new byte[underB.Length];
        using var opener = new MessageOpener(protection);

        opener.TryOpen(keyA, [], protection.Seal(keyA, [], plaintext), opened, out _).Should().BeTrue();
        opener.TryOpen(keyB, [], underB, opened, out int written).Should().BeTrue();
        opened.AsSpan(0, written).SequenceEqual(plaintext).Should().BeTrue("the second message's key replaces the first's");

        bool openedUnderA = opener.TryOpen(keyA, [], underB, opened, out written);
        (openedUnderA && opened.AsSpan(0, written).SequenceEqual(plaintext)).Should().BeFalse("the wrong encryption half must not give the plaintext");
    }

    [Fact]
    public void Dispose_ThenUse_Throws()
    {
        MessageProtection protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);
        byte[] key = RandomNumberGenerator.GetBytes(MessageProtection.KeySize);
        byte[] sealedMessage = protection.Seal(key, [], "x"u8);
        var opener = new MessageOpener(protection);
        var sealer = new MessageSealer(protection);

        opener.Dispose();
        opener.Dispose();
        sealer.Dispose();

        FluentActions.Invoking(() => opener.TryOpen(key, [], sealedMessage, new byte[sealedMessage.Length], out _)).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => sealer.Seal(key, [], "x"u8, new byte[sealedMessage.Length])).Should().Throw<ObjectDisposedException>();
    }
}
