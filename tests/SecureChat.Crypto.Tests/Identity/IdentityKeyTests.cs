using System.Security.Cryptography;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Tests.Identity;

/// <summary>Generation and key wrap: only the holder of the private key gets the secret back.</summary>
public class IdentityKeyTests(IdentityKeyFixture keys) : IClassFixture<IdentityKeyFixture>
{
    private static readonly byte[] SecretBytes = Enumerable.Range(0xC0, IdentityKey.WrappedSecretSize).Select(i => (byte)i).ToArray();

    [Fact]
    public void Generate_Default_Gives3072BitKey()
    {
        keys.Alice.PublicKey.KeySizeBits.Should().Be(IdentityKey.DefaultKeySizeBits).And.Be(3072);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(keys.Alice.PublicKey.SubjectPublicKeyInfo.Span, out _);
        rsa.KeySize.Should().Be(3072);
    }

    [Fact]
    public void Generate_TwoKeys_HaveDifferentFingerprints()
    {
        keys.Alice.Fingerprint.Should().NotBe(keys.Bob.Fingerprint);
        keys.Alice.PublicKey.Should().NotBe(keys.Bob.PublicKey);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2047)]
    [InlineData(2560)]
    [InlineData(9216)]
    public void Generate_UnsupportedSize_ThrowsArgumentOutOfRangeException(int bits)
    {
        Action act = () => IdentityKey.Generate(bits).Dispose();

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Unwrap_WrappedSecret_GivesTheSecretBack()
    {
        byte[] wrapped = keys.Alice.PublicKey.Wrap(SecretBytes);

        using Secret unwrapped = keys.Alice.Unwrap(wrapped);

        unwrapped.Span.ToArray().Should().Equal(SecretBytes);
        wrapped.Should().HaveCount(3072 / 8);
    }

    [Fact]
    public void TryUnwrap_WrappedSecret_WritesTheSecret()
    {
        byte[] wrapped = keys.Alice.PublicKey.Wrap(SecretBytes);
        byte[] secret = new byte[IdentityKey.WrappedSecretSize];

        keys.Alice.TryUnwrap(wrapped, secret).Should().BeTrue();

        secret.Should().Equal(SecretBytes);
    }

    [Fact]
    public void Wrap_SameSecretTwice_GivesDifferentCiphertexts()
    {
        byte[] first = keys.Alice.PublicKey.Wrap(SecretBytes);
        byte[] second = keys.Alice.PublicKey.Wrap(SecretBytes);

        first.Should().NotEqual(second);
        using Secret fromSecond = keys.Alice.Unwrap(second);
        fromSecond.Span.ToArray().Should().Equal(SecretBytes);
    }

    [Fact]
    public void Wrap_ToAPublicKeyReadFromItsSpki_CanBeUnwrappedByThePrivateKey()
    {
        var announced = IdentityPublicKey.FromSubjectPublicKeyInfo(keys.Alice.PublicKey.SubjectPublicKeyInfo.Span);

        using Secret unwrapped = keys.Alice.Unwrap(announced.Wrap(SecretBytes));

        unwrapped.Span.ToArray().Should().Equal(SecretBytes);
    }

    [Fact]
    public void Unwrap_SecretWrappedToAnotherKey_Fails()
    {
        byte[] wrappedToBob = keys.Bob.PublicKey.Wrap(SecretBytes);

        ShouldFailToUnwrap(keys.Alice, wrappedToBob);
    }

    [Fact]
    public void Unwrap_EveryKindOfDamage_FailsTheSameWay()
    {
        byte[] wrapped = keys.Alice.PublicKey.Wrap(SecretBytes);
        var damaged = new Dictionary<string, byte[]>
        {
            ["first byte flipped"] = Tampering.FlipBit(wrapped, 0),
            ["second byte flipped"] = Tampering.FlipBit(wrapped, 8),
            ["middle byte flipped"] = Tampering.FlipBit(wrapped, wrapped.Length * 4),
            ["last bit flipped"] = Tampering.FlipBit(wrapped, (wrapped.Length * 8) - 1),
            ["truncated by one byte"] = wrapped[..^1],
            ["first byte dropped"] = wrapped[1..],
            ["extended by one byte"] = Tampering.Concat(wrapped, [0]),
            ["zero byte prepended"] = Tampering.Concat([0], wrapped),
            ["empty"] = [],
            ["all zero"] = new byte[wrapped.Length],
            ["all ones"] = Enumerable.Repeat((byte)0xFF, wrapped.Length).ToArray(),
            ["wrapped to Bob"] = keys.Bob.PublicKey.Wrap(SecretBytes),
            ["valid OAEP of 31 bytes"] = OaepEncrypt(keys.Alice.PublicKey, SecretBytes[..31]),
            ["valid OAEP of 33 bytes"] = OaepEncrypt(keys.Alice.PublicKey, [.. SecretBytes, 0]),
            ["PKCS#1 v1.5 of the secret"] = Encrypt(keys.Alice.PublicKey, SecretBytes, RSAEncryptionPadding.Pkcs1),
            ["OAEP-SHA1 of the secret"] = Encrypt(keys.Alice.PublicKey, SecretBytes, RSAEncryptionPadding.OaepSHA1),
        };

        var messages = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string damage, byte[] bytes) in damaged)
        {
            messages.Add(ShouldFailToUnwrap(keys.Alice, bytes, damage));
        }

        messages.Should().ContainSingle("the failure must not say what was wrong (no padding oracle)");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Wrap_SecretNot32Bytes_ThrowsArgumentException(int length)
    {
        Action act = () => keys.Alice.PublicKey.Wrap(new byte[length]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("secret");
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    public void TryUnwrap_DestinationNot32Bytes_ThrowsArgumentException(int length)
    {
        byte[] wrapped = keys.Alice.PublicKey.Wrap(SecretBytes);

        Action act = () => keys.Alice.TryUnwrap(wrapped, new byte[length]);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("secret");
    }

    [Fact]
    public void Unwrap_AfterDispose_ThrowsObjectDisposedException()
    {
        var key = IdentityKey.Generate(2048);
        byte[] wrapped = key.PublicKey.Wrap(SecretBytes);
        key.Dispose();

        Action act = () => key.Unwrap(wrapped).Dispose();

        act.Should().Throw<ObjectDisposedException>();
        key.PublicKey.Wrap(SecretBytes).Should().HaveCount(2048 / 8, "the public half stays usable");
    }

    [Fact]
    public void ToString_ShowsTheFingerprint()
    {
        keys.Alice.ToString().Should().Contain(keys.Alice.Fingerprint.ToString());
    }

    private static byte[] OaepEncrypt(IdentityPublicKey key, byte[] message) => Encrypt(key, message, RSAEncryptionPadding.OaepSHA256);

    private static byte[] Encrypt(IdentityPublicKey key, byte[] message, RSAEncryptionPadding padding)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo.Span, out _);
        return rsa.Encrypt(message, padding);
    }

    /// <summary>Asserts that TryUnwrap returns false without writing and Unwrap throws; returns the exception message.</summary>
    private static string ShouldFailToUnwrap(IdentityKey key, byte[] wrapped, string because = "")
    {
        byte[] destination = Enumerable.Repeat((byte)0xA5, IdentityKey.WrappedSecretSize).ToArray();
        key.TryUnwrap(wrapped, destination).Should().BeFalse(because);
        destination.Should().OnlyContain(b => b == 0xA5, "nothing is written on failure ({0})", because);

        Action act = () => key.Unwrap(wrapped).Dispose();
        return act.Should().ThrowExactly<AuthenticationFailedException>(because).Which.Message;
    }
}
