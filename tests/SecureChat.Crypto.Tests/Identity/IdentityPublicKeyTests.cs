using System.Security.Cryptography;
using SecureChat.Crypto.Identity;

namespace SecureChat.Crypto.Tests.Identity;

public class IdentityPublicKeyTests
{
    [Fact]
    public void FromSubjectPublicKeyInfo_FixedKey_KeepsTheExactBytesSizeAndFingerprint()
    {
        var key = IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa2048);

        key.SubjectPublicKeyInfo.ToArray().Should().Equal(FixedPublicKeys.Rsa2048);
        key.KeySizeBits.Should().Be(2048);
        key.Fingerprint.ToString().Should().Be(FixedPublicKeys.Rsa2048Fingerprint);
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_ItsOwnOutput_RoundTripsToAnEqualKey()
    {
        var first = IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa3072);

        var second = IdentityPublicKey.FromSubjectPublicKeyInfo(first.SubjectPublicKeyInfo.Span);

        second.Should().Be(first);
        second.GetHashCode().Should().Be(first.GetHashCode());
        second.KeySizeBits.Should().Be(3072);
    }

    [Fact]
    public void Equals_DifferentKeys_IsFalse()
    {
        var a = IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa2048);
        var b = IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa3072);

        a.Equals(b).Should().BeFalse();
        a.Equals(null).Should().BeFalse();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void FromSubjectPublicKeyInfo_TrailingBytes_ThrowsInvalidKeyException(int extra)
    {
        byte[] withTrailer = Tampering.Concat(FixedPublicKeys.Rsa2048, new byte[extra]);

        Action act = () => IdentityPublicKey.FromSubjectPublicKeyInfo(withTrailer);

        act.Should().Throw<InvalidKeyException>();
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_Truncated_ThrowsInvalidKeyException()
    {
        Action act = () => IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa2048.AsSpan(0, FixedPublicKeys.Rsa2048.Length - 1));

        act.Should().Throw<InvalidKeyException>();
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_Garbage_ThrowsInvalidKeyException()
    {
        byte[][] garbage =
        [
            [],
            [0x30],
            [0x30, 0x00],
            "-----BEGIN PUBLIC KEY-----"u8.ToArray(),
            Enumerable.Range(0, 294).Select(i => (byte)(i & 0xFF)).ToArray(),
        ];

        foreach (byte[] bytes in garbage)
        {
            Action act = () => IdentityPublicKey.FromSubjectPublicKeyInfo(bytes);
            act.Should().Throw<InvalidKeyException>("{0} is not a key", Convert.ToHexString(bytes));
        }
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_EcKey_ThrowsInvalidKeyException()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = ec.ExportSubjectPublicKeyInfo();

        Action act = () => IdentityPublicKey.FromSubjectPublicKeyInfo(spki);

        act.Should().Throw<InvalidKeyException>();
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_1024BitRsaKey_ThrowsInvalidKeyException()
    {
        using var rsa = RSA.Create(1024);
        byte[] spki = rsa.ExportSubjectPublicKeyInfo();

        Action act = () => IdentityPublicKey.FromSubjectPublicKeyInfo(spki);

        act.Should().Throw<InvalidKeyException>().WithMessage("*2048*");
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_Pkcs1RsaPublicKeyInsteadOfSpki_ThrowsInvalidKeyException()
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(FixedPublicKeys.Rsa2048, out _);
        byte[] pkcs1 = rsa.ExportRSAPublicKey();

        Action act = () => IdentityPublicKey.FromSubjectPublicKeyInfo(pkcs1);

        act.Should().Throw<InvalidKeyException>();
    }

    [Fact]
    public void Wrap_ToFixedKey_GivesCiphertextOfTheModulusSize()
    {
        var key = IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa2048);

        key.Wrap(new byte[IdentityKey.WrappedSecretSize]).Should().HaveCount(256);
    }

    [Fact]
    public void ToString_ShowsSizeAndFingerprint()
    {
        var key = IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa2048);

        key.ToString().Should().Be("RSA-2048 " + FixedPublicKeys.Rsa2048Fingerprint);
    }
}
