using System.Text;
using SecureChat.Crypto.Derivation;

namespace SecureChat.Crypto.Tests.Derivation;

public class KeyDerivationTests
{
    private static readonly byte[] Prk = Enumerable.Range(0x80, KeyDerivation.PrkSize).Select(i => (byte)i).ToArray();
    private static readonly byte[] Context = Convert.FromHexString("00112233445566778899");

    // Computed with Python 3.11 from the info layout in the header of KeyDerivation.cs, HKDF-Expand
    // (RFC 5869 section 2.3) written out with the hmac module:
    //   full = b"securechat " + label.encode("ascii")
    //   info = struct.pack(">H", length) + bytes([len(full)]) + full + bytes([len(context)]) + context
    //   t, okm = b"", b""
    //   for i in range(1, 256):
    //       t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest(); okm += t
    //       if len(okm) >= length: break
    //   print(okm[:length].hex())
    // with prk = bytes(range(0x80, 0xa0)).
    [Theory]
    [InlineData("handshake key", "00112233445566778899", 42, "33165eccdcabf761428c5aea17a4219f733d6de4a4b709771dc2ba13bb8eb96fab6bd18974b55dc93cb0")]
    [InlineData("confirm", "", 32, "a7dab0ef34ed481e54a26bf7188e4429dbb6b95ed5caa53844de3f9efe342c13")]
    public void ExpandLabel_FixedInputs_GivesIndependentlyComputedOutput(string label, string contextHex, int length, string expectedHex)
    {
        byte[] output = new byte[length];

        KeyDerivation.ExpandLabel(Prk, label, Convert.FromHexString(contextHex), output);

        Convert.ToHexStringLower(output).Should().Be(expectedHex);
    }

    [Fact]
    public void ExpandLabel_DifferentLabels_GiveUnrelatedOutput()
    {
        byte[] a = ExpandLabel("client key", Context, 32);
        byte[] b = ExpandLabel("server key", Context, 32);

        SharedPrefixLength(a, b).Should().BeLessThan(4);
    }

    [Fact]
    public void ExpandLabel_DifferentContexts_GiveUnrelatedOutput()
    {
        byte[] a = ExpandLabel("client key", Context, 32);
        byte[] b = ExpandLabel("client key", Tampering.FlipBit(Context, 0), 32);
        byte[] c = ExpandLabel("client key", [], 32);

        SharedPrefixLength(a, b).Should().BeLessThan(4);
        SharedPrefixLength(a, c).Should().BeLessThan(4);
    }

    [Fact]
    public void ExpandLabel_DifferentLengths_GiveUnrelatedOutput()
    {
        // Plain HKDF-Expand of 32 bytes is a prefix of the 64-byte output; the length in the info prevents that.
        byte[] shorter = ExpandLabel("client key", Context, 32);
        byte[] longer = ExpandLabel("client key", Context, 64);

        SharedPrefixLength(shorter, longer).Should().BeLessThan(4);
    }

    [Fact]
    public void ExpandLabel_LabelAndContextSplitDifferently_GiveUnrelatedOutput()
    {
        // "securechat ab" + "" and "securechat a" + "b" are the same bytes run together; the length bytes tell them apart.
        byte[] a = ExpandLabel("ab", [], 32);
        byte[] b = ExpandLabel("a", "b"u8.ToArray(), 32);

        SharedPrefixLength(a, b).Should().BeLessThan(4);
    }

    [Fact]
    public void ExpandLabel_OtherPrk_GivesUnrelatedOutput()
    {
        byte[] a = ExpandLabel("client key", Context, 32);
        byte[] b = new byte[32];

        KeyDerivation.ExpandLabel(Tampering.FlipBit(Prk, 7), "client key", Context, b);

        SharedPrefixLength(a, b).Should().BeLessThan(4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(KeyDerivation.MaxOutputSize + 1)]
    public void ExpandLabel_OutputLengthOutOfRange_ThrowsArgumentOutOfRangeException(int length)
    {
        Action act = () => KeyDerivation.ExpandLabel(Prk, "client key", Context, new byte[length]);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("output");
    }

    [Fact]
    public void ExpandLabel_MaximumOutputLength_IsAccepted()
    {
        byte[] output = ExpandLabel("client key", Context, KeyDerivation.MaxOutputSize);

        output[^32..].Should().NotEqual(new byte[32], "the whole output is filled");
    }

    [Fact]
    public void ExpandLabel_LongestLabel_IsAcceptedAndOneMoreCharacterIsNot()
    {
        string longest = new('x', 255 - "securechat ".Length);

        ExpandLabel(longest, Context, 32).Should().HaveCount(32);
        Action act = () => KeyDerivation.ExpandLabel(Prk, longest + "x", Context, new byte[32]);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("label");
    }

    [Fact]
    public void ExpandLabel_NonAsciiLabel_ThrowsArgumentOutOfRangeException()
    {
        Action act = () => KeyDerivation.ExpandLabel(Prk, "clé", Context, new byte[32]);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("label");
    }

    [Fact]
    public void ExpandLabel_EmptyLabel_ThrowsArgumentException()
    {
        Action act = () => KeyDerivation.ExpandLabel(Prk, "", Context, new byte[32]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("label");
    }

    [Fact]
    public void ExpandLabel_LongestContext_IsAcceptedAndOneMoreByteIsNot()
    {
        ExpandLabel("client key", new byte[255], 32).Should().HaveCount(32);
        Action act = () => KeyDerivation.ExpandLabel(Prk, "client key", new byte[256], new byte[32]);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("context");
    }

    [Fact]
    public void ExpandLabel_PrkShorterThan32Bytes_ThrowsArgumentOutOfRangeException()
    {
        Action act = () => KeyDerivation.ExpandLabel(new byte[31], "client key", Context, new byte[32]);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("prk");
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    public void Extract_PrkBufferNot32Bytes_ThrowsArgumentException(int length)
    {
        Action act = () => KeyDerivation.Extract(Context, [], new byte[length]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("prk");
    }

    [Fact]
    public void DeriveKey_SameInputs_EqualsExtractThenExpand()
    {
        byte[] ikm = Encoding.ASCII.GetBytes("input keying material");
        byte[] salt = Encoding.ASCII.GetBytes("salt");
        byte[] info = Encoding.ASCII.GetBytes("info");
        byte[] prk = new byte[KeyDerivation.PrkSize];
        byte[] stepwise = new byte[80];
        byte[] oneCall = new byte[80];

        KeyDerivation.Extract(ikm, salt, prk);
        KeyDerivation.Expand(prk, info, stepwise);
        KeyDerivation.DeriveKey(ikm, salt, info, oneCall);

        oneCall.Should().Equal(stepwise);
        stepwise.Should().NotEqual(new byte[80]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(KeyDerivation.MaxOutputSize + 1)]
    public void ExpandAndDeriveKey_OutputLengthOutOfRange_ThrowArgumentOutOfRangeException(int length)
    {
        Action expand = () => KeyDerivation.Expand(Prk, Context, new byte[length]);
        Action derive = () => KeyDerivation.DeriveKey(Prk, [], Context, new byte[length]);

        expand.Should().Throw<ArgumentOutOfRangeException>();
        derive.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static byte[] ExpandLabel(string label, byte[] context, int length)
    {
        byte[] output = new byte[length];
        KeyDerivation.ExpandLabel(Prk, label, context, output);
        return output;
    }

    private static int SharedPrefixLength(byte[] a, byte[] b) => a.AsSpan().CommonPrefixLength(b);
}
