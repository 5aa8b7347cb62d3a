using SecureChat.Crypto.Agreement;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Crypto.Tests.Agreement;

/// <summary>
/// Each ML-KEM-768 implementation on its own and against the other: whichever one a peer runs, the
/// two sides must agree. The platform's tests are skipped, with the reason, where it cannot run.
/// </summary>
public class MlKemImplementationTests
{
    [Fact]
    public void BouncyCastle_EncapsulateThenDecapsulate_GivesTheSameSecret() => RoundTrip(MlKemBackend.BouncyCastle, MlKemBackend.BouncyCastle);

    [PlatformMlKemFact]
    public void Platform_EncapsulateThenDecapsulate_GivesTheSameSecret() => RoundTrip(MlKemBackend.Platform, MlKemBackend.Platform);

    [PlatformMlKemFact]
    public void Platform_CiphertextFromBouncyCastle_GivesTheSameSecret() => RoundTrip(MlKemBackend.Platform, MlKemBackend.BouncyCastle);

    [PlatformMlKemFact]
    public void BouncyCastle_CiphertextFromPlatform_GivesTheSameSecret() => RoundTrip(MlKemBackend.BouncyCastle, MlKemBackend.Platform);

    [PlatformMlKemFact]
    public void Platform_FromSeed_GivesBouncyCastlesKeys()
    {
        byte[] seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(MlKem768.SeedSize);
        using var platform = MlKem768DecapsulationKey.FromSeed(seed, MlKemBackend.Platform);
        using var bouncyCastle = MlKem768DecapsulationKey.FromSeed(seed, MlKemBackend.BouncyCastle);

        platform.EncapsulationKey.Matches(bouncyCastle.EncapsulationKey.Encoded).Should().BeTrue();
    }

    private static void RoundTrip(MlKemBackend receiving, MlKemBackend sending)
    {
        using var receiver = MlKem768DecapsulationKey.Generate(receiving);
        var ciphertext = new byte[MlKem768.CiphertextSize];

        using Secret sent = receiver.EncapsulationKey.Encapsulate(ciphertext, sending);
        using Secret received = receiver.Decapsulate(ciphertext);

        receiver.Backend.Should().BeSameAs(receiving);
        received.Span.ToArray().Should().Equal(sent.Span.ToArray());
        received.Span.ToArray().Should().NotEqual(new byte[MlKem768.SharedSecretSize]);
    }
}
