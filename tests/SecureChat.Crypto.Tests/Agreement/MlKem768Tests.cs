using System.Security.Cryptography;
using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Tests.Agreement;

/// <summary>The ML-KEM-768 seam through its public API, on whichever implementation this machine chooses.</summary>
public class MlKem768Tests
{
    [Fact]
    public void Implementation_ThisMachine_IsThePlatformsOnlyWhereSupported()
    {
        string expected = MLKem.IsSupported ? MlKemBackend.Platform.Name : MlKemBackend.BouncyCastle.Name;

        MlKem768.Implementation.Should().Be(expected);
    }

    [Fact]
    public void Decapsulate_CiphertextFromEncapsulate_GivesTheSameSecret()
    {
        using var receiver = MlKem768DecapsulationKey.Generate();
        var ciphertext = new byte[MlKem768.CiphertextSize];

        using Secret sent = MlKem768EncapsulationKey.Import(receiver.EncapsulationKey.Encoded).Encapsulate(ciphertext);
        using Secret received = receiver.Decapsulate(ciphertext);

        sent.Length.Should().Be(MlKem768.SharedSecretSize);
        received.Span.ToArray().Should().Equal(sent.Span.ToArray());
        received.Span.ToArray().Should().NotEqual(new byte[MlKem768.SharedSecretSize]);
    }

    [Fact]
    public void Decapsulate_OneBitFlipped_GivesAnotherSecretWithoutError()
    {
        using var receiver = MlKem768DecapsulationKey.Generate();
        var ciphertext = new byte[MlKem768.CiphertextSize];
        using Secret sent = receiver.EncapsulationKey.Encapsulate(ciphertext);
        ciphertext[100] ^= 0x01;

        // Implicit rejection (FIPS 203 algorithm 18): a pseudorandom secret, so nothing is learnt from an error.
        using Secret received = receiver.Decapsulate(ciphertext);

        received.Span.ToArray().Should().NotEqual(sent.Span.ToArray());
    }

    [Fact]
    public void Decapsulate_CiphertextForAnotherKey_GivesAnotherSecret()
    {
        using var intended = MlKem768DecapsulationKey.Generate();
        using var other = MlKem768DecapsulationKey.Generate();
        var ciphertext = new byte[MlKem768.CiphertextSize];
        using Secret sent = intended.EncapsulationKey.Encapsulate(ciphertext);

        using Secret received = other.Decapsulate(ciphertext);

        received.Span.ToArray().Should().NotEqual(sent.Span.ToArray());
    }

    [Fact]
    public void Encapsulate_Twice_GivesFreshCiphertextsAndSecrets()
    {
        using var receiver = MlKem768DecapsulationKey.Generate();
        var first = new byte[MlKem768.CiphertextSize];
        var second = new byte[MlKem768.CiphertextSize];

        using Secret firstSecret = receiver.EncapsulationKey.Encapsulate(first);
        using Secret secondSecret = receiver.EncapsulationKey.Encapsulate(second);

        second.Should().NotEqual(first);
        secondSecret.Span.ToArray().Should().NotEqual(firstSecret.Span.ToArray());
    }

    [Fact]
    public void Generate_TwoKeys_HaveDifferentEncapsulationKeys()
    {
        using var first = MlKem768DecapsulationKey.Generate();
        using var second = MlKem768DecapsulationKey.Generate();

        first.EncapsulationKey.Matches(second.EncapsulationKey.Encoded).Should().BeFalse();
    }

    [Fact]
    public void FromSeed_SameSeed_GivesTheSameKeysAndSecrets()
    {
        byte[] seed = RandomNumberGenerator.GetBytes(MlKem768.SeedSize);
        using var first = MlKem768DecapsulationKey.FromSeed(seed);
        using var second = MlKem768DecapsulationKey.FromSeed(seed);
        var ciphertext = new byte[MlKem768.CiphertextSize];
        using Secret sent = first.EncapsulationKey.Encapsulate(ciphertext);

        using Secret received = second.Decapsulate(ciphertext);

        second.EncapsulationKey.Matches(first.EncapsulationKey.Encoded).Should().BeTrue();
        received.Span.ToArray().Should().Equal(sent.Span.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(65)]
    public void FromSeed_WrongLength_ThrowsArgumentException(int length)
    {
        Action act = () => MlKem768DecapsulationKey.FromSeed(new byte[length]).Dispose();

        act.Should().Throw<ArgumentException>().WithParameterName("seed");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1183)]
    [InlineData(1185)]
    public void Import_WrongLength_ThrowsInvalidKey(int length)
    {
        using var owner = MlKem768DecapsulationKey.Generate();
        byte[] encoded = new byte[length];
        owner.EncapsulationKey.Encoded[..Math.Min(length, MlKem768.EncapsulationKeySize)].CopyTo(encoded);

        Action act = () => MlKem768EncapsulationKey.Import(encoded);

        act.Should().Throw<InvalidKeyException>();
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(0, false)]
    [InlineData(383, true)]
    [InlineData(383, false)]
    public void Import_CoefficientEqualToModulus_ThrowsInvalidKey(int pair, bool firstOfPair)
    {
        byte[] encoded = WithCoefficient(pair, firstOfPair, 3329);

        Action act = () => MlKem768EncapsulationKey.Import(encoded);

        act.Should().Throw<InvalidKeyException>().WithMessage("*modulus*");
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(383, false)]
    public void Import_LargestReducedCoefficient_IsAccepted(int pair, bool firstOfPair)
    {
        byte[] encoded = WithCoefficient(pair, firstOfPair, 3328);

        MlKem768EncapsulationKey.Import(encoded).Matches(encoded).Should().BeTrue();
    }

    [Theory]
    [InlineData(1087)]
    [InlineData(1089)]
    public void Encapsulate_WrongCiphertextLength_ThrowsArgumentException(int length)
    {
        using var receiver = MlKem768DecapsulationKey.Generate();

        Action act = () => receiver.EncapsulationKey.Encapsulate(new byte[length]).Dispose();

        act.Should().Throw<ArgumentException>().WithParameterName("ciphertext");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1087)]
    [InlineData(1089)]
    public void Decapsulate_WrongCiphertextLength_ThrowsArgumentException(int length)
    {
        using var receiver = MlKem768DecapsulationKey.Generate();

        Action act = () => receiver.Decapsulate(new byte[length]).Dispose();

        act.Should().Throw<ArgumentException>().WithParameterName("ciphertext");
    }

    [Fact]
    public void Decapsulate_SecretOverlapsCiphertext_ThrowsArgumentException()
    {
        using var receiver = MlKem768DecapsulationKey.Generate();
        var buffer = new byte[MlKem768.CiphertextSize];
        receiver.EncapsulationKey.Encapsulate(buffer).Dispose();

        Action act = () => receiver.Decapsulate(buffer, buffer.AsSpan(0, MlKem768.SharedSecretSize));

        act.Should().Throw<ArgumentException>().WithParameterName("sharedSecret");
    }

    [Fact]
    public void Decapsulate_AfterDispose_ThrowsObjectDisposed()
    {
        var receiver = MlKem768DecapsulationKey.Generate();
        var ciphertext = new byte[MlKem768.CiphertextSize];
        receiver.EncapsulationKey.Encapsulate(ciphertext).Dispose();
        receiver.Dispose();

        Action act = () => receiver.Decapsulate(ciphertext).Dispose();

        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void ToString_DecapsulationKey_RevealsNoKeyBytes()
    {
        using var key = MlKem768DecapsulationKey.Generate();
        byte[] expanded = new byte[MlKem768.DecapsulationKeySize];
        key.ExportDecapsulationKey(expanded);

        key.ToString().ShouldNotReveal(expanded);
        key.ToString().Should().Contain("redacted");
    }

    [Fact]
    public void TryEncapsulate_SameRandomness_GivesTheSameCiphertextAndSecret()
    {
        using var receiver = MlKem768DecapsulationKey.Generate();
        byte[] m = RandomNumberGenerator.GetBytes(MlKem768.EncapsulationRandomnessSize);
        byte[] firstCiphertext = new byte[MlKem768.CiphertextSize], secondCiphertext = new byte[MlKem768.CiphertextSize];
        byte[] firstSecret = new byte[32], secondSecret = new byte[32];

        receiver.EncapsulationKey.TryEncapsulate(m, firstCiphertext, firstSecret, MlKemBackend.BouncyCastle).Should().BeTrue();
        receiver.EncapsulationKey.TryEncapsulate(m, secondCiphertext, secondSecret, MlKemBackend.BouncyCastle).Should().BeTrue();

        secondCiphertext.Should().Equal(firstCiphertext);
        secondSecret.Should().Equal(firstSecret);
        using Secret received = receiver.Decapsulate(firstCiphertext);
        received.Span.ToArray().Should().Equal(firstSecret);
    }

    [Fact]
    public void TryEncapsulate_Platform_SaysItCannotTakeRandomness()
    {
        using var receiver = MlKem768DecapsulationKey.Generate();
        byte[] m = new byte[MlKem768.EncapsulationRandomnessSize];

        bool done = receiver.EncapsulationKey.TryEncapsulate(m, new byte[MlKem768.CiphertextSize], new byte[32], MlKemBackend.Platform);

        done.Should().BeFalse();
    }

    /// <summary>A valid key with one 12-bit coefficient of t̂ (768 of them, in 384 three-byte pairs) set to <paramref name="value"/>.</summary>
    private static byte[] WithCoefficient(int pair, bool firstOfPair, int value)
    {
        using var owner = MlKem768DecapsulationKey.Generate();
        byte[] encoded = owner.EncapsulationKey.Encoded.ToArray();
        int at = pair * 3;
        if (firstOfPair)
        {
            encoded[at] = (byte)(value & 0xFF);
            encoded[at + 1] = (byte)((encoded[at + 1] & 0xF0) | (value >> 8));
        }
        else
        {
            encoded[at + 1] = (byte)((encoded[at + 1] & 0x0F) | ((value & 0x0F) << 4));
            encoded[at + 2] = (byte)((value >> 4) & 0xFF);
        }

        return encoded;
    }
}
