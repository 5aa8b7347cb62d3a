using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Tests.Agreement;

public class EphemeralKeyPairTests
{
    // The P-256 base point G, from SEC 2 version 2 section 2.4.2 (also FIPS 186-5 / SP 800-186), checked
    // with `openssl ecparam -name prime256v1 -param_enc explicit -text -noout` ("Generator (uncompressed)").
    private const string GeneratorX = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
    private const string GeneratorY = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

    // 2G, by the affine doubling formula in Python 3.11 over p = 2^256 - 2^224 + 2^192 + 2^96 - 1, a = -3:
    //   l = (3*gx*gx - 3) * pow(2*gy, -1, p) % p; x2 = (l*l - 2*gx) % p; y2 = (l*(gx - x2) - gy) % p
    private const string DoubleGeneratorX = "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978";
    private const string DoubleGeneratorY = "07775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1";

    // The field prime p, big-endian.
    private const string Prime = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

    private static readonly byte[] Generator = Convert.FromHexString("04" + GeneratorX + GeneratorY);
    private static readonly byte[] DoubleGenerator = Convert.FromHexString("04" + DoubleGeneratorX + DoubleGeneratorY);

    [Fact]
    public void DeriveSharedSecret_TwoParties_DeriveTheSameSecret()
    {
        using var alice = EphemeralKeyPair.Generate();
        using var bob = EphemeralKeyPair.Generate();

        using Secret aliceSecret = alice.DeriveSharedSecret(bob.PublicKey);
        using Secret bobSecret = bob.DeriveSharedSecret(alice.PublicKey);

        aliceSecret.Length.Should().Be(EphemeralKeyPair.SharedSecretSize);
        aliceSecret.Span.ToArray().Should().Equal(bobSecret.Span.ToArray());
        aliceSecret.Span.ToArray().Should().NotEqual(new byte[EphemeralKeyPair.SharedSecretSize]);
    }

    [Fact]
    public void DeriveSharedSecret_ThirdParty_DerivesAnotherSecret()
    {
        using var alice = EphemeralKeyPair.Generate();
        using var bob = EphemeralKeyPair.Generate();
        using var mallory = EphemeralKeyPair.Generate();

        using Secret withBob = alice.DeriveSharedSecret(bob.PublicKey);
        using Secret withMallory = alice.DeriveSharedSecret(mallory.PublicKey);

        withBob.Span.ToArray().Should().NotEqual(withMallory.Span.ToArray());
    }

    [Fact]
    public void PublicKey_GeneratedPair_IsA65ByteUncompressedPoint()
    {
        using var pair = EphemeralKeyPair.Generate();

        pair.PublicKey.Length.Should().Be(65);
        pair.PublicKey[0].Should().Be(0x04);
    }

    [Fact]
    public void Generate_TwoPairs_HaveDifferentPublicKeys()
    {
        using var first = EphemeralKeyPair.Generate();
        using var second = EphemeralKeyPair.Generate();

        first.PublicKey.ToArray().Should().NotEqual(second.PublicKey.ToArray());
    }

    [Fact]
    public void FromPrivateKey_One_HasTheBasePointAsPublicKey()
    {
        using var pair = EphemeralKeyPair.FromPrivateKey(Scalar(1));

        Convert.ToHexStringLower(pair.PublicKey).Should().Be("04" + GeneratorX + GeneratorY);
    }

    [Fact]
    public void FromPrivateKey_Two_HasTwiceTheBasePointAsPublicKey()
    {
        using var pair = EphemeralKeyPair.FromPrivateKey(Scalar(2));

        Convert.ToHexStringLower(pair.PublicKey).Should().Be("04" + DoubleGeneratorX + DoubleGeneratorY);
    }

    [Fact]
    public void DeriveSharedSecret_ScalarOneWithPeerPoint_IsThePeersXCoordinate()
    {
        // 1 · Q = Q, so the raw X-coordinate secret is Q's own X.
        using var one = EphemeralKeyPair.FromPrivateKey(Scalar(1));
        using var peer = EphemeralKeyPair.Generate();

        using Secret secret = one.DeriveSharedSecret(peer.PublicKey);

        secret.Span.ToArray().Should().Equal(peer.PublicKey.Slice(1, 32).ToArray());
    }

    [Fact]
    public void DeriveSharedSecret_ScalarTwoWithBasePoint_IsTheXOfTwiceTheBasePoint()
    {
        using var two = EphemeralKeyPair.FromPrivateKey(Scalar(2));

        using Secret secret = two.DeriveSharedSecret(Generator);

        Convert.ToHexStringLower(secret.Span).Should().Be(DoubleGeneratorX);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(66)]
    [InlineData(91)]
    public void DeriveSharedSecret_PointOfWrongLength_ThrowsInvalidKeyException(int length)
    {
        using var pair = EphemeralKeyPair.Generate();
        byte[] point = new byte[length];
        Generator.AsSpan(0, Math.Min(length, Generator.Length)).CopyTo(point);

        Action act = () => pair.DeriveSharedSecret(point).Dispose();

        act.Should().Throw<InvalidKeyException>();
    }

    [Fact]
    public void DeriveSharedSecret_CompressedPoint_ThrowsInvalidKeyException()
    {
        using var pair = EphemeralKeyPair.Generate();
        byte[] compressed = Convert.FromHexString("03" + GeneratorX);

        Action act = () => pair.DeriveSharedSecret(compressed).Dispose();

        act.Should().Throw<InvalidKeyException>();
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x02)]
    [InlineData(0x03)]
    [InlineData(0x05)]
    [InlineData(0x06)]
    [InlineData(0x07)]
    public void DeriveSharedSecret_65BytesWithOtherPrefix_ThrowsInvalidKeyException(byte prefix)
    {
        using var pair = EphemeralKeyPair.Generate();
        byte[] point = (byte[])Generator.Clone();
        point[0] = prefix;

        Action act = () => pair.DeriveSharedSecret(point).Dispose();

        act.Should().Throw<InvalidKeyException>();
    }

    [Fact]
    public void DeriveSharedSecret_EverySingleBitFlipOfTheBasePointCoordinates_ThrowsInvalidKeyException()
    {
        using var pair = EphemeralKeyPair.Generate();
        pair.DeriveSharedSecret(Generator).Dispose();

        var accepted = Enumerable.Range(8, 64 * 8).Where(bit =>
        {
            try
            {
                pair.DeriveSharedSecret(Tampering.FlipBit(Generator, bit)).Dispose();
                return true;
            }
            catch (InvalidKeyException)
            {
                return false;
            }
        }).ToList();

        accepted.Should().BeEmpty("a point off the curve would leak bits of the private key (invalid-curve attack)");
    }

    [Theory]
    [InlineData("04" + Prime + GeneratorY)]
    [InlineData("04" + GeneratorX + Prime)]
    [InlineData("04" + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" + GeneratorY)]
    [InlineData("04" + GeneratorX + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    public void DeriveSharedSecret_CoordinateNotBelowThePrime_ThrowsInvalidKeyException(string pointHex)
    {
        using var pair = EphemeralKeyPair.Generate();

        Action act = () => pair.DeriveSharedSecret(Convert.FromHexString(pointHex)).Dispose();

        act.Should().Throw<InvalidKeyException>();
    }

    [Fact]
    public void DeriveSharedSecret_AllZeros_ThrowsInvalidKeyException()
    {
        using var pair = EphemeralKeyPair.Generate();
        byte[] uncompressedZero = new byte[65];
        uncompressedZero[0] = 0x04;

        Action zeros = () => pair.DeriveSharedSecret(new byte[65]).Dispose();
        Action zeroCoordinates = () => pair.DeriveSharedSecret(uncompressedZero).Dispose();

        zeros.Should().Throw<InvalidKeyException>();
        zeroCoordinates.Should().Throw<InvalidKeyException>();
    }

    [Fact]
    public void DeriveSharedSecret_AfterDispose_ThrowsObjectDisposedException()
    {
        using var peer = EphemeralKeyPair.Generate();
        var pair = EphemeralKeyPair.Generate();
        pair.Dispose();

        Action act = () => pair.DeriveSharedSecret(peer.PublicKey.ToArray()).Dispose();

        act.Should().Throw<ObjectDisposedException>();
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")] // n, the group order
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    public void FromPrivateKey_ScalarOutOfRange_ThrowsInvalidKeyException(string scalarHex)
    {
        Action act = () => EphemeralKeyPair.FromPrivateKey(Convert.FromHexString(scalarHex)).Dispose();

        act.Should().Throw<InvalidKeyException>();
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    public void FromPrivateKey_ScalarNot32Bytes_ThrowsArgumentException(int length)
    {
        byte[] scalar = new byte[length];
        scalar[^1] = 1;

        Action act = () => EphemeralKeyPair.FromPrivateKey(scalar).Dispose();

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ToString_KnownPrivateKey_ShowsNoPrivateOrSharedBytes()
    {
        byte[] scalar = Convert.FromHexString("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
        using var pair = EphemeralKeyPair.FromPrivateKey(scalar);
        using Secret secret = pair.DeriveSharedSecret(Generator);

        pair.ToString().ShouldNotReveal(scalar);
        secret.ToString().ShouldNotReveal(secret.Span.ToArray());
    }

    private static byte[] Scalar(byte value)
    {
        byte[] scalar = new byte[32];
        scalar[^1] = value;
        return scalar;
    }
}
