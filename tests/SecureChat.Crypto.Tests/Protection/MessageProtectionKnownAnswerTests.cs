using SecureChat.Crypto.Protection;

namespace SecureChat.Crypto.Tests.Protection;

/// <summary>
/// Sealed messages with a fixed IV, checked against bytes computed outside .NET from the format in the
/// header of MessageProtection.cs:
///   sealed = IV ‖ AES-256-CBC-PKCS7(key[32..64], IV, plaintext) ‖ MAC(key[0..32], uint64-be(len AD) ‖ AD ‖ IV ‖ ciphertext)
/// except that with length hiding the plaintext becomes plaintext ‖ 0x80 ‖ zeros up to the next multiple of
/// 160 that is longer, and is encrypted without PKCS#7 (it already fills whole blocks).
/// </summary>
/// <remarks>
/// Computed with Python 3.11 and OpenSSL 3.0 (no .NET code involved):
/// <code>
/// key = bytes(range(64)); iv = bytes.fromhex("f0e1d2c3b4a5968778695a4b3c2d1e0f")
/// ad = b"alice-&gt;bob #7"; pt = b"The quick brown fox jumps over the lazy dog"
/// # no length hiding: body = pt, and openssl's default PKCS#7 padding
/// # bucket 160:       body = pt + b"\x80" + b"\x00" * (padded_len - len(pt) - 1), padded_len = (len(pt) // 160 + 1) * 160,
/// #                   and "-nopad" added to the openssl command
/// ct = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-K", key[32:].hex(), "-iv", iv.hex()],
///                     input=body, capture_output=True, check=True).stdout
/// mac_input = struct.pack("&gt;Q", len(ad)) + ad + iv + ct
/// tag = hmac.new(key[:32], mac_input, hashlib.sha256).digest()                  # HMAC suite
/// tag = hashlib.blake2b(mac_input, digest_size=32, key=key[:32]).digest()       # BLAKE2b suite
/// print((iv + ct + tag).hex())
/// </code>
/// The empty cases use ad = b"" and pt = b""; the bucket-edge cases pt = b"a" * 159 and b"a" * 160 (HMAC,
/// bucket 160). The AES output is shared by both suites; only the tags differ.
/// </remarks>
public class MessageProtectionKnownAnswerTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
    private static readonly byte[] Iv = Convert.FromHexString("f0e1d2c3b4a5968778695a4b3c2d1e0f");
    private static readonly byte[] AssociatedData = "alice->bob #7"u8.ToArray();
    private static readonly byte[] Plaintext = "The quick brown fox jumps over the lazy dog"u8.ToArray();

    public static TheoryData<MessageSuite, int, string> Cases => new()
    {
        {
            MessageSuite.AesCbcHmacSha256, 0,
            "f0e1d2c3b4a5968778695a4b3c2d1e0f8a6630e22bd688259028d811bf2b94ec" +
            "ec5fdb3f059d993bfea1aeed6f77b41eece0bdd99d9f8dd6214337808b8803bf" +
            "aba7bc1ca3256f11e0a66b37b5ff7be1b25cd78edff39966d0291ae89c447048"
        },
        {
            MessageSuite.AesCbcBlake2b256, 0,
            "f0e1d2c3b4a5968778695a4b3c2d1e0f8a6630e22bd688259028d811bf2b94ec" +
            "ec5fdb3f059d993bfea1aeed6f77b41eece0bdd99d9f8dd6214337808b8803bf" +
            "34c61b88ecff1d6f0c15689bd085441034b80558dae4b039a5abfe4354ca87ee"
        },
        {
            MessageSuite.AesCbcHmacSha256, 160,
            "f0e1d2c3b4a5968778695a4b3c2d1e0f8a6630e22bd688259028d811bf2b94ec" +
            "ec5fdb3f059d993bfea1aeed6f77b41e46e638167aa1fea8d858f2c2077a8397" +
            "7050448973e9be82574fc341a3fe71aec1ee26b583801d3deec21cce01180465" +
            "41e386ff6ee7a3f016e46b9a01286a30c57db58e6a41a943d725472861209c18" +
            "1126d388872115aab9092aae46fa8173c49d431da26349c18594fb755e9bca9b" +
            "4e99a460b42de9d26563837ba5e507384c0d2587e3dff555f6e7915358f7ddef" +
            "4f95c3ae2e14b74c9fbb2f925642aa4e"
        },
        {
            MessageSuite.AesCbcBlake2b256, 160,
            "f0e1d2c3b4a5968778695a4b3c2d1e0f8a6630e22bd688259028d811bf2b94ec" +
            "ec5fdb3f059d993bfea1aeed6f77b41e46e638167aa1fea8d858f2c2077a8397" +
            "7050448973e9be82574fc341a3fe71aec1ee26b583801d3deec21cce01180465" +
            "41e386ff6ee7a3f016e46b9a01286a30c57db58e6a41a943d725472861209c18" +
            "1126d388872115aab9092aae46fa8173c49d431da26349c18594fb755e9bca9b" +
            "4e99a460b42de9d26563837ba5e5073885012ea92b98ee0bcca09b79f2a6a863" +
            "b3a40fb0f6de37889806977ba3d80d61"
        },
    };

    public static TheoryData<MessageSuite, string> EmptyCases => new()
    {
        {
            MessageSuite.AesCbcHmacSha256,
            "f0e1d2c3b4a5968778695a4b3c2d1e0face086bfa1894265b7c1452e19986089" +
            "0faeddb1e85a421eaacd99d3468c298bf760ba9a5f9ac76d6759c183a8184af7"
        },
        {
            MessageSuite.AesCbcBlake2b256,
            "f0e1d2c3b4a5968778695a4b3c2d1e0face086bfa1894265b7c1452e19986089" +
            "9de5bc74960eb3912e693b337d7aa8ce407609f8074a391cb7fd55b9c8b107cd"
        },
    };

    public static TheoryData<int, string> BucketEdgeCases => new()
    {
        {
            159,
            "f0e1d2c3b4a5968778695a4b3c2d1e0fe18b19c088377fc8f69668c58121e4ef" +
            "238f7b91db45bc7a29d863f5da5268717531af748bfd5ee54ec84fabfb957283" +
            "ab00019a6d9891431e1c48787d8587fc95dec10a63baa2bc1fa246046296ca6f" +
            "dddbdab3db15c70f1775ffe36daf53af841b733c56109bff8fb4372999f3c514" +
            "324ec585a27fced5cbfafdda2ec7d190a5a734bd06a901885f578f515fef9b32" +
            "824d7973219a520cdccf9c5a16b841ca24cea88716ff05f7138d0e9b810739ae" +
            "6d6dbec3927970fd5d33f23ebd5c6171"
        },
        {
            160,
            "f0e1d2c3b4a5968778695a4b3c2d1e0fe18b19c088377fc8f69668c58121e4ef" +
            "238f7b91db45bc7a29d863f5da5268717531af748bfd5ee54ec84fabfb957283" +
            "ab00019a6d9891431e1c48787d8587fc95dec10a63baa2bc1fa246046296ca6f" +
            "dddbdab3db15c70f1775ffe36daf53af841b733c56109bff8fb4372999f3c514" +
            "324ec585a27fced5cbfafdda2ec7d190a5a734bd06a901885f578f515fef9b32" +
            "72a77868d0c72f876a37aa12fd3734681c890f605ed3329b3b9d5ed90f6fc3e0" +
            "c43872a98212c7882ad1a7432c41ab7c0e5bf887dbd2e70ef3d1773fc0d1e9d5" +
            "45e3ebdd01718be7444b7317764c9733d41c5caa86b58c353acd102abfd09419" +
            "5bab2f15bf6ee024e1c18f3b1a76f3f055aa45074757d23e8c9a1280aff634c2" +
            "ff839a59609cda342603f6f8fd3dd5d41de57be28f3dc561784f6ad3b605c0f8" +
            "d28d4d2432b0e2754b6d6e766ac0ebc9ecdfe3418908057f94673de65415930c" +
            "a7adb880774257bf11f5fbf597d14b4b"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Seal_FixedKeyIvAndInputs_GivesIndependentlyComputedBytes(MessageSuite suite, int bucket, string expectedHex)
    {
        var protection = MessageProtection.Create(suite, bucket);
        byte[] sealedMessage = new byte[protection.GetSealedLength(Plaintext.Length)];

        protection.Seal(Key, Iv, AssociatedData, Plaintext, sealedMessage);

        Convert.ToHexStringLower(sealedMessage).Should().Be(expectedHex);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Open_IndependentlyComputedBytes_GivesThePlaintext(MessageSuite suite, int bucket, string sealedHex)
    {
        var protection = MessageProtection.Create(suite, bucket);

        protection.Open(Key, AssociatedData, Convert.FromHexString(sealedHex)).Should().Equal(Plaintext);
    }

    [Theory]
    [MemberData(nameof(EmptyCases))]
    public void Seal_EmptyPlaintextAndEmptyAssociatedData_GivesIndependentlyComputedBytes(MessageSuite suite, string expectedHex)
    {
        var protection = MessageProtection.Create(suite);
        byte[] sealedMessage = new byte[protection.GetSealedLength(0)];

        protection.Seal(Key, Iv, [], [], sealedMessage);

        Convert.ToHexStringLower(sealedMessage).Should().Be(expectedHex);
        protection.Open(Key, [], sealedMessage).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(BucketEdgeCases))]
    public void Seal_WithLengthHidingAtTheBucketEdge_GivesIndependentlyComputedBytes(int size, string expectedHex)
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256, 160);
        byte[] plaintext = Enumerable.Repeat((byte)'a', size).ToArray();
        byte[] sealedMessage = new byte[protection.GetSealedLength(size)];

        protection.Seal(Key, Iv, AssociatedData, plaintext, sealedMessage);

        Convert.ToHexStringLower(sealedMessage).Should().Be(expectedHex);
        protection.Open(Key, AssociatedData, sealedMessage).Should().Equal(plaintext);
    }

    [Fact]
    public void Seal_IvOfWrongLength_ThrowsArgumentException()
    {
        var protection = MessageProtection.Create(MessageSuite.AesCbcHmacSha256);
        byte[] sealedMessage = new byte[protection.GetSealedLength(Plaintext.Length)];

        Action act = () => protection.Seal(Key, new byte[15], AssociatedData, Plaintext, sealedMessage);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("iv");
    }
}
