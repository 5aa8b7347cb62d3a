using SecureChat.Crypto.Identity;

namespace SecureChat.Crypto.Tests.Identity;

public class SafetyNumberTests
{
    private static readonly IdentityPublicKey Key2048 = IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa2048);
    private static readonly IdentityPublicKey Key3072 = IdentityPublicKey.FromSubjectPublicKeyInfo(FixedPublicKeys.Rsa3072);

    // Computed with Python 3.11 from the algorithm in the header of SafetyNumber.cs, for the two fixed SPKIs:
    //   def half(der):
    //       h = hashlib.sha512(b"\x00\x01" + b"SecureChat safety number" + der).digest()
    //       for _ in range(5200): h = hashlib.sha512(h + der).digest()
    //       return "".join("%05d" % (int.from_bytes(h[i*5:i*5+5], "big") % 100000) for i in range(6))
    //   a, b = half(der2048), half(der3072)     # 448530861595666557151299587492, 092986082131291145374674469359
    //   print(min(a, b) + max(a, b))
    private const string Expected2048And3072 = "092986082131291145374674469359448530861595666557151299587492";

    [Fact]
    public void Compute_FixedKeys_GivesIndependentlyComputedDigits()
    {
        SafetyNumber.Compute(Key2048, Key3072).Digits.Should().Be(Expected2048And3072);
    }

    [Fact]
    public void Compute_EitherOrder_GivesTheSameNumber()
    {
        var ab = SafetyNumber.Compute(Key2048, Key3072);
        var ba = SafetyNumber.Compute(Key3072, Key2048);

        ba.Should().Be(ab);
        ba.Digits.Should().Be(ab.Digits);
        ba.GetHashCode().Should().Be(ab.GetHashCode());
    }

    [Fact]
    public void Digits_AnyKeys_AreSixtyDecimalDigits()
    {
        SafetyNumber.Compute(Key2048, Key3072).Digits.Should().MatchRegex("^[0-9]{60}$");
        SafetyNumber.Compute(Key2048, Key2048).Digits.Should().MatchRegex("^[0-9]{60}$");
    }

    [Fact]
    public void ToString_FixedKeys_IsTwelveGroupsOfFiveSeparatedBySingleSpaces()
    {
        string text = SafetyNumber.Compute(Key2048, Key3072).ToString();

        text.Should().Be("09298 60821 31291 14537 46744 69359 44853 08615 95666 55715 12995 87492");
        text.Should().MatchRegex("^[0-9]{5}( [0-9]{5}){11}$");
    }

    [Fact]
    public void Compute_EitherKeyChanged_GivesADifferentNumber()
    {
        // The 2048-bit modulus with bit 1 of its last byte flipped: still an odd 2048-bit modulus, another key.
        byte[] otherDer = (byte[])FixedPublicKeys.Rsa2048.Clone();
        otherDer[^6] ^= 0x02;
        var other = IdentityPublicKey.FromSubjectPublicKeyInfo(otherDer);
        var original = SafetyNumber.Compute(Key2048, Key3072);

        SafetyNumber.Compute(other, Key3072).Should().NotBe(original);
        SafetyNumber.Compute(Key2048, other).Should().NotBe(original);
        SafetyNumber.Compute(Key3072, other).Should().NotBe(original);
    }

    [Fact]
    public void Compute_OneKeyReplaced_ChangesOnlyThatKeysHalf()
    {
        const string Half2048 = "448530861595666557151299587492";
        const string Half3072 = "092986082131291145374674469359";
        byte[] otherDer = (byte[])FixedPublicKeys.Rsa2048.Clone();
        otherDer[^6] ^= 0x02;
        var other = IdentityPublicKey.FromSubjectPublicKeyInfo(otherDer);

        string withOther = SafetyNumber.Compute(Key3072, other).Digits;

        withOther.Should().Contain(Half3072).And.NotContain(Half2048);
    }

    [Fact]
    public void Compute_NullKey_ThrowsArgumentNullException()
    {
        Action first = () => SafetyNumber.Compute(null!, Key2048);
        Action second = () => SafetyNumber.Compute(Key2048, null!);

        first.Should().Throw<ArgumentNullException>();
        second.Should().Throw<ArgumentNullException>();
    }
}
