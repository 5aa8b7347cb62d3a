using System.Security.Cryptography;
using SecureChat.Crypto.Derivation;

namespace SecureChat.Crypto.Tests.Derivation;

public class ChainKeyTests
{
    private static readonly byte[] InitialKey = Enumerable.Range(0x40, ChainKey.Size).Select(i => (byte)i).ToArray();

    // Computed with Python 3.11 from the construction in the header of ChainKey.cs, HKDF (RFC 5869)
    // written out with the hmac module (checked against RFC 5869 test case 1 first):
    //   ck = bytes(range(0x40, 0x60))
    //   for n in range(3):
    //       seed = hmac.new(ck, b"\x01", hashlib.sha256).digest()
    //       ck   = hmac.new(ck, b"\x02", hashlib.sha256).digest()
    //       prk  = hmac.new(b"\x00" * 32, seed, hashlib.sha256).digest()            # HKDF-Extract, empty salt
    //       t1   = hmac.new(prk, b"securechat message key" + b"\x01", hashlib.sha256).digest()
    //       t2   = hmac.new(prk, t1 + b"securechat message key" + b"\x02", hashlib.sha256).digest()
    //       print((t1 + t2).hex())                                                    # HKDF-Expand, 64 bytes
    private static readonly string[] ExpectedMessageKeys =
    [
        "e4f3887e5eccee35531d442f0d53480873a99b107733264331b49f99fb6375bf" +
        "1ab49feefa7a9506807a59d5962cc2c19cff54b7179f8805cdb3ca7b3c3cd59b",
        "22bc946991f1c1ed4d516e9b5b185f0b07aa1b42660e7b829eb9ed021ab4fd05" +
        "4df534b9a5cce949557a96d84bbb52029291b3dd2103489b6e172f2e1060a06c",
        "242dcb396722778c198ddc6daa2157a267315df36a6463bb8b354dce90a7ac68" +
        "becbf5e4ed15b1bae129348d7d5c5b812d31640f4af9ead1670fd068fefd10e5",
    ];

    [Theory]
    [InlineData(new[] { false, true, false })]
    [InlineData(new[] { true, true, true })]
    [InlineData(new[] { true, false, true })]
    public void PrepareNext_ChangesNoKeyAndNoIndex(bool[] prepareBefore)
    {
        using var chain = new ChainKey(InitialKey);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];

        for (int i = 0; i < ExpectedMessageKeys.Length; i++)
        {
            if (prepareBefore[i])
            {
                chain.PrepareNext();
                chain.PrepareNext(); // twice: still one key ahead, not two
                chain.Index.Should().Be((ulong)i, "preparing a key is not giving it");
            }

            chain.Next(messageKey);
            Convert.ToHexStringLower(messageKey).Should().Be(ExpectedMessageKeys[i]);
        }
    }

    [Fact]
    public void PrepareNext_AfterDispose_Throws()
    {
        var chain = new ChainKey(InitialKey);
        chain.Dispose();
        Action act = chain.PrepareNext;
        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Next_FromFixedInitialKey_GivesIndependentlyComputedMessageKeys()
    {
        using var chain = new ChainKey(InitialKey);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];

        var keys = new List<string>();
        for (int i = 0; i < ExpectedMessageKeys.Length; i++)
        {
            chain.Next(messageKey);
            keys.Add(Convert.ToHexStringLower(messageKey));
        }

        keys.Should().Equal(ExpectedMessageKeys);
    }

    [Fact]
    public void Next_ThousandSteps_NeverRepeatsAKey()
    {
        using var chain = new ChainKey(InitialKey);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];
        var seen = new HashSet<string>(StringComparer.Ordinal);

        for (int i = 0; i < 1000; i++)
        {
            chain.Next(messageKey);
            seen.Add(Convert.ToHexString(messageKey, 0, 32)).Should().BeTrue($"the MAC half of key {i} is new");
            seen.Add(Convert.ToHexString(messageKey, 32, 32)).Should().BeTrue($"the encryption half of key {i} is new");
        }
    }

    [Fact]
    public void Next_TwoChainsFromDifferentKeys_GiveDifferentKeys()
    {
        using var first = new ChainKey(InitialKey);
        using var second = new ChainKey(Tampering.FlipBit(InitialKey, 0));
        byte[] a = new byte[ChainKey.MessageKeySize];
        byte[] b = new byte[ChainKey.MessageKeySize];

        first.Next(a);
        second.Next(b);

        a.Should().NotEqual(b);
    }

    [Fact]
    public void Index_CountsMessageKeysGiven()
    {
        using var chain = new ChainKey(InitialKey);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];

        chain.Index.Should().Be(0UL);
        chain.Next(messageKey);
        chain.Index.Should().Be(1UL);
        chain.Next(messageKey);
        chain.Next(messageKey);
        chain.Index.Should().Be(3UL);
    }

    [Fact]
    public void Next_AfterDispose_ThrowsObjectDisposedException()
    {
        var chain = new ChainKey(InitialKey);
        chain.Dispose();

        Action act = () => chain.Next(new byte[ChainKey.MessageKeySize]);

        act.Should().Throw<ObjectDisposedException>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Constructor_InitialKeyNot32Bytes_ThrowsArgumentException(int length)
    {
        Action act = () => new ChainKey(new byte[length]).Dispose();

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("initialKey");
    }

    [Theory]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(65)]
    public void Next_MessageKeyBufferNot64Bytes_ThrowsAndDoesNotAdvance(int length)
    {
        using var chain = new ChainKey(InitialKey);

        Action act = () => chain.Next(new byte[length]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("messageKey");
        chain.Index.Should().Be(0UL);
        byte[] first = new byte[ChainKey.MessageKeySize];
        chain.Next(first);
        Convert.ToHexStringLower(first).Should().Be(ExpectedMessageKeys[0]);
    }

    [Fact]
    public void Constructor_CallerWipesItsCopy_ChainIsUnaffected()
    {
        byte[] callerCopy = (byte[])InitialKey.Clone();
        using var chain = new ChainKey(callerCopy);
        CryptographicOperations.ZeroMemory(callerCopy);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];

        chain.Next(messageKey);

        Convert.ToHexStringLower(messageKey).Should().Be(ExpectedMessageKeys[0]);
    }

    [Fact]
    public void ToString_AfterSteps_ShowsNoKeyMaterial()
    {
        using var chain = new ChainKey(InitialKey);
        byte[] messageKey = new byte[ChainKey.MessageKeySize];
        chain.Next(messageKey);
        byte[] currentChainKey = HMACSHA256.HashData(InitialKey, new byte[] { 0x02 });

        string text = chain.ToString();

        text.ShouldNotReveal(InitialKey);
        text.ShouldNotReveal(currentChainKey);
        text.ShouldNotReveal(messageKey);
    }
}
