using System.Security.Cryptography;
using SecureChat.Crypto.Identity;

namespace SecureChat.Crypto.Tests.Identity;

public class FingerprintTests
{
    [Fact]
    public void Of_FixedSpki_MatchesIndependentlyComputedSha256()
    {
        Fingerprint.Of(FixedPublicKeys.Rsa2048).ToString().Should().Be(FixedPublicKeys.Rsa2048Fingerprint);
        Fingerprint.Of(FixedPublicKeys.Rsa3072).ToString().Should().Be(FixedPublicKeys.Rsa3072Fingerprint);
    }

    [Fact]
    public void ToString_AnyKey_IsPrefixAnd43Base64Characters()
    {
        for (int i = 0; i < 50; i++)
        {
            string text = Fingerprint.Of(RandomNumberGenerator.GetBytes(100)).ToString();

            text.Should().MatchRegex("^SHA256:[A-Za-z0-9+/]{43}$");
        }
    }

    [Fact]
    public void Hash_FixedSpki_IsTheSha256OfTheSpki()
    {
        Fingerprint.Of(FixedPublicKeys.Rsa2048).Hash.ToArray().Should().Equal(SHA256.HashData(FixedPublicKeys.Rsa2048));
    }

    [Fact]
    public void Of_KeysDifferingInOneBit_GiveDifferentFingerprints()
    {
        Fingerprint.Of(FixedPublicKeys.Rsa2048).Should().NotBe(Fingerprint.Of(Tampering.FlipBit(FixedPublicKeys.Rsa2048, 100)));
    }

    [Theory]
    [InlineData(FixedPublicKeys.Rsa2048Fingerprint)]
    [InlineData(FixedPublicKeys.Rsa3072Fingerprint)]
    public void TryParse_DisplayForm_RoundTrips(string text)
    {
        Fingerprint.TryParse(text, out Fingerprint? parsed).Should().BeTrue();

        parsed!.ToString().Should().Be(text);
        parsed.Should().Be(Fingerprint.Of(text == FixedPublicKeys.Rsa2048Fingerprint ? FixedPublicKeys.Rsa2048 : FixedPublicKeys.Rsa3072));
    }

    [Theory]
    [InlineData(FixedPublicKeys.Rsa2048Fingerprint + "=")]
    [InlineData(FixedPublicKeys.Rsa2048Fingerprint + " ")]
    [InlineData("SHA256: yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptY")]
    public void TryParse_PaddingOrSurroundingSpace_IsAccepted(string text)
    {
        Fingerprint.TryParse(text, out Fingerprint? parsed).Should().BeTrue();

        parsed!.ToString().Should().Be(FixedPublicKeys.Rsa2048Fingerprint);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SHA256:")]
    [InlineData("yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptY")]
    [InlineData("sha256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptY")]
    [InlineData("MD5:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptY")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREpt")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptYA")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptYAAAA")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHRE!tY")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHRE-tY")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfk REptY")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHRE=tY")]
    public void TryParse_MalformedText_ReturnsFalse(string? text)
    {
        Fingerprint.TryParse(text, out Fingerprint? parsed).Should().BeFalse();

        parsed.Should().BeNull();
    }

    // The last of 43 base64 characters carries 4 bits of the hash and 2 unused bits, which must be zero.
    // "Y" (011000) is the canonical last character here; "Z", "a" and "b" set unused bits. A lenient
    // decoder reads all four as the same hash, so four different texts would name one key.
    [Theory]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptZ")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREpta")]
    [InlineData("SHA256:yWN3irWUYKMuLniu097d2KsjWIEjga1FXGdfkHREptb")]
    public void TryParse_NonCanonicalLastCharacter_ReturnsFalse(string text)
    {
        Fingerprint.TryParse(text, out Fingerprint? parsed).Should().BeFalse(
            "only the form ToString gives names the key; got {0}", parsed?.ToString());
    }

    [Fact]
    public void Equals_SameAndOtherHashes_AnswersCorrectly()
    {
        var a = Fingerprint.Of(FixedPublicKeys.Rsa2048);
        var sameAsA = Fingerprint.Of(FixedPublicKeys.Rsa2048);
        var b = Fingerprint.Of(FixedPublicKeys.Rsa3072);

        a.Equals(sameAsA).Should().BeTrue();
        a.GetHashCode().Should().Be(sameAsA.GetHashCode());
        a.Equals(b).Should().BeFalse();
        a.Equals((object?)null).Should().BeFalse();
    }
}
