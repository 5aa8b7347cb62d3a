using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Protection;

public class MacAlgorithmTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Data = "SecureChat MAC test"u8.ToArray();

    public static TheoryData<string> Algorithms => new() { "HMAC-SHA256", "BLAKE2b-256" };

    // Computed with Python 3.11, outside .NET:
    //   key = bytes(range(32)); data = b"SecureChat MAC test"
    //   hmac.new(key, data, hashlib.sha256).hexdigest()
    //   hashlib.blake2b(data, digest_size=32, key=key).hexdigest()
    //   hashlib.blake2b(b"", digest_size=32, key=bytes(range(64))).hexdigest()
    //   hmac.new(bytes(range(100)), b"", hashlib.sha256).hexdigest()
    [Theory]
    [InlineData("HMAC-SHA256", 32, "SecureChat MAC test", "f0a79f52b8a728ef873044ea8188a25c9dcc2e1f21465b101aacbdc5a6ad30a7")]
    [InlineData("BLAKE2b-256", 32, "SecureChat MAC test", "616e91b8cc00dc9d0858767cefd4476a82f7c5654a4c081b5a18f891b87a7d54")]
    [InlineData("BLAKE2b-256", 64, "", "2fa9fbd9be36437de204e139e97d402bce68c828f43391608c891b5faed8a98a")]
    [InlineData("HMAC-SHA256", 100, "", "d3a5bd70c0b5394e7eb7b08662b7b8d8e77501edfbd5add0a4180aa0255ac523")]
    public void Compute_FixedKeyAndData_GivesIndependentlyComputedTag(string name, int keyLength, string data, string expectedHex)
    {
        byte[] key = Enumerable.Range(0, keyLength).Select(i => (byte)i).ToArray();
        byte[] tag = new byte[MacAlgorithm.TagSize];

        ByName(name).Compute(key, System.Text.Encoding.ASCII.GetBytes(data), tag);

        Convert.ToHexStringLower(tag).Should().Be(expectedHex);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Verify_ComputedTag_IsAccepted(string name)
    {
        MacAlgorithm mac = ByName(name);

        mac.Verify(Key, Data, TagOf(mac, Data)).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Verify_EverySingleBitFlipOfTag_IsRejected(string name)
    {
        MacAlgorithm mac = ByName(name);
        byte[] tag = TagOf(mac, Data);

        var accepted = Enumerable.Range(0, tag.Length * 8).Where(bit => mac.Verify(Key, Data, Tampering.FlipBit(tag, bit))).ToList();

        accepted.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Verify_EverySingleBitFlipOfData_IsRejected(string name)
    {
        MacAlgorithm mac = ByName(name);
        byte[] tag = TagOf(mac, Data);

        var accepted = Enumerable.Range(0, Data.Length * 8).Where(bit => mac.Verify(Key, Tampering.FlipBit(Data, bit), tag)).ToList();

        accepted.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Verify_OtherKey_IsRejected(string name)
    {
        MacAlgorithm mac = ByName(name);

        mac.Verify(Tampering.FlipBit(Key, 255), Data, TagOf(mac, Data)).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Verify_TruncatedTag_IsRejected(string name)
    {
        MacAlgorithm mac = ByName(name);
        byte[] tag = TagOf(mac, Data);

        mac.Verify(Key, Data, tag.AsSpan(0, 16)).Should().BeFalse("a correct 16-byte prefix is not a tag");
        mac.Verify(Key, Data, tag.AsSpan(0, 31)).Should().BeFalse();
        mac.Verify(Key, Data, []).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Verify_ExtendedTag_IsRejected(string name)
    {
        MacAlgorithm mac = ByName(name);
        byte[] tag = TagOf(mac, Data);

        mac.Verify(Key, Data, Tampering.Concat(tag, [0x00])).Should().BeFalse();
        mac.Verify(Key, Data, Tampering.Concat(tag, tag)).Should().BeFalse();
    }

    [Theory]
    [InlineData("HMAC-SHA256", 31)]
    [InlineData("HMAC-SHA256", 33)]
    [InlineData("BLAKE2b-256", 16)]
    [InlineData("BLAKE2b-256", 64)]
    public void Compute_TagBufferNot32Bytes_ThrowsArgumentException(string name, int tagLength)
    {
        Action act = () => ByName(name).Compute(Key, Data, new byte[tagLength]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("tag");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ComputeAndVerify_EmptyKey_ThrowArgumentException(string name)
    {
        MacAlgorithm mac = ByName(name);

        Action compute = () => mac.Compute([], Data, new byte[MacAlgorithm.TagSize]);
        Action verify = () => mac.Verify([], Data, new byte[MacAlgorithm.TagSize]);

        compute.Should().Throw<ArgumentException>();
        verify.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ComputeAndVerify_Blake2bKeyOver64Bytes_ThrowArgumentException()
    {
        byte[] key = new byte[65];

        Action compute = () => MacAlgorithm.Blake2b256.Compute(key, Data, new byte[MacAlgorithm.TagSize]);
        Action verify = () => MacAlgorithm.Blake2b256.Verify(key, Data, new byte[MacAlgorithm.TagSize]);

        compute.Should().Throw<ArgumentException>();
        verify.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Compute_HmacKeyOver64Bytes_IsAccepted()
    {
        byte[] key = new byte[200];
        byte[] tag = new byte[MacAlgorithm.TagSize];

        MacAlgorithm.HmacSha256.Compute(key, Data, tag);

        MacAlgorithm.HmacSha256.Verify(key, Data, tag).Should().BeTrue();
    }

    [Fact]
    public void Compute_SameKeyAndDataUnderBothAlgorithms_GivesDifferentTags()
    {
        TagOf(MacAlgorithm.HmacSha256, Data).Should().NotEqual(TagOf(MacAlgorithm.Blake2b256, Data));
    }

    private static MacAlgorithm ByName(string name) => name switch
    {
        "HMAC-SHA256" => MacAlgorithm.HmacSha256,
        "BLAKE2b-256" => MacAlgorithm.Blake2b256,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such MAC."),
    };

    private static byte[] TagOf(MacAlgorithm mac, byte[] data)
    {
        byte[] tag = new byte[MacAlgorithm.TagSize];
        mac.Compute(Key, data, tag);
        return tag;
    }
}
