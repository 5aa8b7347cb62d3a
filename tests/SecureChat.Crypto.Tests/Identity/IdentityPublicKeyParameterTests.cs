using System.Formats.Asn1;
using System.Security.Cryptography;
using SecureChat.Crypto.Identity;

namespace SecureChat.Crypto.Tests.Identity;

/// <summary>
/// A peer's key with parameters that import but cannot be used (found in review): refused up front with
/// our error type, instead of an OpenSSL error in the middle of a handshake.
/// </summary>
public class IdentityPublicKeyParameterTests
{
    [Theory]
    [InlineData(new byte[] { 0x01 })]
    [InlineData(new byte[] { 0x02 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x02 })]
    public void FromSubjectPublicKeyInfo_ExponentOneOrEven_ThrowsInvalidKeyException(byte[] exponent)
    {
        // OpenSSL already refuses these at import; what matters is that it surfaces as our error type.
        byte[] spki = WithParameters(Modulus(FixedPublicKeys.Rsa3072), exponent);

        Action import = () => IdentityPublicKey.FromSubjectPublicKeyInfo(spki);

        import.Should().Throw<InvalidKeyException>();
    }

    [Theory]
    [InlineData(new byte[] { 0x03 })]
    [InlineData(new byte[] { 0xFF, 0xFF })]
    public void FromSubjectPublicKeyInfo_SmallOddExponent_ThrowsInvalidKeyExceptionNamingTheExponent(byte[] exponent)
    {
        // These import (OpenSSL accepts e = 3); our own SP 800-56B check must refuse them.
        byte[] spki = WithParameters(Modulus(FixedPublicKeys.Rsa3072), exponent);

        Action import = () => IdentityPublicKey.FromSubjectPublicKeyInfo(spki);

        import.Should().Throw<InvalidKeyException>().WithMessage("*exponent*");
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_Exponent65537_IsAccepted()
    {
        byte[] spki = WithParameters(Modulus(FixedPublicKeys.Rsa3072), [0x01, 0x00, 0x01]);

        IdentityPublicKey.FromSubjectPublicKeyInfo(spki).KeySizeBits.Should().Be(3072);
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_ModulusNotAWholeNumberOfBytes_ThrowsInvalidKeyException()
    {
        // A 3070-bit modulus: every wrapped secret would be 384 bytes, which the unwrap length check refuses.
        byte[] modulus = Modulus(FixedPublicKeys.Rsa3072);
        modulus[0] &= 0x3F;
        modulus[0] |= 0x20;
        byte[] spki = WithParameters(modulus, [0x01, 0x00, 0x01]);

        Action import = () => IdentityPublicKey.FromSubjectPublicKeyInfo(spki);

        import.Should().Throw<InvalidKeyException>().WithMessage("*whole bytes*");
    }

    private static byte[] Modulus(byte[] spki)
    {
        using RSA rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(spki, out _);
        return rsa.ExportParameters(false).Modulus!;
    }

    /// <summary>
    /// The DER SubjectPublicKeyInfo of (n, e), written by hand (RFC 8017 A.1.1, RFC 5280 4.1.2.7) because
    /// .NET's own import refuses to build keys with some of these exponents.
    /// </summary>
    private static byte[] WithParameters(byte[] modulus, byte[] exponent)
    {
        var rsaPublicKey = new AsnWriter(AsnEncodingRules.DER);
        using (rsaPublicKey.PushSequence())
        {
            rsaPublicKey.WriteIntegerUnsigned(modulus);
            rsaPublicKey.WriteIntegerUnsigned(exponent.AsSpan().TrimStart((byte)0) is { IsEmpty: false } e ? e : [0]);
        }

        var spki = new AsnWriter(AsnEncodingRules.DER);
        using (spki.PushSequence())
        {
            using (spki.PushSequence())
            {
                spki.WriteObjectIdentifier("1.2.840.113549.1.1.1");
                spki.WriteNull();
            }

            spki.WriteBitString(rsaPublicKey.Encode());
        }

        return spki.Encode();
    }
}
