using System.Security.Cryptography;
using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Protection;

/// <summary>Round trips, sealed lengths, length hiding and argument checks of <see cref="MessageProtection"/>.</summary>
public class MessageProtectionTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(MessageProtection.KeySize);
    private static readonly byte[] AssociatedData = "record header"u8.ToArray();

    private static readonly int[] Sizes = [0, 1, 15, 16, 17, 159, 160, 161, 64 * 1024];

    /// <summary>Both suites, with and without length hiding.</summary>
    public static TheoryData<MessageSuite, int> Configurations => new()
    {
        { MessageSuite.AesCbcHmacSha256, 0 },
        { MessageSuite.AesCbcHmacSha256, MessageProtection.DefaultPaddingBucket },
        { MessageSuite.AesCbcBlake2b256, 0 },
        { MessageSuite.AesCbcBlake2b256, MessageProtection.DefaultPaddingBucket },
    };

    public static TheoryData<MessageSuite, int, int> ConfigurationsAndSizes
    {
        get
        {
            var data = new TheoryData<MessageSuite, int, int>();
            foreach (MessageSuite suite in new[] { MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256 })
            {
                foreach (int bucket in new[] { 0, MessageProtection.DefaultPaddingBucket })
                {
                    foreach (int size in Sizes)
                    {
                        data.Add(suite, bucket, size);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ConfigurationsAndSizes))]
    public void Open_SealedMessage_ReturnsOriginalPlaintext(MessageSuite suite, int bucket, int size)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] plaintext = RandomNumberGenerator.GetBytes(size);

        byte[] sealedMessage = protection.Seal(Key, AssociatedData, plaintext);

        protection.Open(Key, AssociatedData, sealedMessage).Should().Equal(plaintext);
    }

    [Theory]
    [MemberData(nameof(ConfigurationsAndSizes))]
    public void TryOpen_SealedMessageIntoSpan_WritesExactlyThePlaintext(MessageSuite suite, int bucket, int size)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] plaintext = RandomNumberGenerator.GetBytes(size);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, plaintext);
        byte[] destination = new byte[sealedMessage.Length - MessageProtection.IvSize - MessageProtection.TagSize];

        bool opened = protection.TryOpen(Key, AssociatedData, sealedMessage, destination, out int written);

        opened.Should().BeTrue();
        written.Should().Be(size);
        destination.AsSpan(0, written).ToArray().Should().Equal(plaintext);
    }

    [Theory]
    [MemberData(nameof(ConfigurationsAndSizes))]
    public void GetSealedLength_AnySize_MatchesLengthOfSealedMessage(MessageSuite suite, int bucket, int size)
    {
        var protection = MessageProtection.Create(suite, bucket);

        byte[] sealedMessage = protection.Seal(Key, AssociatedData, new byte[size]);

        protection.GetSealedLength(size).Should().Be(sealedMessage.Length);
    }

    // Expected lengths from the documented format: IV (16) + ciphertext + tag (32). Without length hiding the
    // ciphertext is the PKCS#7-padded plaintext; with it, the plaintext grows to the next multiple of 160
    // that leaves room for the 0x80 byte, and is encrypted as it is.
    [Theory]
    [InlineData(0, 0, 64)]
    [InlineData(0, 1, 64)]
    [InlineData(0, 15, 64)]
    [InlineData(0, 16, 80)]
    [InlineData(0, 17, 80)]
    [InlineData(0, 159, 208)]
    [InlineData(0, 160, 224)]
    [InlineData(0, 161, 224)]
    [InlineData(0, 65536, 65600)]
    [InlineData(160, 0, 208)]
    [InlineData(160, 1, 208)]
    [InlineData(160, 159, 208)]
    [InlineData(160, 160, 368)]
    [InlineData(160, 161, 368)]
    [InlineData(160, 319, 368)]
    [InlineData(160, 320, 528)]
    [InlineData(160, 65536, 65648)]
    [InlineData(16, 0, 64)]
    [InlineData(16, 15, 64)]
    [InlineData(16, 16, 80)]
    public void GetSealedLength_DocumentedFormat_GivesExpectedLength(int bucket, int size, int expected)
    {
        MessageProtection.Create(MessageSuite.AesCbcHmacSha256, bucket).GetSealedLength(size).Should().Be(expected);
        MessageProtection.Create(MessageSuite.AesCbcBlake2b256, bucket).GetSealedLength(size).Should().Be(expected);
    }

    [Theory]
    [InlineData(MessageSuite.AesCbcHmacSha256)]
    [InlineData(MessageSuite.AesCbcBlake2b256)]
    public void Seal_WithLengthHiding_LengthsDependOnlyOnTheBucket(MessageSuite suite)
    {
        var protection = MessageProtection.Create(suite, 160);

        // Every size from 0 to 479: the sealed lengths must fall into exactly three groups, one per bucket.
        var lengthsByBucket = Enumerable.Range(0, 480)
            .GroupBy(size => size / 160)
            .Select(group => group.Select(size => protection.Seal(Key, AssociatedData, new byte[size]).Length).Distinct().ToArray())
            .ToArray();

        lengthsByBucket.Should().HaveCount(3);
        lengthsByBucket.Should().AllSatisfy(lengths => lengths.Should().ContainSingle("messages within one bucket must not be told apart"));
        lengthsByBucket.Select(lengths => lengths[0]).Should().OnlyHaveUniqueItems("messages in different buckets have different lengths");
    }

    [Theory]
    [InlineData(MessageSuite.AesCbcHmacSha256)]
    [InlineData(MessageSuite.AesCbcBlake2b256)]
    public void Seal_WithoutLengthHiding_LengthFollowsTheCipherBlocks(MessageSuite suite)
    {
        var protection = MessageProtection.Create(suite);

        protection.Seal(Key, AssociatedData, new byte[15]).Length
            .Should().BeLessThan(protection.Seal(Key, AssociatedData, new byte[16]).Length);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Seal_SamePlaintextTwice_GivesDifferentIvsAndCiphertexts(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] plaintext = "the same words"u8.ToArray();

        byte[] first = protection.Seal(Key, AssociatedData, plaintext);
        byte[] second = protection.Seal(Key, AssociatedData, plaintext);

        first[..MessageProtection.IvSize].Should().NotEqual(second[..MessageProtection.IvSize]);
        first[MessageProtection.IvSize..^MessageProtection.TagSize].Should().NotEqual(second[MessageProtection.IvSize..^MessageProtection.TagSize]);
        protection.Open(Key, AssociatedData, first).Should().Equal(plaintext);
        protection.Open(Key, AssociatedData, second).Should().Equal(plaintext);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Seal_Plaintext_DoesNotAppearInTheSealedMessage(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] plaintext = "a rather recognisable secret message, long enough to span blocks"u8.ToArray();

        byte[] sealedMessage = protection.Seal(Key, AssociatedData, plaintext);

        sealedMessage.AsSpan().IndexOf(plaintext.AsSpan(0, 16)).Should().Be(-1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(65)]
    public void Seal_KeyOfWrongLength_ThrowsArgumentException(int keyLength)
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);

        Action act = () => protection.Seal(new byte[keyLength], AssociatedData, [1, 2, 3]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("key");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(65)]
    public void Open_KeyOfWrongLength_ThrowsArgumentException(int keyLength)
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcBlake2b256);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, [1, 2, 3]);

        Action open = () => protection.Open(new byte[keyLength], AssociatedData, sealedMessage);
        Action tryOpen = () => protection.TryOpen(new byte[keyLength], AssociatedData, sealedMessage, out _);

        open.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("key");
        tryOpen.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("key");
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TryOpen_DestinationSmallerThanCiphertext_ThrowsArgumentException(MessageSuite suite, int bucket)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = protection.Seal(Key, AssociatedData, new byte[20]);
        int ciphertextLength = sealedMessage.Length - MessageProtection.IvSize - MessageProtection.TagSize;

        Action act = () => protection.TryOpen(Key, AssociatedData, sealedMessage, new byte[ciphertextLength - 1], out _);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("destination");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Seal_DestinationNotExactlyTheSealedLength_ThrowsArgumentException(int difference)
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);
        byte[] destination = new byte[protection.GetSealedLength(20) + difference];

        Action act = () => protection.Seal(Key, AssociatedData, new byte[20], destination);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("destination");
    }

    [Fact]
    public void Seal_DestinationOverlappingPlaintextOrAssociatedData_ThrowsArgumentException()
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);
        int sealedLength = protection.GetSealedLength(20);
        byte[] buffer = new byte[sealedLength + 20];

        Action overPlaintext = () => protection.Seal(Key, AssociatedData, buffer.AsSpan(sealedLength - 10, 20), buffer.AsSpan(0, sealedLength));
        Action overAssociatedData = () => protection.Seal(Key, buffer.AsSpan(sealedLength - 5, 10), new byte[20], buffer.AsSpan(0, sealedLength));

        overPlaintext.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("destination");
        overAssociatedData.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("destination");
    }

    [Fact]
    public void TryOpen_FarLongerThanAnySealedMessage_ReturnsFalseWithoutAskingForALargerDestination()
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);
        byte[] huge = new byte[2 * MessageProtection.MaxPlaintextLength];

        protection.TryOpen(Key, AssociatedData, huge, new byte[16], out int written).Should().BeFalse();
        written.Should().Be(0);
    }

    [Fact]
    public void Seal_IntoDestinationOfExactLength_CanBeOpened()
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);
        byte[] plaintext = "into a buffer"u8.ToArray();
        byte[] destination = new byte[protection.GetSealedLength(plaintext.Length)];

        protection.Seal(Key, AssociatedData, plaintext, destination);

        protection.Open(Key, AssociatedData, destination).Should().Equal(plaintext);
    }

    [Theory]
    [InlineData(-16)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(65536 + 16)]
    public void Create_InvalidPaddingBucket_ThrowsArgumentOutOfRangeException(int bucket)
    {
        Action act = () => MessageProtection.Create(MessageSuite.AesCbcHmacSha256, bucket);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("paddingBucket");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Create_UnknownSuite_ThrowsArgumentOutOfRangeException(int suite)
    {
        Action act = () => MessageProtection.Create((MessageSuite)suite);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("suite");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(MessageProtection.MaxPlaintextLength + 1)]
    public void GetSealedLength_SizeOutOfRange_ThrowsArgumentOutOfRangeException(int size)
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);

        Action act = () => protection.GetSealedLength(size);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Seal_PlaintextOverTheMaximum_ThrowsArgumentOutOfRangeException()
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);

        Action act = () => protection.Seal(Key, AssociatedData, new byte[MessageProtection.MaxPlaintextLength + 1]);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
